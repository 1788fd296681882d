package dev.orsgateway.examples.scripted;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted OpenAI Chat Completions server on 127.0.0.1: tests point a gateway at it instead of a real model, and
 * the runnable gateway uses it as a demo upstream.
 *
 * <p>It answers {@code POST /v1/chat/completions} (and {@code POST /chat/completions}): each request is recorded
 * ({@link #takeRequest()}, {@link #requests()}), then answered by the next {@link #enqueue(Script) enqueued}
 * {@link Script}, or, when none is queued, by the built-in demo model. {@code "stream": true} gets
 * {@code text/event-stream} chunks, one flush per event, ending with {@code data: [DONE]}; otherwise an
 * {@code application/json} {@code chat.completion}. A body that is not a Chat Completions request gets a 400, an
 * unknown path a 404, another method a 405 (all in the OpenAI error shape; no script is used up). {@code GET /v1/models}
 * lists {@link #setModels the models} in OpenAI's shape.
 *
 * <p>The demo model is deterministic:
 *
 * <ol>
 *   <li>When the request has function tools, the last message is a user message and {@code tool_choice} is not
 *       {@code "none"}, it calls the first function (or the one {@code tool_choice} names) with arguments built from
 *       the schema's {@code properties}, in order: the first {@code enum} value if any, else the {@code const}, else
 *       by type: string: {@code "San Francisco, CA"} when the property name contains {@code location} or
 *       {@code city} (in any case), else {@code "example"}; number or integer: {@code 1}; boolean: {@code true};
 *       array: {@code []}; object: built the same way from its own properties; anything else {@code null}. The
 *       arguments are streamed in fragments of at most 10 characters; {@code finish_reason} is
 *       {@code tool_calls}.
 *   <li>Else, when the last message is a {@code tool} (or legacy {@code function}) message, it answers
 *       {@code "The tool returned: <its text>"}.
 *   <li>Else it echoes the last user message: {@code "You said: <text>"}, where the text is the message's text
 *       (text parts joined by spaces), stripped; with an image part {@code " (with an image)"} is appended; without
 *       text it is {@code "You sent an image."} or {@code "You said nothing."}.
 * </ol>
 *
 * <p>A text answer is streamed word by word, each word with the whitespace after it as one delta. With
 * {@code max_completion_tokens} (else {@code max_tokens}) set below the number of words, only that many words are
 * sent and {@code finish_reason} is {@code length} (else {@code stop}). With {@code reasoning_effort} set (other than
 * {@code none}), one short sentence of {@code reasoning_content} comes first, also word by word. Usage counts words:
 * prompt tokens are the words of all messages, completion tokens the words generated (reasoning, text, tool name and
 * arguments), reasoning words also as {@code reasoning_tokens}. The model reported is the request's.
 *
 * <p>HTTP is handled by the JDK's {@code com.sun.net.httpserver.HttpServer}, behind a thin TCP relay that owns the
 * clients' sockets: that is how the server sees a client disconnect ({@link #awaitClientDisconnect(Duration)}), counts
 * open connections, and why {@link #close()} returns promptly even with stalled streams open. Loading this class sets
 * the system property {@code sun.net.httpserver.nodelay} to {@code true} unless it is already set: without it every
 * keep-alive request to any {@code HttpServer} in the JVM pays about 40 ms of Nagle and delayed-ACK latency.
 */
public final class ScriptedChatServer implements AutoCloseable {

    /** How long {@link #takeRequest()} waits. */
    public static final Duration DEFAULT_TAKE_TIMEOUT = Duration.ofSeconds(10);

    private static final String CHAT_PATH = "/chat/completions";
    private volatile List<String> models = List.of(ScriptRenderer.DEFAULT_MODEL);
    private static final String V1_CHAT_PATH = "/v1/chat/completions";
    private static final long STALL_CHECK_MILLIS = 200;

    static {
        // HttpServer sends response headers and body in separate writes; without TCP_NODELAY, Nagle's algorithm and
        // delayed ACKs add about 40 ms to every keep-alive request. The property is read once, when HttpServer
        // first loads its configuration, so set it before that (unless the JVM was given a value).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ConnectionRelay relay;
    private final ExecutorService handlerThreads;
    private final ExecutorService relayThreads;
    private final InetAddress host;

    private final Queue<Script> scripts = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger clientDisconnects = new AtomicInteger();
    private final Semaphore unawaitedDisconnects = new Semaphore(0);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Duration demoChunkDelay = Duration.ZERO;

    private ScriptedChatServer(int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        host = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        handlerThreads = Executors.newCachedThreadPool(daemonThreads("scripted-chat-handler-"));
        relayThreads = Executors.newCachedThreadPool(daemonThreads("scripted-chat-relay-"));
        HttpServer server = null;
        ConnectionRelay front = null;
        try {
            server = HttpServer.create(new InetSocketAddress(host, 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(handlerThreads);
            front = new ConnectionRelay(
                    port, host, new InetSocketAddress(host, server.getAddress().getPort()), relayThreads);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.stop(0);
            }
            handlerThreads.shutdownNow();
            relayThreads.shutdownNow();
            throw e;
        }
        http = server;
        relay = front;
        http.start();
        relay.start();
    }

    /**
     * Starts a server on a free port of 127.0.0.1.
     *
     * @return the running server
     * @throws UncheckedIOException when it cannot bind
     */
    public static ScriptedChatServer start() {
        return start(0);
    }

    /**
     * Starts a server on 127.0.0.1.
     *
     * @param port the port, or 0 for a free one
     * @return the running server
     * @throws UncheckedIOException when it cannot bind
     */
    public static ScriptedChatServer start(int port) {
        try {
            return new ScriptedChatServer(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the scripted chat server on port " + port, e);
        }
    }

    /**
     * Starts a server and runs until the process is stopped.
     *
     * @param args optionally the port (default 0, a free one), then a delay in milliseconds between the demo
     *     model's streamed chunks (default 0)
     * @throws InterruptedException when interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        ScriptedChatServer server = start(port);
        if (args.length > 1) {
            server.setDemoChunkDelay(Duration.ofMillis(Long.parseLong(args[1])));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "scripted-chat-shutdown"));
        System.out.println("Scripted Chat Completions server: " + server.baseUrl() + " (POST "
                + server.chatCompletionsUrl() + "); stop with Ctrl-C");
        server.closed.await();
    }

    // ---- addresses -------------------------------------------------------------------------------------------

    /**
     * The port clients connect to.
     *
     * @return the port
     */
    public int port() {
        return relay.port();
    }

    /**
     * The models {@code GET /v1/models} lists (by default the one the scripts answer as, {@code scripted}).
     *
     * @param models the model names
     */
    public void setModels(List<String> models) {
        this.models = List.copyOf(models);
    }

    /**
     * The OpenAI-style base URL, to which clients append {@code /chat/completions}.
     *
     * @return {@code http://127.0.0.1:<port>/v1}
     */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/v1");
    }

    /**
     * The chat completions endpoint.
     *
     * @return {@code http://127.0.0.1:<port>/v1/chat/completions}
     */
    public URI chatCompletionsUrl() {
        return URI.create("http://127.0.0.1:" + port() + V1_CHAT_PATH);
    }

    // ---- scripts ---------------------------------------------------------------------------------------------

    /**
     * Queues the answer to a coming request; requests take scripts in the order they were queued.
     *
     * @param script the script
     */
    public void enqueue(Script script) {
        scripts.add(Objects.requireNonNull(script, "script"));
    }

    /**
     * How many queued scripts no request has taken yet.
     *
     * @return the number of scripts
     */
    public int queuedScripts() {
        return scripts.size();
    }

    /**
     * Makes the demo model wait this long before each streamed event (for demos; zero by default).
     *
     * @param delay the delay
     */
    public void setDemoChunkDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay");
        }
        demoChunkDelay = delay;
    }

    // ---- recorded requests -----------------------------------------------------------------------------------

    /**
     * Every request received so far, in order.
     *
     * @return an unmodifiable snapshot
     */
    public List<RecordedRequest> requests() {
        return Collections.unmodifiableList(new ArrayList<>(requests));
    }

    /**
     * How many requests were received.
     *
     * @return the count
     */
    public int requestCount() {
        return requests.size();
    }

    /**
     * The oldest request not taken yet, waiting up to {@link #DEFAULT_TAKE_TIMEOUT} for one.
     *
     * @return the request
     * @throws IllegalStateException when none arrives in time
     */
    public RecordedRequest takeRequest() {
        RecordedRequest request = takeRequest(DEFAULT_TAKE_TIMEOUT);
        if (request == null) {
            throw new IllegalStateException("no request within " + DEFAULT_TAKE_TIMEOUT);
        }
        return request;
    }

    /**
     * The oldest request not taken yet, waiting for one.
     *
     * @param timeout how long to wait
     * @return the request, or {@code null} when none arrives in time
     */
    public RecordedRequest takeRequest(Duration timeout) {
        try {
            return untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ---- connections -----------------------------------------------------------------------------------------

    /**
     * Waits until an answer is cut short because its client went away (say a stalled stream whose consumer
     * cancelled), and consumes that event: each such disconnect satisfies one call.
     *
     * @param timeout how long to wait
     * @return true when a disconnect happened within the timeout
     */
    public boolean awaitClientDisconnect(Duration timeout) {
        try {
            return unawaitedDisconnects.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * How many answers were cut short because their client went away.
     *
     * @return the count
     */
    public int clientDisconnects() {
        return clientDisconnects.get();
    }

    /**
     * How many client connections are open now.
     *
     * @return the count
     */
    public int openConnections() {
        return relay.openConnections();
    }

    /**
     * How many client connections the client closed (at any time, including idle pooled connections).
     *
     * @return the count
     */
    public int connectionsClosedByClient() {
        return relay.connectionsClosedByClient();
    }

    /**
     * Stops the server at once: closes every connection, ends stalled streams, and stops its threads. Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed.countDown();
        relay.close();
        http.stop(0);
        handlerThreads.shutdownNow();
        relayThreads.shutdownNow();
        try {
            handlerThreads.awaitTermination(2, TimeUnit.SECONDS);
            relayThreads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ScriptedChatServer[" + baseUrl() + ", " + requestCount() + " requests]";
    }

    // ---- handling --------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        ConnectionRelay.Link link = relay.linkFor(exchange.getRemoteAddress());
        RecordedRequest recorded = null;
        RecordedRequest.Outcome outcome;
        try {
            recorded = record(exchange);
            outcome = answer(exchange, link, recorded);
        } catch (IOException e) {
            if (recorded != null) {
                finish(recorded, broken(link));
            }
            throw e;
        }
        finish(recorded, outcome);
        if (outcome == RecordedRequest.Outcome.COMPLETED) {
            exchange.close();
        } else {
            // Leaving the handler by an exception makes HttpServer close the connection without ending the body.
            throw new Abort();
        }
    }

    private RecordedRequest record(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
        JsonNode json = null;
        ChatCompletionRequest chat = null;
        try {
            json = body.isBlank() ? null : OrsJson.mapper().readTree(body);
            if (json != null && json.isObject()) {
                chat = OrsJson.mapper().treeToValue(json, ChatCompletionRequest.class);
            }
        } catch (IOException | RuntimeException e) {
            // Not a chat request: recorded as is, answered with a 400.
        }
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders()
                .forEach(
                        (name, values) -> headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                                .addAll(values));
        headers.replaceAll((name, values) -> List.copyOf(values));
        RecordedRequest recorded = new RecordedRequest(
                sequence.incrementAndGet(),
                exchange.getRequestMethod(),
                exchange.getRequestURI().toString(),
                Collections.unmodifiableMap(headers),
                body,
                json,
                chat);
        requests.add(recorded);
        untaken.add(recorded);
        return recorded;
    }

    private RecordedRequest.Outcome answer(HttpExchange exchange, ConnectionRelay.Link link, RecordedRequest recorded)
            throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        if ((path.equals("/v1/models") || path.equals("/models"))
                && recorded.method().equals("GET")) {
            List<Map<String, Object>> data = new ArrayList<>();
            for (String model : models) {
                data.add(Map.of("id", model, "object", "model", "created", 0, "owned_by", "scripted"));
            }
            byte[] body = OrsJson.writeBytes(Map.of("object", "list", "data", data));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            return RecordedRequest.Outcome.COMPLETED;
        }
        if (!path.equals(V1_CHAT_PATH) && !path.equals(CHAT_PATH)) {
            return sendError(exchange, 404, "Unknown path " + path + "; use POST " + V1_CHAT_PATH, "not_found");
        }
        if (!recorded.method().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            return sendError(exchange, 405, "Use POST on " + path, "method_not_allowed");
        }
        ChatCompletionRequest request = recorded.chatRequest();
        if (request == null) {
            return sendError(exchange, 400, "The body is not a JSON Chat Completions request", "invalid_request_error");
        }
        Script script = scripts.poll();
        if (script == null) {
            script = DemoModel.answer(request);
            Duration delay = demoChunkDelay;
            if (!delay.isZero()) {
                script = script.chunkDelay(delay);
            }
        }
        script.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        Script.HttpError error = script.httpErrorAnswer();
        if (error != null) {
            error.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            return send(
                    exchange, error.status(), error.contentType(), error.body().getBytes(UTF_8));
        }
        ScriptRenderer.Rendered rendered = ScriptRenderer.render(
                script, request, recorded.sequence(), Instant.now().getEpochSecond());
        return request.isStreaming()
                ? stream(exchange, link, script, rendered)
                : complete(exchange, link, script, rendered);
    }

    private RecordedRequest.Outcome stream(
            HttpExchange exchange, ConnectionRelay.Link link, Script script, ScriptRenderer.Rendered rendered)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        List<String> events = rendered.events();
        Script.Cut cut = script.cutKind();
        int count = cut == Script.Cut.NONE || cut == Script.Cut.HOLD
                ? events.size()
                : Math.min(script.cutAfter(), events.size());
        for (int i = 0; i < count; i++) {
            if (cut == Script.Cut.HOLD && i == script.cutAfter()) {
                RecordedRequest.Outcome gone = hold(link, script.release());
                if (gone != null) {
                    return gone;
                }
            }
            RecordedRequest.Outcome interrupted = pause(link, script.delay());
            if (interrupted != null) {
                return interrupted;
            }
            RecordedRequest.Outcome broken = write(out, link, events.get(i));
            if (broken != null) {
                return broken;
            }
        }
        switch (script.cutKind()) {
            case DIE:
                return RecordedRequest.Outcome.DIED;
            case STALL:
                return stall(link);
            case HOLD:
                if (script.cutAfter() >= events.size()) {
                    RecordedRequest.Outcome gone = hold(link, script.release());
                    if (gone != null) {
                        return gone;
                    }
                }
                break;
            default:
                break;
        }
        if (script.sendsDone()) {
            RecordedRequest.Outcome broken = write(out, link, ScriptRenderer.DONE);
            if (broken != null) {
                return broken;
            }
        }
        return RecordedRequest.Outcome.COMPLETED;
    }

    private RecordedRequest.Outcome complete(
            HttpExchange exchange, ConnectionRelay.Link link, Script script, ScriptRenderer.Rendered rendered)
            throws IOException {
        switch (script.cutKind()) {
            case DIE:
                return RecordedRequest.Outcome.DIED;
            case STALL:
                return stall(link);
            case HOLD:
                RecordedRequest.Outcome gone = hold(link, script.release());
                if (gone != null) {
                    return gone;
                }
                return send(
                        exchange,
                        200,
                        "application/json",
                        rendered.completionBody().getBytes(UTF_8));
            default:
                return send(
                        exchange,
                        200,
                        "application/json",
                        rendered.completionBody().getBytes(UTF_8));
        }
    }

    private RecordedRequest.Outcome sendError(HttpExchange exchange, int status, String message, String type)
            throws IOException {
        ObjectNode error = OrsJson.mapper().createObjectNode();
        error.putObject("error")
                .put("message", message)
                .put("type", type)
                .putNull("param")
                .putNull("code");
        return send(exchange, status, "application/json", OrsJson.writeBytes(error));
    }

    private static RecordedRequest.Outcome send(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        return RecordedRequest.Outcome.COMPLETED;
    }

    /** Writes and flushes one event; the outcome when the connection is gone, else {@code null}. */
    private RecordedRequest.Outcome write(OutputStream out, ConnectionRelay.Link link, String event) {
        RecordedRequest.Outcome gone = ended(link);
        if (gone != null) {
            return gone;
        }
        try {
            out.write(event.getBytes(UTF_8));
            out.flush();
            return null;
        } catch (IOException e) {
            return broken(link);
        }
    }

    /** Waits before an event; the outcome when the connection ends meanwhile, else {@code null}. */
    private RecordedRequest.Outcome pause(ConnectionRelay.Link link, Duration delay) {
        if (delay.isZero()) {
            return null;
        }
        try {
            boolean ended = link != null
                    ? link.awaitEnd(delay.toMillis())
                    : closed.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            return ended ? ended(link) : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RecordedRequest.Outcome.SERVER_CLOSED;
        }
    }

    /** Sends nothing until the client disconnects or the server closes. */
    private RecordedRequest.Outcome stall(ConnectionRelay.Link link) {
        try {
            while (true) {
                RecordedRequest.Outcome gone = ended(link);
                if (gone != null) {
                    return gone;
                }
                if (link != null) {
                    link.awaitEnd(STALL_CHECK_MILLIS);
                } else {
                    closed.await(STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RecordedRequest.Outcome.SERVER_CLOSED;
        }
    }

    /** Waits for the release; the outcome when the connection ends or the server closes first, else {@code null}. */
    private RecordedRequest.Outcome hold(ConnectionRelay.Link link, CountDownLatch release) {
        try {
            while (!release.await(STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                RecordedRequest.Outcome gone = ended(link);
                if (gone != null) {
                    return gone;
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RecordedRequest.Outcome.SERVER_CLOSED;
        }
    }

    /** The outcome when the connection has ended or the server is closing, else {@code null}. */
    private RecordedRequest.Outcome ended(ConnectionRelay.Link link) {
        if (closing.get()) {
            return RecordedRequest.Outcome.SERVER_CLOSED;
        }
        ConnectionRelay.End end = link == null ? null : link.end();
        if (end == null) {
            return null;
        }
        return end == ConnectionRelay.End.CLIENT
                ? RecordedRequest.Outcome.CLIENT_DISCONNECTED
                : RecordedRequest.Outcome.SERVER_CLOSED;
    }

    /** The outcome of a failed write: why the connection ended, else the client's fault. */
    private RecordedRequest.Outcome broken(ConnectionRelay.Link link) {
        RecordedRequest.Outcome gone = ended(link);
        return gone != null ? gone : RecordedRequest.Outcome.CLIENT_DISCONNECTED;
    }

    private void finish(RecordedRequest recorded, RecordedRequest.Outcome outcome) {
        if (recorded.complete(outcome) && outcome == RecordedRequest.Outcome.CLIENT_DISCONNECTED) {
            clientDisconnects.incrementAndGet();
            unawaitedDisconnects.release();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Thrown out of the handler so that HttpServer drops the connection mid-answer. */
    private static final class Abort extends RuntimeException {
        Abort() {
            super("answer cut short on purpose", null, false, false);
        }
    }
}
