package dev.orsgateway.upstream.jdk;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.upstream.ChatPayloads;
import dev.orsgateway.core.upstream.Endpoint;
import dev.orsgateway.core.upstream.Redactor;
import dev.orsgateway.core.upstream.UpstreamErrors;
import dev.orsgateway.upstream.jdk.internal.CompletionExchange;
import dev.orsgateway.upstream.jdk.internal.IdleTimer;
import dev.orsgateway.upstream.jdk.internal.StreamExchange;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A non-blocking {@link ChatCompletionsUpstream} over the JDK's {@link HttpClient}: any OpenAI-compatible
 * {@code /chat/completions} endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp, OpenRouter, Groq, ...), with no
 * dependency beyond ors-core.
 *
 * <pre>{@code
 * JdkHttpChatCompletionsUpstream upstream = JdkHttpChatCompletionsUpstream.builder()
 *         .baseUrl("https://api.openai.com/v1")
 *         .apiKey(System.getenv("OPENAI_API_KEY"))
 *         .build();
 * }</pre>
 *
 * <p><b>Threads.</b> No thread per stream: the client's selector thread reads every socket, and the parsing and the
 * subscriber's signals run on a small executor (by default as many daemon threads as cores), on the selector thread, or
 * on the thread that calls {@code request}, never blocking. The thread count stays flat however many streams are open.
 *
 * <p><b>Backpressure.</b> A stream asks the client for bytes only while its subscriber has demand or fewer than
 * {@link Builder#streamBuffer(int)} parsed chunks wait: a subscriber that stops requesting stops the socket reads, and
 * TCP (or HTTP/2) flow control pushes back on the provider, at the cost of a few kilobytes and no thread.
 *
 * <p><b>Limits.</b> At most {@link Builder#maxConcurrentStreams(int)} streams are open at once; one more fails at once
 * with a 429 {@code too_many_requests} ({@code upstream_concurrency_limit}, {@code Retry-After: 1}), never a queue.
 * Plain {@code http://} uses HTTP/1.1 (a connection per open stream, no {@code h2c} upgrade attempt); {@code https://}
 * negotiates HTTP/2 by ALPN where the provider offers it.
 *
 * <p>Instances are thread-safe. {@link #close()} fails the open streams and releases the threads this class created
 * (not those of a client or executor passed in).
 */
public final class JdkHttpChatCompletionsUpstream implements ChatCompletionsUpstream, AutoCloseable {

    /** Default connect timeout: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Default read timeout: 5 minutes. It is the longest silence allowed while waiting for the headers or for the next
     * bytes of a stream, so it must cover the time to the first token of a slow model, not the length of a stream.
     */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

    /** Default call timeout of non-streaming calls: 10 minutes from the start of the call to the end of the body. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(10);

    /** Default number of parsed chunks buffered ahead of the subscriber's demand, per stream. */
    public static final int DEFAULT_STREAM_BUFFER = 16;

    /** Default bound on open streams. */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 10_000;

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** One timer thread for every instance: it only schedules idle checks and call timeouts. */
    private static final ScheduledThreadPoolExecutor SCHEDULER = scheduler();

    private final Endpoint endpoint;
    private final HttpClient[] clients;
    private final AtomicInteger nextClient = new AtomicInteger();
    private final HttpClient.Version version;
    private final Map<String, String> headers;
    private final UpstreamErrors errors;
    private final ChatPayloads payloads;
    private final Duration readTimeout;
    private final Duration callTimeout;
    private final int streamBuffer;
    private final int maxConcurrentStreams;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final Set<StreamExchange> open = ConcurrentHashMap.newKeySet();
    private final IdleTimer idleTimer;
    private final ExecutorService ownedExecutor;
    private final boolean ownsClient;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JdkHttpChatCompletionsUpstream(Builder builder) {
        if (builder.baseUrl == null) {
            throw new IllegalStateException("baseUrl is required");
        }
        this.endpoint = Endpoint.parse(builder.baseUrl);
        this.readTimeout = builder.readTimeout;
        this.callTimeout = builder.callTimeout;
        this.streamBuffer = builder.streamBuffer;
        this.maxConcurrentStreams = builder.maxConcurrentStreams;
        this.version = endpoint.isHttps() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
        int instance = INSTANCES.incrementAndGet();

        if (builder.client != null) {
            if (builder.executor != null || builder.connectTimeout != null || builder.selectorThreads != 1) {
                throw new IllegalStateException(
                        "executor, connectTimeout and selectorThreads configure the client this class builds; set"
                                + " them on your own client instead");
            }
            this.clients = new HttpClient[] {builder.client};
            this.ownedExecutor = null;
            this.ownsClient = false;
        } else {
            Executor executor = builder.executor;
            if (executor == null) {
                int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
                ownedExecutor =
                        Executors.newFixedThreadPool(threads, daemonThreads("ors-jdk-http-" + instance + "-worker-"));
                executor = ownedExecutor;
            } else {
                ownedExecutor = null;
            }
            // One client per selector thread wanted: each has its own selector thread and connection pool, and streams
            // are spread over them in turn.
            this.clients = new HttpClient[builder.selectorThreads];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = HttpClient.newBuilder()
                        .version(version)
                        .connectTimeout(
                                builder.connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : builder.connectTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(executor)
                        .build();
            }
            this.ownsClient = true;
        }
        this.idleTimer = new IdleTimer(SCHEDULER, readTimeout);

        List<String> secrets = new ArrayList<>(endpoint.secrets());
        Map<String, String> all = new LinkedHashMap<>();
        if (builder.apiKey != null) {
            all.put("Authorization", "Bearer " + builder.apiKey);
            secrets.add(builder.apiKey);
        }
        for (Map.Entry<String, String> header : builder.headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase("Authorization")) {
                all.remove("Authorization");
            }
            all.put(header.getKey(), header.getValue());
            if (Redactor.isSecretHeader(header.getKey())) {
                secrets.add(header.getValue());
            }
        }
        this.headers = Map.copyOf(all);
        this.errors = new UpstreamErrors(endpoint.describe(), new Redactor(secrets));
        this.payloads = new ChatPayloads(errors);
    }

    /**
     * A new builder.
     *
     * @return a builder with the defaults described on its methods
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Streams a completion: {@code POST} with {@code stream: true} (set here whatever the request says) and
     * {@code Accept: text/event-stream}.
     *
     * <p>The publisher is cold and unicast: the request is sent when it is subscribed (not before, and not at all if the
     * subscriber cancels inside {@code onSubscribe}), and a second subscriber is refused with {@code onError}. It honours
     * demand down to the socket (see the class comment). {@code cancel()} cancels the HTTP exchange, freeing its
     * connection, and no signal follows it. Signals arrive on a thread of the client's executor, on its selector thread,
     * or on the thread that calls {@code request}; never concurrently.
     *
     * <p>The stream completes at {@code data: [DONE]} (what follows is read and dropped, so that the connection can be
     * reused), or at the end of the body when a chunk carried a {@code finish_reason}. It fails with an
     * {@link dev.orsgateway.core.OrsException}: the HTTP error mapping of {@link #complete}; 429
     * {@code upstream_concurrency_limit} with a {@code Retry-After} when {@link Builder#maxConcurrentStreams(int)}
     * streams are open; 502 {@code upstream_stream_truncated} when the body ends or breaks off before {@code [DONE]} or
     * a {@code finish_reason}; 502 {@code upstream_bad_response} for a 2xx answer that is not
     * {@code text/event-stream} or an event that is not a chunk; 504 {@code upstream_timeout} when the upstream is
     * silent for longer than the read timeout while the stream waits for it; the provider's own error, message kept,
     * when it sends {@code {"error":{...}}} as an event.
     *
     * @param request the request; its {@code stream} flag is forced to {@code true}
     * @return a publisher of the parsed chunks, in order
     * @throws IllegalStateException if this upstream has been {@linkplain #close() closed}
     */
    @Override
    public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        checkOpen();
        ChatCompletionRequest streaming = request.isStreaming()
                ? request
                : request.toBuilder().stream(true).build();
        HttpRequest httpRequest = httpRequest(streaming, "text/event-stream", readTimeout);
        AtomicBoolean subscribed = new AtomicBoolean();
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
            if (!subscribed.compareAndSet(false, true)) {
                rejectSecondSubscriber(subscriber);
                return;
            }
            boolean refused = openStreams.incrementAndGet() > maxConcurrentStreams || closed.get();
            if (refused) {
                openStreams.decrementAndGet();
            }
            StreamExchange[] self = new StreamExchange[1];
            StreamExchange exchange = new StreamExchange(
                    client(),
                    httpRequest,
                    errors,
                    payloads,
                    endpoint.describe(),
                    streamBuffer,
                    idleTimer,
                    subscriber,
                    refused
                            ? () -> {}
                            : () -> {
                                openStreams.decrementAndGet();
                                open.remove(self[0]);
                            });
            self[0] = exchange;
            if (refused) {
                exchange.refuse(
                        closed.get()
                                ? errors.internal("The upstream was closed", null)
                                : errors.overLimit("streams", maxConcurrentStreams));
                return;
            }
            open.add(exchange);
            exchange.start();
        };
    }

    /**
     * Requests a whole completion: {@code POST} without {@code stream} (a {@code stream: true} is dropped, and with it
     * {@code stream_options}, which providers reject on non-streaming calls). The call timeout applies.
     *
     * <p>Cancelling the returned future (or completing it in any other way from outside, e.g. {@code orTimeout})
     * cancels the HTTP exchange. It fails with an {@link dev.orsgateway.core.OrsException}: an upstream 400, 404, 422
     * (or another 4xx) is an {@code invalid_request} with the status and the provider's message kept; 401 and 403 keep
     * their status and say that the upstream rejected the gateway's credentials; 429 is {@code too_many_requests} with
     * {@code retry-after} kept in {@link dev.orsgateway.core.model.ErrorPayload#headers()}; a 5xx is a
     * {@code server_error} with its status kept; a connection failure is 502 {@code upstream_unreachable}; a timeout is
     * 504 {@code upstream_timeout}.
     *
     * @param request the request
     * @return the future completion
     * @throws IllegalStateException if this upstream has been {@linkplain #close() closed}
     */
    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        checkOpen();
        ChatCompletionRequest whole = request;
        if (request.isStreaming() || request.streamOptions() != null) {
            whole = request.toBuilder().stream(request.isStreaming() ? null : request.stream())
                    .streamOptions(null)
                    .build();
        }
        Duration headersTimeout = readTimeout;
        if (!callTimeout.isZero() && (headersTimeout.isZero() || callTimeout.compareTo(headersTimeout) < 0)) {
            headersTimeout = callTimeout;
        }
        return CompletionExchange.start(
                client(),
                httpRequest(whole, "application/json", headersTimeout),
                errors,
                payloads,
                endpoint.describe(),
                SCHEDULER,
                callTimeout);
    }

    /**
     * The provider's models: {@code GET} on the endpoint's {@code /models} sibling ({@link Endpoint#modelsUri()}),
     * with the same headers and credentials, within the read timeout (or the call timeout, if shorter). Fails with an
     * {@link dev.orsgateway.core.OrsException} as {@link #complete} does.
     *
     * @return the future list
     * @throws IllegalStateException if this upstream has been {@linkplain #close() closed}
     */
    @Override
    public CompletableFuture<List<ModelInfo>> listModels() {
        checkOpen();
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint.modelsUri())
                .version(version)
                .header("Accept", "application/json")
                .GET();
        Duration timeout = readTimeout;
        if (!callTimeout.isZero() && (timeout.isZero() || callTimeout.compareTo(timeout) < 0)) {
            timeout = callTimeout;
        }
        if (!timeout.isZero()) {
            builder.timeout(timeout);
        }
        headers.forEach(builder::setHeader);
        return client().sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause()
                                : error;
                        throw errors.beforeResponse(cause);
                    }
                    if (response.statusCode() < 200 || response.statusCode() > 299) {
                        byte[] body = response.body();
                        throw errors.fromHttp(
                                response.statusCode(),
                                response.headers().firstValue("content-type").orElse(null),
                                new String(
                                        body,
                                        0,
                                        Math.min(body.length, UpstreamErrors.MAX_ERROR_BODY_BYTES),
                                        StandardCharsets.UTF_8),
                                name -> response.headers().firstValue(name).orElse(null));
                    }
                    return payloads.models(response.body());
                });
    }

    /**
     * The endpoint's URL without user info, and with every query value but {@code api-version} masked.
     *
     * @return e.g. {@code https://api.openai.com/v1/chat/completions}
     */
    @Override
    public String describe() {
        return endpoint.describe();
    }

    /**
     * The number of streams open now (for metrics).
     *
     * @return streams subscribed and not yet ended
     */
    public int openStreams() {
        return openStreams.get();
    }

    /**
     * Fails the open streams, and releases the threads this class created (and, on Java 21+, the connections of the
     * client it built); later calls of {@link #stream} and {@link #complete} throw {@link IllegalStateException}. A
     * client or executor passed to the builder stays its owner's to close.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (StreamExchange exchange : open) {
            exchange.abort(errors.internal("The upstream was closed while the stream was open", null));
        }
        if (ownsClient) {
            for (HttpClient client : clients) {
                shutdownClient(client);
            }
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    /**
     * The upstream's description; never credentials.
     *
     * @return e.g. {@code JdkHttpChatCompletionsUpstream[https://api.openai.com/v1/chat/completions]}
     */
    @Override
    public String toString() {
        return "JdkHttpChatCompletionsUpstream[" + endpoint.describe() + "]";
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private HttpRequest httpRequest(ChatCompletionRequest request, String accept, Duration timeout) {
        URI uri = endpoint.uri();
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .version(version)
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofByteArray(OrsJson.writeBytes(request)));
        if (!timeout.isZero()) {
            builder.timeout(timeout); // up to the response headers
        }
        headers.forEach(builder::setHeader);
        return builder.build();
    }

    private static void rejectSecondSubscriber(Flow.Subscriber<? super ChatChunk> subscriber) {
        try {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("A chat completion stream may be subscribed only once"));
        } catch (Throwable e) {
            // Rule 2.13 violation by the subscriber; subscribe still returns normally (rule 1.9).
        }
    }

    /** The client for the next exchange: the clients in turn. */
    private HttpClient client() {
        return clients.length == 1 ? clients[0] : clients[Math.floorMod(nextClient.getAndIncrement(), clients.length)];
    }

    /** Java 21's {@code HttpClient.shutdownNow()}, found at run time; on Java 17 the client ends when unreachable. */
    private static void shutdownClient(HttpClient client) {
        try {
            Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
            shutdownNow.invoke(client);
        } catch (NoSuchMethodException e) {
            // Java 17-20
        } catch (ReflectiveOperationException | RuntimeException e) {
            // best effort
        }
    }

    private static ScheduledThreadPoolExecutor scheduler() {
        ScheduledThreadPoolExecutor scheduler =
                new ScheduledThreadPoolExecutor(1, daemonThreads("ors-jdk-http-timer-"));
        scheduler.setRemoveOnCancelPolicy(true); // a stream that ends takes its pending check out at once
        return scheduler;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Configures a {@link JdkHttpChatCompletionsUpstream}. Only {@link #baseUrl(String)} is required. */
    public static final class Builder {

        private String baseUrl;
        private String apiKey;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration connectTimeout;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private int streamBuffer = DEFAULT_STREAM_BUFFER;
        private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
        private Executor executor;
        private HttpClient client;
        private int selectorThreads = 1;

        private Builder() {}

        /**
         * The provider's base URL: {@code https://api.openai.com/v1}, {@code http://localhost:11434/v1},
         * {@code .../v1/chat/completions}, with or without a trailing slash. {@code /chat/completions} is appended
         * unless the path ends with it; a query (Azure's {@code ?api-version=...}) is kept. Required.
         *
         * @param baseUrl an http or https URL
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /**
         * The API key, sent as {@code Authorization: Bearer <key>}. Optional: local servers (Ollama, vLLM, llama.cpp)
         * need none; Azure wants {@code header("api-key", key)} instead. Never logged, and masked in upstream messages
         * that quote it.
         *
         * @param apiKey the key, or {@code null} or blank for none
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            if (apiKey == null || apiKey.isBlank()) {
                this.apiKey = null;
            } else {
                checkHeader("Authorization", "Bearer " + apiKey.strip());
                this.apiKey = apiKey.strip();
            }
            return this;
        }

        /**
         * A header sent with every call, e.g. Azure's {@code api-key} or OpenRouter's {@code HTTP-Referer} and
         * {@code X-Title}. Replaces an earlier value of the same name, and wins over the {@code Authorization} header
         * of {@link #apiKey(String)}. Values of headers whose names contain {@code key}, {@code auth}, {@code token},
         * {@code secret}, {@code cookie} or {@code pass} are treated as credentials.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException if the name or value has characters HTTP does not allow, or the JDK client
         *     reserves the header ({@code Connection}, {@code Content-Length}, {@code Host}, ...)
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            checkHeader(name, value);
            headers.put(name, value);
            return this;
        }

        /**
         * Adds each entry as a {@link #header(String, String)}.
         *
         * @param headers names and values
         * @return this builder
         */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /**
         * The time allowed to connect (TCP and TLS). Default {@link #DEFAULT_CONNECT_TIMEOUT}. Not combinable with
         * {@link #httpClient(HttpClient)}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            Duration checked = checkTimeout(timeout);
            this.connectTimeout = checked.isZero() ? null : checked;
            return this;
        }

        /**
         * The longest silence allowed: waiting for the response headers, and between bytes of a stream while it waits
         * for them (a stream held back by its subscriber is not silent); also the longest time a stream may wait
         * without a complete line, so an upstream trickling bytes (a slowloris) is cut too. A stream may last any time
         * as long as lines keep coming (SSE comments count). Default {@link #DEFAULT_READ_TIMEOUT}. Exceeding it fails the call with 504
         * {@code upstream_timeout}.
         *
         * @param timeout a positive duration, or zero for none
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = checkTimeout(timeout);
            return this;
        }

        /**
         * The time allowed for a whole non-streaming call, from connecting to the end of the body. It does not apply to
         * streams, which the read timeout bounds instead. Default {@link #DEFAULT_CALL_TIMEOUT}.
         *
         * @param timeout a positive duration, or zero for none
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = checkTimeout(timeout);
            return this;
        }

        /**
         * How many parsed chunks a stream holds ahead of its subscriber's demand before it stops reading the socket.
         * Default {@value #DEFAULT_STREAM_BUFFER}.
         *
         * @param chunks at least 1
         * @return this builder
         */
        public Builder streamBuffer(int chunks) {
            if (chunks < 1) {
                throw new IllegalArgumentException("streamBuffer must be at least 1, got " + chunks);
            }
            this.streamBuffer = chunks;
            return this;
        }

        /**
         * The most streams open at once; one more fails at once with a 429 and {@code Retry-After}, it is never queued.
         * Default {@value #DEFAULT_MAX_CONCURRENT_STREAMS}.
         *
         * @param streams at least 1
         * @return this builder
         */
        public Builder maxConcurrentStreams(int streams) {
            if (streams < 1) {
                throw new IllegalArgumentException("maxConcurrentStreams must be at least 1, got " + streams);
            }
            this.maxConcurrentStreams = streams;
            return this;
        }

        /**
         * The executor of the client this class builds: it runs the parsing and the subscriber's signals (never
         * blocking). Default: a fixed pool of daemon threads, as many as cores (at least two). {@code Runnable::run}
         * runs everything on the client's selector thread. Not closed by {@link #close()}.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * How many selector threads read the upstream's sockets: the class builds one JDK client per thread (each
         * with its own connection pool) and gives streams to them in turn. One by default; more spread the reading,
         * and with {@code executor(Runnable::run)} all of a stream's work, over as many cores.
         *
         * @param threads the number of selector threads, at least one
         * @return this builder
         */
        public Builder selectorThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("selectorThreads must be at least 1, got " + threads);
            }
            this.selectorThreads = threads;
            return this;
        }

        /**
         * Your own client: its executor, connect timeout, proxy, TLS settings and authenticator are used as they are
         * (requests still choose HTTP/1.1 for {@code http://} and HTTP/2 for {@code https://}). {@link #close()} leaves
         * it alone.
         *
         * @param client the client
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Builds the upstream.
         *
         * @return a new upstream
         * @throws IllegalStateException if no base URL was set, or {@link #executor} or {@link #connectTimeout} was
         *     combined with {@link #httpClient}
         * @throws IllegalArgumentException if the base URL is not an http or https URL
         */
        public JdkHttpChatCompletionsUpstream build() {
            return new JdkHttpChatCompletionsUpstream(this);
        }

        private static Duration checkTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative: " + timeout);
            }
            return timeout;
        }

        /** Validates with the JDK client's rules, without letting it quote a credential in its message. */
        private static void checkHeader(String name, String value) {
            try {
                HttpRequest.newBuilder(URI.create("http://localhost/")).header(name, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Header " + name
                        + " has a name or value with characters HTTP does not allow, or is one the client sets itself");
            }
        }
    }
}
