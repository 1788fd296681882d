package dev.orsgateway.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.ConnectionCache;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.server.OrsWebSocketConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection on {@code /responses}: {@code response.create} messages become turns, one at a time, and
 * each turn's events go out as one JSON text message each, the objects and order of the event stream.
 *
 * <p>Protocol, per the spec's WebSocket mode and what its compliance harness expects:
 *
 * <ul>
 *   <li>A client message is {@code {"type": "response.create", ...}} with the fields of a create request; {@code
 *       stream}, {@code stream_options} and {@code background} are HTTP-only and refused. Messages that arrive while
 *       a turn is in flight wait, in order (at most {@link #MAX_QUEUED}; more closes the connection, 1008).
 *   <li>A turn ends with its terminal event ({@code response.completed}, {@code .incomplete}, {@code .failed}) or with
 *       one error message, {@code {"type": "error", "status": N, "error": {"type", "code", "message", "param"}}} (the
 *       spec's {@code WebSocketErrorEvent}). A turn never ends with both: the {@code error} event that precedes {@code
 *       response.failed} on an event stream is not sent, since a client takes the next message after an error as
 *       the next turn's. A message that is not JSON, of another type, too large or binary is answered with an error
 *       message alone; the connection stays open.
 *   <li>Turns continue from a {@link ConnectionCache} of this connection only; see {@code OrsGateway.respond(request,
 *       owner, cache)}. A message refused here that names a {@code previous_response_id} evicts it, as a refused
 *       continuation does.
 *   <li>Limits ({@link OrsWebSocketConfig}): after {@code maxConnectionDuration} a turn in flight is cancelled, a
 *       {@code websocket_connection_limit_reached} error is sent and the connection closed (1000); without a turn or a
 *       message for {@code idleTimeout} it is closed (1001); on shutdown too (1001).
 * </ul>
 *
 * <p>Everything that changes the connection's state (a message in, an event from the gateway, a send completed, a
 * timer, a close) is a task of one serial loop ({@link #execute}), run by whichever thread brings it, never two at
 * once. Backpressure: a turn asks the gateway for {@link #WINDOW} events ahead, sends them one message at a time
 * through the container's asynchronous send, and asks for one more only when a send of its events completed, so a
 * client that reads slowly slows its upstream down and a connection holds at most a window of events. A connection
 * that goes away (closed, an I/O error, a send that failed or timed out) cancels its turn and the upstream call.
 */
public final class ResponsesSocket extends Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ResponsesSocket.class);

    /** Events requested from the gateway ahead of what was sent. */
    static final int WINDOW = 32;

    /** Client messages that may wait behind a turn in flight. */
    static final int MAX_QUEUED = 8;

    private static final String CREATE = "response.create";

    private final WebSocketTransport transport;
    private final String owner;
    private final ApiKeys.Key key;
    private final String path;
    private final OrsWebSocketConfig config;
    private final ConnectionCache cache = new ConnectionCache();
    private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
    private final long openedNanos = System.nanoTime();

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();

    // Set in onOpen, before any other callback or task.
    private volatile Session session;

    // The container delivers a connection's messages one at a time, on its reading thread: touched there only.
    private StringBuilder assembling;
    private long assembledBytes;
    private boolean oversized;

    // The serial loop only.
    private enum State {
        OPEN,
        CLOSING,
        CLOSED
    }

    private State state = State.OPEN;
    private final ArrayDeque<Inbound> inbox = new ArrayDeque<>();
    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private Turn turn;
    private boolean sending;
    private CloseReason closeWhenSent;
    private long lastActivityNanos = System.nanoTime();
    private ScheduledFuture<?> deadline;
    private ScheduledFuture<?> idleCheck;
    private int turns;

    ResponsesSocket(WebSocketTransport transport, String owner, ApiKeys.Key key, String path) {
        this.transport = transport;
        this.owner = owner;
        this.key = key;
        this.path = path;
        this.config = transport.config();
    }

    /** A client message, whole: its text, or why it has none. */
    private record Inbound(String text, boolean tooLarge, boolean binary) {}

    /** A message to send; {@code turn} when it carries one of that turn's events (its send completion asks for more). */
    private record Outgoing(String text, Turn turn) {}

    // ---- container callbacks

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
        this.session = session;
        // The connection's own idle timeout governs (a turn waiting for its model is not idle); the container's would
        // cut such a turn.
        session.setMaxIdleTimeout(0);
        session.getAsyncRemote().setSendTimeout(config.sendTimeout().toMillis());
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::onText);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinary);
        execute(() -> {
            if (!transport.opened(this)) {
                close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down"));
                return;
            }
            long limit = config.maxConnectionDuration().toNanos();
            deadline = transport.timer().schedule(() -> execute(this::limitReached), limit, TimeUnit.NANOSECONDS);
            scheduleIdleCheck(config.idleTimeout().toNanos());
        });
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        execute(() -> {
            if (state == State.CLOSED) {
                return;
            }
            abortTurn(
                    "connection closed (" + reason.getCloseCode().getCode()
                            + (reason.getReasonPhrase().isEmpty() ? "" : " " + reason.getReasonPhrase()) + ")",
                    null);
            finish(reason);
        });
    }

    @Override
    public void onError(Session session, Throwable error) {
        execute(() -> abort("onError", error));
    }

    /** Parts of a text message, on the container's reading thread: assembled up to the size limit. */
    private void onText(String part, boolean last) {
        if (!oversized) {
            assembledBytes += utf8Length(part);
            if (assembledBytes > config.maxMessageBytes()) {
                oversized = true; // read to the end and dropped, then answered
                assembling = null;
            } else if (!last || assembling != null) {
                if (assembling == null) {
                    assembling = new StringBuilder(part.length() * 2);
                }
                assembling.append(part);
            }
        }
        if (last) {
            Inbound message = oversized
                    ? new Inbound(null, true, false)
                    : new Inbound(assembling != null ? assembling.toString() : part, false, false);
            assembling = null;
            assembledBytes = 0;
            oversized = false;
            execute(() -> received(message));
        }
    }

    private void onBinary(ByteBuffer part, boolean last) {
        if (last) {
            execute(() -> received(new Inbound(null, false, true)));
        }
    }

    /** Closes the connection for a server shutdown; completes once it is closed. */
    CompletableFuture<Void> shutdown() {
        execute(() -> {
            if (state != State.CLOSED) {
                abortTurn("server shutdown", null);
                close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down"));
            }
        });
        return closedFuture;
    }

    // ---- the serial loop

    private void execute(Runnable task) {
        tasks.add(task);
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            for (Runnable next = tasks.poll(); next != null; next = tasks.poll()) {
                try {
                    next.run();
                } catch (RuntimeException e) {
                    LOG.error("WebSocket {}: internal error", path, e);
                    abort("internal error", e);
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void received(Inbound message) {
        if (state != State.OPEN) {
            return;
        }
        lastActivityNanos = System.nanoTime();
        if (inbox.size() >= MAX_QUEUED) {
            LOG.warn("WebSocket {}: more than {} messages queued behind a turn; closing", path, MAX_QUEUED);
            abortTurn("too many queued messages", null);
            close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "too many queued messages"));
            return;
        }
        inbox.add(message);
        startTurns();
    }

    /** Takes the waiting messages in order until one of them starts a turn. */
    private void startTurns() {
        while (state == State.OPEN && turn == null && !inbox.isEmpty()) {
            start(inbox.poll());
        }
    }

    private void start(Inbound message) {
        RequestLog log = new RequestLog("WS", path);
        log.webSocket();
        log.key(key);
        if (message.tooLarge()) {
            refuse(log, HttpErrors.tooLarge(config.maxMessageBytes()));
            return;
        }
        if (message.binary()) {
            refuse(
                    log,
                    OrsException.invalidRequest(
                            null,
                            "unsupported_message_type",
                            "Binary messages are not supported: send response.create as a JSON text message."));
            return;
        }
        String previousResponseId = null;
        try {
            byte[] bytes = message.text().getBytes(StandardCharsets.UTF_8);
            ObjectNode create = RequestParser.readObject(bytes, bytes.length);
            JsonNode previous = create.get("previous_response_id");
            previousResponseId = previous != null && previous.isTextual() ? previous.asText() : null;
            checkCreate(create);
            admit(create.path("model").isTextual() ? create.get("model").asText() : null);
            create.remove("type");
            transport.gateway().requestLimits().check(create);
            CreateResponseRequest request = RequestParser.parse(create);
            Flow.Publisher<ResponseEvent> events = transport.gateway().respond(request, owner, cache, log.watch());
            turn = new Turn(log);
            events.subscribe(turn);
        } catch (OrsException e) {
            if (previousResponseId != null) {
                cache.evict(previousResponseId); // a refused continuation, as the gateway evicts its own refusals
            }
            refuse(log, e);
        } catch (RuntimeException e) {
            // Unexpected (a store's own failure, a bug): this turn fails with a 500, the connection goes on.
            if (previousResponseId != null) {
                cache.evict(previousResponseId);
            }
            log.unexpected(e);
            refuse(log, HttpErrors.serverError(e));
        }
    }

    /** Refuses a turn the connection's key may not take: rotated out, over its limits, or a model not its own. */
    private void admit(String model) {
        if (key == null) {
            return;
        }
        if (!transport.keys().holds(key)) {
            throw HttpErrors.invalidApiKey();
        }
        key.admitRequest();
        key.admitModel(model != null ? model : transport.gateway().defaultModel());
        key.admitTokens();
    }

    /** The message's {@code type}, and no HTTP-only field. */
    private static void checkCreate(ObjectNode message) {
        JsonNode type = message.get("type");
        if (type == null || type.isNull()) {
            throw OrsException.invalidRequest(
                    "type",
                    "missing_required_parameter",
                    "A message needs a type; send {\"type\": \"response.create\", ...} to start a response.");
        }
        if (!type.isTextual() || !type.asText().equals(CREATE)) {
            throw OrsException.invalidRequest(
                    "type",
                    "unsupported_message_type",
                    "Unsupported message type "
                            + (type.isTextual() ? "'" + HttpErrors.clip(type.asText()) + "'" : type.toString())
                            + ": this server accepts response.create messages.");
        }
        // The spec says clients must not send the HTTP-only fields; Codex CLI (0.171) sends "stream": true on every
        // create anyway. Values that ask for what a socket does regardless are accepted, the others refused.
        JsonNode stream = message.get("stream");
        if (stream != null && !stream.isNull() && !(stream.isBoolean() && stream.asBoolean())) {
            throw httpOnly("stream", "every turn on a socket streams its events, so only true (or nothing) fits");
        }
        JsonNode background = message.get("background");
        if (background != null && !background.isNull() && !(background.isBoolean() && !background.asBoolean())) {
            throw httpOnly("background", "background mode is not supported; only false (or nothing) fits");
        }
        JsonNode streamOptions = message.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull() && !streamOptions.isObject()) {
            throw httpOnly("stream_options", "it is ignored on a socket, but must be an object when sent");
        }
    }

    private static OrsException httpOnly(String field, String why) {
        return OrsException.invalidRequest(
                field,
                "unsupported_parameter",
                field + " is an HTTP-only field, not for a WebSocket response.create: " + why + ".");
    }

    /** Answers a message with one error message. */
    private void refuse(RequestLog log, OrsException error) {
        log.error(error, false);
        log.finishedWith(Responses.statusOf(error));
        enqueue(new Outgoing(errorMessage(error), null));
    }

    private void enqueue(Outgoing message) {
        outbox.add(message);
        send();
    }

    private void send() {
        if (sending || state == State.CLOSED) {
            return;
        }
        Outgoing next = outbox.poll();
        if (next == null) {
            if (state == State.CLOSING) {
                close(closeWhenSent);
            }
            return;
        }
        sending = true;
        try {
            session.getAsyncRemote().sendText(next.text(), result -> execute(() -> sent(next, result)));
        } catch (RuntimeException e) {
            sending = false;
            abort("send", e);
        }
    }

    private void sent(Outgoing message, SendResult result) {
        sending = false;
        if (state == State.CLOSED) {
            return;
        }
        if (!result.isOK()) {
            abort("send", result.getException());
            return;
        }
        lastActivityNanos = System.nanoTime();
        if (message.turn() != null && message.turn() == turn) {
            turn.sent();
        }
        send();
    }

    /** The connection's time is up: the turn in flight ends with the limit error, then the connection closes. */
    private void limitReached() {
        if (state != State.OPEN) {
            return;
        }
        OrsException limit = OrsException.invalidRequest(
                null,
                "websocket_connection_limit_reached",
                "This WebSocket connection reached its limit of " + describe(config.maxConnectionDuration())
                        + "; open a new connection to continue.");
        if (turn != null) {
            turn.log.error(limit, false);
            turn.log.finishedWith(Responses.statusOf(limit));
            turn.cancel();
            turn = null;
        }
        inbox.clear();
        enqueue(new Outgoing(errorMessage(limit), null));
        state = State.CLOSING;
        closeWhenSent = new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "connection limit reached");
        send();
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = transport.timer().schedule(() -> execute(this::checkIdle), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (state != State.OPEN) {
            return;
        }
        long timeout = config.idleTimeout().toNanos();
        if (turn != null || sending || !inbox.isEmpty() || !outbox.isEmpty()) {
            scheduleIdleCheck(timeout);
            return;
        }
        long idle = System.nanoTime() - lastActivityNanos;
        if (idle >= timeout) {
            close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "idle timeout"));
        } else {
            scheduleIdleCheck(timeout - idle);
        }
    }

    /** A failure of the connection itself: the turn and its upstream call are cancelled, the connection closed. */
    private void abort(String source, Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        abortTurn(source, cause);
        close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "connection failed"));
    }

    private void abortTurn(String source, Throwable cause) {
        if (turn != null) {
            if (cause != null) {
                turn.log.aborted(source, cause, true);
            } else {
                turn.log.cancelled(source);
            }
            turn.cancel();
            turn = null;
        }
        inbox.clear();
    }

    /** Closes the connection now (what is not sent yet is dropped). */
    private void close(CloseReason reason) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (Exception e) {
            LOG.debug("WebSocket {}: close failed", path, e);
        }
        finish(reason);
    }

    /** The connection is closed, by either side: timers stop, the transport forgets it. */
    private void finish(CloseReason reason) {
        state = State.CLOSED;
        outbox.clear();
        inbox.clear();
        if (turn != null) {
            turn.cancel();
            turn = null;
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        transport.closed(this);
        closedFuture.complete(null);
        LOG.debug(
                "WebSocket {} closed after {} turn(s) in {} ms: {} {}",
                path,
                turns,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos),
                reason.getCloseCode().getCode(),
                reason.getReasonPhrase());
    }

    // ---- messages

    /** The spec's {@code WebSocketErrorEvent}: {@code code} is required there, so an error without one uses its type. */
    static String errorMessage(OrsException error) {
        ErrorPayload payload = error.error();
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("type", payload.type());
        inner.put("code", payload.code() != null ? payload.code() : payload.type());
        inner.put("message", payload.message());
        inner.put("param", payload.param());
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "error");
        message.put("status", Responses.statusOf(error));
        message.put("error", inner);
        return OrsJson.write(message);
    }

    private static String describe(java.time.Duration duration) {
        long minutes = duration.toMinutes();
        return minutes > 0 && duration.equals(java.time.Duration.ofMinutes(minutes))
                ? minutes + " minute" + (minutes == 1 ? "" : "s")
                : duration.toMillis() + " ms";
    }

    /** UTF-8 bytes of {@code text}: a surrogate pair is 4, each of its halves counted 2. */
    static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /** One turn: subscribed to the gateway's events; every signal is a task of the connection's loop. */
    private final class Turn implements Flow.Subscriber<ResponseEvent> {
        final RequestLog log;
        private Flow.Subscription subscription;
        private boolean cancelled;

        Turn(RequestLog log) {
            this.log = log;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            execute(() -> {
                if (subscription != null) {
                    s.cancel(); // rule 2.5
                    return;
                }
                subscription = s;
                if (cancelled || turn != this) {
                    s.cancel();
                } else {
                    s.request(WINDOW);
                }
            });
        }

        @Override
        public void onNext(ResponseEvent event) {
            execute(() -> {
                if (turn != this) {
                    return;
                }
                if (event instanceof ResponseEvent.Lifecycle lifecycle && lifecycle.response() != null) {
                    log.responseId(lifecycle.response().id());
                    if (event.isTerminal()) {
                        log.ended(lifecycle.response());
                    }
                }
                if (event instanceof ResponseEvent.Error error) {
                    // response.failed follows and ends the turn; one error per turn (see the class comment).
                    log.error(new OrsException(error.error(), 500), true);
                    subscription.request(1);
                    return;
                }
                String text;
                try {
                    text = OrsJson.write(event);
                } catch (RuntimeException e) {
                    OrsException failure = HttpErrors.serverError(e);
                    log.unexpected(e);
                    cancel();
                    turn = null;
                    refuse(log, failure);
                    startTurns();
                    return;
                }
                enqueue(new Outgoing(text, this));
            });
        }

        @Override
        public void onError(Throwable throwable) {
            execute(() -> {
                if (turn != this) {
                    return;
                }
                turn = null;
                OrsException error;
                if (throwable instanceof OrsException ors) {
                    error = ors;
                } else {
                    error = HttpErrors.serverError(throwable);
                    log.unexpected(throwable);
                }
                log.error(error, true);
                log.finishedWith(Responses.statusOf(error));
                enqueue(new Outgoing(errorMessage(error), null));
                turnEnded();
            });
        }

        @Override
        public void onComplete() {
            execute(() -> {
                if (turn != this) {
                    return;
                }
                turn = null;
                log.finished();
                turnEnded();
            });
        }

        /** One of this turn's messages left: room for one more event. */
        void sent() {
            if (subscription != null && !cancelled) {
                subscription.request(1);
            }
        }

        void cancel() {
            cancelled = true;
            if (subscription != null) {
                subscription.cancel();
            }
        }

        private void turnEnded() {
            turns++;
            lastActivityNanos = System.nanoTime();
            startTurns();
        }
    }
}
