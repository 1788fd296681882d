package dev.orsgateway.server.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ResponseEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a response's events as server-sent events, one {@code request(1)} at a time: the next event is requested
 * only when the previous frame has been written and flushed, so a slow client slows the upstream down and nothing
 * piles up in memory.
 *
 * <p>Framing (what the official compliance suite's parser needs): {@code event: <type>\ndata: <one-line json>\n\n},
 * LF only, each frame one buffer written and flushed on its own, no {@code id:} lines; then {@code data: [DONE]}.
 *
 * <p>The status is decided by the first thing to send. The first event, or the first keep-alive comment, commits
 * {@code 200 text/event-stream}. A failure before either ({@code onError}, e.g. the upstream's 429 before any output)
 * is answered as a plain JSON error with its own status instead. A failure after the stream began is sent as an
 * {@code error} event, then {@code [DONE]} (the gateway itself turns upstream failures after output into {@code
 * error} + {@code response.failed} events; this covers failures it could not turn into events).
 */
public final class SseSubscriber implements Flow.Subscriber<ResponseEvent> {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    /** The head of an event stream: no caching, and no buffering by proxies (nginx honours X-Accel-Buffering). */
    static final Exchange.Head SSE_HEAD =
            new Exchange.Head(200, "text/event-stream", Map.of("Cache-Control", "no-cache", "X-Accel-Buffering", "no"));

    private enum Mode {
        PENDING,
        EVENTS,
        JSON_ERROR
    }

    private final Exchange exchange;
    private final RequestLog log;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.PENDING);
    private final long keepAliveNanos;
    private volatile ScheduledFuture<?> keepAlive;

    // Publisher signals are serialized (rule 1.3); these are touched by them only.
    private long lastSequence = -1;
    private boolean done;

    // Drain loop only (tasks and afterFlush callbacks run there).
    private Flow.Subscription subscription;
    private boolean cancelled;

    /**
     * A subscriber writing to {@code exchange}, with keep-alive comments after {@code keepAliveNanos} of silence
     * (zero: none) checked on {@code ticker}.
     */
    public SseSubscriber(Exchange exchange, RequestLog log, long keepAliveNanos, ScheduledExecutorService ticker) {
        this.exchange = exchange;
        this.log = log;
        this.keepAliveNanos = keepAliveNanos;
        exchange.onAbort(this::cancelUpstream);
        if (keepAliveNanos > 0 && ticker != null) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), keepAliveNanos / 4);
            keepAlive = ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        exchange.execute(() -> {
            if (subscription != null) {
                s.cancel(); // rule 2.5: one subscription only
                return;
            }
            subscription = s;
            if (cancelled || exchange.isTerminated()) {
                s.cancel();
            } else {
                s.request(1);
            }
        });
    }

    @Override
    public void onNext(ResponseEvent event) {
        if (done) {
            return;
        }
        lastSequence = event.sequenceNumber();
        if (event instanceof ResponseEvent.Lifecycle lifecycle && lifecycle.response() != null) {
            log.responseId(lifecycle.response().id());
            if (event.isTerminal()) {
                log.responseStatus(lifecycle.response().status());
            }
        }
        byte[] frame;
        try {
            frame = frame(event.type(), OrsJson.writeBytes(event));
        } catch (RuntimeException e) {
            done = true;
            exchange.execute(this::cancelUpstream);
            fail(e);
            return;
        }
        mode.compareAndSet(Mode.PENDING, Mode.EVENTS);
        exchange.send(SSE_HEAD, frame, this::requestNext, false);
    }

    @Override
    public void onError(Throwable throwable) {
        if (done) {
            return;
        }
        done = true;
        fail(throwable);
    }

    @Override
    public void onComplete() {
        if (done) {
            return;
        }
        done = true;
        stopKeepAlive();
        mode.compareAndSet(Mode.PENDING, Mode.EVENTS);
        exchange.send(SSE_HEAD, DONE, null, true);
    }

    private void fail(Throwable throwable) {
        stopKeepAlive();
        OrsException error;
        if (throwable instanceof OrsException ors) {
            error = ors;
            log.error(ors, true);
        } else {
            error = HttpErrors.serverError(throwable);
            log.error(error, true);
            log.unexpected(throwable);
        }
        if (mode.compareAndSet(Mode.PENDING, Mode.JSON_ERROR)) {
            Responses.sendError(exchange, error);
            return;
        }
        byte[] frame = frame("error", OrsJson.writeBytes(new ResponseEvent.Error(lastSequence + 1, error.error())));
        exchange.send(SSE_HEAD, frame, null, false);
        exchange.send(SSE_HEAD, DONE, null, true);
    }

    private void requestNext() {
        if (subscription != null && !cancelled) {
            subscription.request(1);
        }
    }

    private void cancelUpstream() {
        stopKeepAlive();
        if (!cancelled) {
            cancelled = true;
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }

    /** On the ticker: a comment when the stream has been silent for the keep-alive interval. */
    private void tick() {
        if (exchange.isTerminated()) {
            stopKeepAlive();
            return;
        }
        if (!exchange.idleFor(keepAliveNanos)) {
            return;
        }
        if (mode.compareAndSet(Mode.PENDING, Mode.EVENTS) || mode.get() == Mode.EVENTS) {
            exchange.send(SSE_HEAD, KEEP_ALIVE, null, false);
        }
    }

    private void stopKeepAlive() {
        ScheduledFuture<?> future = keepAlive;
        if (future != null) {
            future.cancel(false);
        }
    }

    /** One frame: {@code event: type}, {@code data: json}, a blank line; LF only. */
    static byte[] frame(String type, byte[] json) {
        byte[] name = sanitize(type).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + name.length + 16);
        out.writeBytes("event: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(name);
        out.writeBytes("\ndata: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(json); // compact JSON: strings escape their line breaks, so this is one line
        out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String sanitize(String type) {
        return type == null ? "message" : type.replace('\n', ' ').replace('\r', ' ');
    }
}
