package dev.orsgateway.server.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.json.SseEncoder;
import dev.orsgateway.core.model.ResponseEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a response's events as server-sent events, with a bounded window of demand: at most {@link #WINDOW} events
 * are requested ahead of what has been written. Events that arrive while a write is under way wait, and are encoded
 * together into one buffer ({@link SseEncoder}) that is written and flushed once; the events of a batch are requested
 * again only once it is out and the container says the output is ready. So a slow client slows the upstream down,
 * and a stream holds at most a window of events in memory.
 *
 * <p>Framing (what the official compliance suite's parser needs): {@code event: <type>\ndata: <one-line json>\n\n},
 * LF only, no {@code id:} lines; then {@code data: [DONE]}. A write holds one or more whole frames.
 *
 * <p>The status is decided by the first thing to send. The first event, or the first keep-alive comment, commits
 * {@code 200 text/event-stream}. A failure before either ({@code onError}, e.g. the upstream's 429 before any output)
 * is answered as a plain JSON error with its own status instead. A failure after the stream began is sent as an
 * {@code error} event, then {@code [DONE]} (the gateway itself turns upstream failures after output into {@code
 * error} + {@code response.failed} events; this covers failures it could not turn into events).
 */
public final class SseSubscriber implements Flow.Subscriber<ResponseEvent>, Exchange.Source {
    /** How many events are requested ahead of what has been written. */
    public static final int WINDOW = 32;

    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
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
    private final long writeTimeoutNanos;
    private final ConcurrentLinkedQueue<ResponseEvent> ready = new ConcurrentLinkedQueue<>();
    private volatile ScheduledFuture<?> keepAlive;
    private volatile boolean keepAliveDue;
    /** Set after the last event was queued: the stream ends once the queue is written. */
    private volatile boolean ended;
    /** When {@link #ended}, the failure to end with as an {@code error} event, if any. */
    private volatile OrsException endError;

    // Publisher signals are serialized (rule 1.3); touched by them only.
    private boolean done;

    // Drain loop only (tasks and Source callbacks run there).
    private Flow.Subscription subscription;
    private boolean cancelled;
    private boolean finished;
    private long lastSequence = -1;
    private int batch;

    /**
     * A subscriber writing to {@code exchange}, with keep-alive comments after {@code keepAliveNanos} of silence
     * (zero: none) checked on {@code ticker}, and no write timeout.
     */
    public SseSubscriber(Exchange exchange, RequestLog log, long keepAliveNanos, ScheduledExecutorService ticker) {
        this(exchange, log, keepAliveNanos, ticker, 0);
    }

    /**
     * A subscriber writing to {@code exchange}, with keep-alive comments after {@code keepAliveNanos} of silence
     * (zero: none), and aborting the exchange once a write has been blocked for {@code writeTimeoutNanos} (zero: never),
     * both checked on {@code ticker}.
     */
    public SseSubscriber(
            Exchange exchange,
            RequestLog log,
            long keepAliveNanos,
            ScheduledExecutorService ticker,
            long writeTimeoutNanos) {
        this.exchange = exchange;
        this.log = log;
        this.keepAliveNanos = keepAliveNanos;
        this.writeTimeoutNanos = writeTimeoutNanos;
        exchange.onAbort(this::cancelUpstream);
        exchange.stream(SSE_HEAD, this);
        long shortest = shortestPositive(keepAliveNanos, writeTimeoutNanos);
        if (shortest > 0 && ticker != null) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), shortest / 4);
            keepAlive = ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.NANOSECONDS);
        }
    }

    private static long shortestPositive(long a, long b) {
        if (a <= 0) {
            return Math.max(b, 0);
        }
        return b <= 0 ? a : Math.min(a, b);
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
                s.request(WINDOW);
            }
        });
    }

    @Override
    public void onNext(ResponseEvent event) {
        if (done) {
            return;
        }
        if (event instanceof ResponseEvent.Lifecycle lifecycle && lifecycle.response() != null) {
            log.responseId(lifecycle.response().id());
            if (event.isTerminal()) {
                log.ended(lifecycle.response());
            }
        }
        mode.compareAndSet(Mode.PENDING, Mode.EVENTS);
        ready.add(event);
        exchange.signal();
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
        ended = true;
        exchange.signal();
    }

    // ---- Exchange.Source, in the drain loop

    @Override
    public boolean fill(SseEncoder encoder) {
        if (finished) {
            return false;
        }
        // Read before draining: every event queued before the end was signalled is then drained below.
        boolean end = ended;
        int count = 0;
        for (ResponseEvent event = ready.poll(); event != null; event = ready.poll()) {
            try {
                encoder.event(event);
            } catch (RuntimeException e) {
                // An event the mapper cannot write: the stream ends with an error event.
                cancelUpstream();
                ready.clear();
                OrsException error = HttpErrors.serverError(e);
                log.error(error, true);
                log.unexpected(e);
                endError = error;
                end = true;
                break;
            }
            lastSequence = event.sequenceNumber();
            count++;
        }
        batch += count;
        if (keepAliveDue) {
            keepAliveDue = false;
            if (count == 0 && !end) {
                encoder.raw(KEEP_ALIVE);
            }
        }
        if (end) {
            finished = true;
            OrsException error = endError;
            if (error != null) {
                encoder.event(new ResponseEvent.Error(lastSequence + 1, error.error()));
            }
            encoder.raw(DONE);
        }
        return end;
    }

    @Override
    public void written() {
        int n = batch;
        batch = 0;
        if (n > 0 && subscription != null && !cancelled) {
            subscription.request(n);
        }
    }

    // ----

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
        endError = error;
        ended = true;
        exchange.signal();
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

    /**
     * On the ticker: gives the stream up when a write has been blocked for the write timeout (a client that stopped
     * reading without leaving would hold the upstream call for as long as the container lets it), else a comment when
     * the stream has been silent for the keep-alive interval.
     */
    private void tick() {
        if (exchange.isTerminated()) {
            stopKeepAlive();
            return;
        }
        if (writeTimeoutNanos > 0 && exchange.writeBlockedFor(writeTimeoutNanos)) {
            stopKeepAlive();
            exchange.abort(
                    "write timeout",
                    new java.net.SocketTimeoutException("a write to the client was blocked for "
                            + TimeUnit.NANOSECONDS.toMillis(writeTimeoutNanos) + " ms: the client reads nothing"));
            return;
        }
        if (keepAliveNanos <= 0 || !exchange.idleFor(keepAliveNanos)) {
            return;
        }
        if (mode.compareAndSet(Mode.PENDING, Mode.EVENTS) || mode.get() == Mode.EVENTS) {
            keepAliveDue = true;
            exchange.signal();
        }
    }

    private void stopKeepAlive() {
        ScheduledFuture<?> future = keepAlive;
        if (future != null) {
            future.cancel(false);
        }
    }
}
