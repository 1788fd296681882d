package dev.orsgateway.upstream.jdk.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatChunkReader;
import dev.orsgateway.core.upstream.ChatPayloads;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed completion: the HTTP exchange, the body subscriber the {@link HttpClient} feeds, and the
 * {@link Flow.Subscription} the downstream subscriber drives, in one serialized stage.
 *
 * <p><b>One stage.</b> Every piece of work (taking the byte buffers the client delivered, parsing events, parsing
 * chunks, signalling the subscriber, asking the client for more bytes) runs in {@link #drainLoop()}, which never runs
 * concurrently with itself (a work-in-progress counter): whichever thread signals something (the client's, the
 * subscriber's calling {@code request}, the idle timer's) runs the loop or leaves the work to the thread already in it.
 * No thread ever waits.
 *
 * <p><b>Demand down to TCP.</b> The client delivers byte buffers only when asked ({@code request(1)}), and asks the
 * socket for more only then. The loop asks only when the bytes it holds are parsed and fewer than {@code bufferSize}
 * parsed chunks wait for demand. A subscriber that stops requesting therefore stops the socket reads: the receive
 * window fills and the provider's writes block (HTTP/1.1), or the stream's flow-control window closes (HTTP/2).
 *
 * <p><b>Ending.</b> The first terminal condition wins and is delivered after the chunks parsed before it: {@code [DONE]}
 * (the rest of the body is read and dropped, up to a bound, so that the connection can be reused), a clean end after a
 * {@code finish_reason}, or a failure (the exchange is cancelled). A cancel stops all signals and cancels the exchange,
 * which closes an HTTP/1.1 connection or resets an HTTP/2 stream.
 */
public final class StreamExchange implements Flow.Subscription {

    private static final Logger log = LoggerFactory.getLogger(StreamExchange.class);

    /** After {@code [DONE]}, up to this much of the body is read and dropped to keep the connection; then it closes. */
    private static final long MAX_DISCARD_BYTES = 64 * 1024;

    private final HttpClient client;
    private final HttpRequest request;
    private final UpstreamErrors errors;
    private final ChatPayloads payloads;
    private final String upstream;
    private final int bufferSize;
    private final IdleTimer timer;
    private final Runnable onFinish;

    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger workInProgress = new AtomicInteger();
    private final AtomicReference<IllegalArgumentException> badRequest = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>(); // from outside the loop; first wins

    private volatile Flow.Subscriber<? super ChatChunk> subscriber; // cleared when done (rule 3.13)
    private volatile boolean cancelled;
    private volatile CompletableFuture<?> sent;
    private volatile Flow.Subscription body; // the client's subscription to the body
    private volatile List<ByteBuffer> arrived; // at most one delivery outstanding: we request one at a time
    private volatile boolean bodyComplete;
    private volatile Throwable bodyError;
    private volatile boolean awaitingBytes; // a request(1) is outstanding: silence counts towards the idle timeout
    private volatile long lastActivityNanos;
    /** When the last line was completed, or the stream went on after its subscriber held it back. */
    private volatile long lastLineNanos;

    private volatile boolean over; // nothing more is wanted from the exchange
    private volatile boolean aborted;
    private volatile java.util.concurrent.Future<?> idleCheck;
    private volatile long chunks;
    private long startNanos;

    // Drain loop only; the work-in-progress counter orders runs.
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(2);
    private final ArrayDeque<ChatChunk> queue;
    private final SseParser parser = new SseParser();
    private final ChatChunkReader chunkReader = new ChatChunkReader();
    private boolean subscribeSignalled;
    private boolean done;
    private boolean discarding;
    private boolean bodyCancelled;
    private long discarded;
    private Throwable terminal; // recorded, delivered once the queue is empty
    private boolean completed; // recorded completion
    private boolean sawFinishReason;
    private long linesSeen;
    private boolean heldBack; // the queue filled up: the subscriber, not the upstream, holds the stream

    /**
     * An exchange that will send {@code request}; {@code onFinish} runs once when it is over (for concurrency limits).
     */
    public StreamExchange(
            HttpClient client,
            HttpRequest request,
            UpstreamErrors errors,
            ChatPayloads payloads,
            String upstream,
            int bufferSize,
            IdleTimer timer,
            Flow.Subscriber<? super ChatChunk> subscriber,
            Runnable onFinish) {
        this.client = client;
        this.request = request;
        this.errors = errors;
        this.payloads = payloads;
        this.upstream = upstream;
        this.bufferSize = bufferSize;
        this.timer = timer;
        this.subscriber = subscriber;
        this.onFinish = onFinish;
        this.queue = new ArrayDeque<>(Math.min(bufferSize, 16));
    }

    /** Signals {@code onSubscribe}, then sends the request unless the subscriber already cancelled. */
    public void start() {
        drain(); // onSubscribe comes first (rule 1.9); the subscriber may request or cancel from inside it
        if (over) {
            return;
        }
        startNanos = System.nanoTime();
        log.debug("POST {} (stream)", upstream);
        CompletableFuture<HttpResponse<Void>> future = client.sendAsync(request, this::handle);
        sent = future;
        future.whenComplete((response, error) -> {
            if (error != null) {
                fail(errors.beforeResponse(unwrap(error)));
            }
        });
        if (over) {
            future.cancel(true); // a cancel that raced with the send saw no future to cancel
        }
    }

    /**
     * Refuses the stream at once with {@code error} (a concurrency limit): {@code onSubscribe}, then {@code onError}.
     */
    public void refuse(OrsException error) {
        failure.compareAndSet(null, error);
        drain();
    }

    /** Fails the stream at once, dropping chunks that wait for demand, and cancels the exchange: the upstream closes. */
    public void abort(OrsException error) {
        aborted = true;
        fail(error);
    }

    // ---- Subscription: the subscriber's side

    @Override
    public void request(long n) {
        if (n <= 0) {
            badRequest.compareAndSet(null, new IllegalArgumentException("Rule 3.9: request(n) needs n > 0, got " + n));
        } else {
            demand.getAndAccumulate(n, (current, add) -> current + add < 0 ? Long.MAX_VALUE : current + add);
        }
        drain(); // re-entrant calls from onNext return at once (rule 3.3)
    }

    @Override
    public void cancel() {
        if (!cancelled && !over) {
            log.debug("Stream from {} cancelled by its subscriber after {} chunks", upstream, chunks);
        }
        cancelled = true; // idempotent (rule 3.7); later requests are no-ops (rule 3.6)
        drain();
    }

    // ---- The client's side

    private HttpResponse.BodySubscriber<Void> handle(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        String contentType = info.headers().firstValue("content-type").orElse(null);
        if (log.isDebugEnabled()) {
            log.debug(
                    "Stream from {} open: status {} after {} ms",
                    upstream,
                    status,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        }
        if (status < 200 || status > 299) {
            return new ErrorBody(text -> errors.fromHttp(
                    status,
                    contentType,
                    text,
                    name -> info.headers().firstValue(name).orElse(null)));
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            return new ErrorBody(text -> errors.notEventStream(contentType, text));
        }
        return new SseBody();
    }

    /** Receives the event stream; all the work happens in the drain loop. */
    private final class SseBody implements HttpResponse.BodySubscriber<Void> {
        @Override
        public CompletionStage<Void> getBody() {
            return CompletableFuture.completedFuture(null); // sendAsync completes with the headers
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            body = subscription;
            lastActivityNanos = System.nanoTime();
            lastLineNanos = lastActivityNanos;
            timer.watch(StreamExchange.this);
            drain();
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            lastActivityNanos = System.nanoTime();
            // arrived before awaitingBytes: a drain that sees no request outstanding must also see these bytes, or
            // it would request more while they are unread and the next delivery would overwrite them.
            arrived = buffers;
            awaitingBytes = false;
            drain();
        }

        @Override
        public void onError(Throwable throwable) {
            bodyError = throwable;
            awaitingBytes = false;
            drain();
        }

        @Override
        public void onComplete() {
            bodyComplete = true;
            awaitingBytes = false;
            drain();
        }
    }

    /** Reads up to {@link UpstreamErrors#MAX_ERROR_BODY_BYTES} of a body that is not an event stream. */
    private final class ErrorBody implements HttpResponse.BodySubscriber<Void> {
        private final java.util.function.Function<String, OrsException> mapping;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        ErrorBody(java.util.function.Function<String, OrsException> mapping) {
            this.mapping = mapping;
        }

        @Override
        public CompletionStage<Void> getBody() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            body = s;
            if (over) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int n = Math.min(buffer.remaining(), UpstreamErrors.MAX_ERROR_BODY_BYTES - bytes.size());
                byte[] copy = new byte[n];
                buffer.get(copy);
                bytes.write(copy, 0, n);
            }
            if (bytes.size() >= UpstreamErrors.MAX_ERROR_BODY_BYTES || over) {
                subscription.cancel();
                onComplete();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            onComplete(); // what arrived is all there is to quote
        }

        @Override
        public void onComplete() {
            fail(mapping.apply(bytes.toString(StandardCharsets.UTF_8)));
        }
    }

    // ---- Called by the idle timer

    void idleCheck(java.util.concurrent.Future<?> check) {
        idleCheck = check;
    }

    /**
     * Checks for silence. Returns the nanos to wait before the next check, or {@code -1} when the exchange is over.
     */
    long checkIdle(long timeoutNanos) {
        if (over) {
            return -1;
        }
        long now = System.nanoTime();
        if (!awaitingBytes) {
            return timeoutNanos; // held back by the subscriber, or working: not the upstream's silence
        }
        // Bytes trickled slower than lines end (a slowloris upstream) are no sign of life either: the timeout also
        // bounds the time without a complete line while the stream waits for the upstream.
        long silent = Math.max(now - lastActivityNanos, now - lastLineNanos);
        if (silent >= timeoutNanos) {
            fail(errors.idle(java.time.Duration.ofNanos(timeoutNanos), chunks));
            return -1;
        }
        return timeoutNanos - silent;
    }

    // ---- The drain loop

    private void fail(Throwable error) {
        if (failure.compareAndSet(null, error)) {
            drain();
        }
    }

    private void drain() {
        if (workInProgress.getAndIncrement() != 0) {
            return; // the thread inside the loop goes round once more
        }
        int missed = 1;
        do {
            drainLoop();
            missed = workInProgress.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drainLoop() {
        if (done) {
            afterDone();
            return;
        }
        Flow.Subscriber<? super ChatChunk> s = subscriber;
        if (!subscribeSignalled) {
            subscribeSignalled = true;
            try {
                s.onSubscribe(this);
            } catch (Throwable e) {
                abandon("onSubscribe", e); // rule 2.13: treat the subscription as cancelled
                return;
            }
        }
        if (cancelled) {
            cancelExchange();
            finish();
            return;
        }
        IllegalArgumentException bad = badRequest.get();
        if (bad != null) {
            cancelExchange();
            finish();
            signalError(s, bad);
            return;
        }
        List<ByteBuffer> buffers = arrived;
        if (buffers != null) {
            arrived = null;
            for (ByteBuffer buffer : buffers) {
                if (buffer.hasRemaining()) {
                    pending.add(buffer);
                }
            }
        }
        if (aborted) {
            queue.clear();
            pending.clear();
        }
        while (true) {
            // Deliver what is parsed, as far as demand allows.
            while (!queue.isEmpty() && demand.get() > 0) {
                ChatChunk chunk = queue.poll();
                demand.decrementAndGet();
                try {
                    s.onNext(chunk);
                } catch (Throwable e) {
                    abandon("onNext", e);
                    return;
                }
                if (cancelled) {
                    cancelExchange();
                    finish();
                    return;
                }
                if (badRequest.get() != null) {
                    drain(); // handled on the next round
                    return;
                }
            }
            if (terminal != null || completed || queue.size() >= bufferSize || !parseOne()) {
                break;
            }
        }
        if (queue.size() >= bufferSize) {
            heldBack = true;
        }
        if (parser.lines() != linesSeen) {
            linesSeen = parser.lines();
            lastLineNanos = System.nanoTime();
        }
        // The body's end flags are read before arrived: the client sets arrived before it signals the end, so an
        // end seen with nothing arrived means every byte has been parsed (else the next round takes the bytes).
        Throwable broken = bodyError;
        boolean ended = bodyComplete;
        if (terminal == null && !completed && pending.isEmpty() && arrived == null) {
            Throwable error = failure.get();
            if (error != null) {
                terminal = error;
            } else if (broken != null) {
                terminal = errors.streamBroken(broken, chunks);
            } else if (ended) {
                if (sawFinishReason) {
                    completed = true; // servers that omit [DONE] end after a finish_reason
                } else {
                    terminal = errors.truncated(chunks);
                }
            }
        }
        if (queue.isEmpty() && (terminal != null || completed)) {
            deliverTerminal(s);
            return;
        }
        requestBytes();
    }

    /** Parses the next event from the pending bytes; returns whether it made progress. */
    private boolean parseOne() {
        ByteBuffer buffer = pending.peek();
        if (buffer == null) {
            return false;
        }
        boolean event;
        try {
            event = parser.next(buffer);
        } catch (SseParser.EventTooLarge e) {
            terminal = errors.badChunk(e.getMessage(), e);
            pending.clear();
            return true;
        }
        if (!buffer.hasRemaining()) {
            pending.poll();
        }
        if (!event) {
            return true;
        }
        byte[] data = parser.data();
        int length = parser.dataLength();
        String type = parser.eventType();
        if (ChatPayloads.isDone(data, 0, length)) {
            completed = true;
            discarding = true;
            return true;
        }
        if (ChatPayloads.isBlank(data, 0, length) && !"error".equals(type)) {
            return true; // an empty data field: a keep-alive in all but name
        }
        try {
            ChatChunk chunk = payloads.chunk(type, data, 0, length, chunkReader);
            if (ChatPayloads.hasFinishReason(chunk)) {
                sawFinishReason = true;
            }
            chunks++;
            queue.add(chunk);
        } catch (OrsException e) {
            terminal = e;
        } catch (RuntimeException e) {
            terminal = errors.internal("Reading the stream failed", e);
        }
        return true;
    }

    private void requestBytes() {
        Flow.Subscription b = body;
        if (b == null || awaitingBytes || !pending.isEmpty() || arrived != null || bodyComplete || bodyError != null) {
            return;
        }
        if (queue.size() >= bufferSize) {
            return; // full: the socket rests until the subscriber asks for more
        }
        lastActivityNanos = System.nanoTime();
        if (heldBack) {
            heldBack = false;
            lastLineNanos = lastActivityNanos; // the wait for the subscriber is not the upstream's
        }
        awaitingBytes = true;
        b.request(1); // may deliver at once, re-entering drain(), which then goes round once more
    }

    private void deliverTerminal(Flow.Subscriber<? super ChatChunk> s) {
        Throwable error = terminal;
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        boolean bodyOver = bodyComplete || bodyError != null;
        if (error == null && discarding && !bodyOver) {
            over = true; // keep reading to the end of the body, below, so that the connection can be reused
        } else if (!bodyOver) {
            cancelExchange();
        }
        finish();
        if (error == null) {
            log.debug("Stream from {} complete: {} chunks in {} ms", upstream, chunks, millis);
            signalComplete(s);
        } else {
            if (error instanceof OrsException ors) {
                log.warn(
                        "Stream from {} failed after {} chunks and {} ms: status {}, code {}: {}",
                        upstream,
                        chunks,
                        millis,
                        ors.httpStatus(),
                        ors.error().code(),
                        ors.getMessage());
            } else {
                log.warn("Stream from {} failed after {} chunks and {} ms", upstream, chunks, millis, error);
            }
            signalError(s, error);
        }
        afterDone();
    }

    /** After the terminal signal: drops the rest of a body after {@code [DONE]}, or does nothing. */
    private void afterDone() {
        List<ByteBuffer> buffers = arrived;
        if (buffers != null) {
            arrived = null;
            for (ByteBuffer buffer : buffers) {
                discarded += buffer.remaining();
            }
        }
        if (!discarding || bodyComplete || bodyError != null) {
            Flow.Subscription late = body;
            if (!discarding && !bodyCancelled && late != null && !bodyComplete && bodyError == null) {
                // The body subscription came after the exchange was cancelled (the headers had been answered, but
                // the client subscribes the body later): cancel it, or it would hold its connection.
                bodyCancelled = true;
                late.cancel();
            }
            return;
        }
        Flow.Subscription b = body;
        if (b == null) {
            return;
        }
        if (discarded > MAX_DISCARD_BYTES || cancelled) {
            discarding = false;
            b.cancel();
        } else if (!awaitingBytes) {
            awaitingBytes = true;
            lastActivityNanos = System.nanoTime();
            b.request(1);
        }
    }

    /** Ends the subscriber side: no more signals, drop the subscriber (rule 3.13), release the slot. */
    private void finish() {
        if (done) {
            return;
        }
        done = true;
        over = true;
        subscriber = null;
        queue.clear();
        pending.clear();
        java.util.concurrent.Future<?> check = idleCheck;
        if (check != null) {
            check.cancel(false);
        }
        onFinish.run();
    }

    private void abandon(String method, Throwable e) {
        log.warn("Subscriber of the stream from {} threw from {}; cancelling the stream", upstream, method, e);
        cancelled = true;
        discarding = false;
        cancelExchange();
        finish();
    }

    private void cancelExchange() {
        over = true;
        discarding = false;
        Flow.Subscription b = body;
        if (b != null) {
            bodyCancelled = true;
            b.cancel(); // frees the connection (HTTP/1.1: closes it; HTTP/2: resets the stream)
        }
        CompletableFuture<?> future = sent;
        if (future != null && !future.isDone()) {
            future.cancel(true); // before the headers: the JDK client aborts the exchange
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static void signalError(Flow.Subscriber<?> s, Throwable error) {
        try {
            s.onError(error);
        } catch (Throwable ignored) {
            // Rule 2.13 violation by the subscriber; nothing is left to tell it.
        }
    }

    private static void signalComplete(Flow.Subscriber<?> s) {
        try {
            s.onComplete();
        } catch (Throwable ignored) {
            // Rule 2.13 violation by the subscriber; nothing is left to tell it.
        }
    }
}
