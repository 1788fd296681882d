package dev.orsgateway.upstream.okhttp.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.upstream.ChatPayloads;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import okio.BufferedSource;
import okio.Okio;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed completion: the OkHttp call, the SSE listener its reader thread drives, and the {@link Flow.Subscription}
 * its subscriber drives.
 *
 * <p><b>Two sides.</b> The reader side runs on one OkHttp dispatcher thread: okhttp-sse parses events and calls
 * {@link #onEvent}, which parses the chunk and puts it into a bounded buffer. The subscriber side is the drain loop: it
 * moves chunks from the buffer to {@code onNext} while there is demand. Every signal to the subscriber comes from the
 * drain loop, which never runs concurrently with itself (a work-in-progress counter, as in ors-core's
 * {@code SerialDrain}), so signals are serialized (rule 1.3) whichever thread happens to run it.
 *
 * <p><b>Backpressure.</b> okhttp-sse has no demand: it reads as fast as the listener returns. So when the buffer is full
 * (which, with a draining subscriber, means demand is zero) {@link #onEvent} blocks its thread in
 * {@link ArrayBlockingQueue#put}. The thread then stops reading the socket, the socket's receive buffer fills, TCP flow
 * control closes the window, and the upstream's writes block: demand reaches the provider. {@code request(n)} unblocks
 * the reader by taking chunks out; {@code cancel()} unblocks it by clearing the buffer.
 *
 * <p><b>Ending.</b> The first terminal condition wins ({@link #ended}): {@code [DONE]}, a clean end after a
 * {@code finish_reason}, or a failure. The terminal signal is delivered after the buffered chunks. A cancel stops all
 * signals and cancels the call, which closes the stream (or on HTTP/2 resets it); the failure okhttp-sse reports for that
 * is ignored, since by then {@link #over()} is true.
 */
final class SseChunkSubscription extends EventSourceListener implements Flow.Subscription, Callback {

    private static final Logger log = LoggerFactory.getLogger(SseChunkSubscription.class);

    private static final String DONE = "[DONE]";

    /** Checks streams for lines that do not come (see {@link #checkLines}); one daemon thread for every stream. */
    private static final class LineTimer {
        static final java.util.concurrent.ScheduledThreadPoolExecutor SCHEDULER = scheduler();

        private static java.util.concurrent.ScheduledThreadPoolExecutor scheduler() {
            java.util.concurrent.ScheduledThreadPoolExecutor scheduler =
                    new java.util.concurrent.ScheduledThreadPoolExecutor(1, runnable -> {
                        Thread thread = new Thread(runnable, "ors-okhttp-line-timer");
                        thread.setDaemon(true);
                        return thread;
                    });
            scheduler.setRemoveOnCancelPolicy(true); // a stream that ends takes its pending check out at once
            return scheduler;
        }
    }

    private final OkHttpClient client;
    private final Request request;
    private final UpstreamErrors errors;
    private final ChatPayloads payloads;
    private final String upstream;
    private final Runnable onFinish;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final ArrayBlockingQueue<ChatChunk> buffer;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger workInProgress = new AtomicInteger();
    private final AtomicReference<IllegalArgumentException> badRequest = new AtomicReference<>();
    private final AtomicBoolean ended = new AtomicBoolean();

    private volatile Flow.Subscriber<? super ChatChunk> subscriber; // cleared when done (rule 3.13)
    private volatile boolean cancelled; // by the subscriber, or by us on its behalf (rules 2.13, 3.9)
    private volatile Throwable failure; // written before `terminated`
    private volatile boolean terminated; // the terminal signal waits only for the buffer to drain
    private volatile Call call;
    private volatile EventSource eventSource;
    private volatile long startNanos;
    private volatile long chunks; // written by the reader thread only
    private final long lineTimeoutNanos;
    private volatile long lastLineNanos;
    private volatile boolean heldBack; // the reader waits for demand: the subscriber, not the upstream, holds it
    private volatile java.util.concurrent.Future<?> lineCheck;

    // Reader thread only: okhttp-sse calls the listener from the one thread that reads the response.
    private boolean opened;
    private boolean sawFinishReason;

    // Drain loop only; the work-in-progress counter orders runs (happens-before between them).
    private boolean subscribeSignalled;
    private boolean done;

    SseChunkSubscription(
            OkHttpClient client,
            Request request,
            UpstreamErrors errors,
            ChatPayloads payloads,
            String upstream,
            int bufferSize,
            Flow.Subscriber<? super ChatChunk> subscriber,
            Runnable onFinish) {
        this.client = client;
        this.request = request;
        this.errors = errors;
        this.payloads = payloads;
        this.upstream = upstream;
        this.onFinish = onFinish;
        this.buffer = new ArrayBlockingQueue<>(bufferSize);
        this.subscriber = subscriber;
        this.lineTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(client.readTimeoutMillis());
    }

    /** Refuses the stream at once with {@code error} (a concurrency limit): {@code onSubscribe}, then {@code onError}. */
    void refuse(OrsException error) {
        end(error);
        release();
    }

    /** Gives the concurrency slot back, once: when the dispatcher is done with the call, or it was never sent. */
    private void release() {
        if (finished.compareAndSet(false, true)) {
            onFinish.run();
        }
    }

    /** Signals {@code onSubscribe}, then sends the request unless the subscriber already cancelled. */
    void start() {
        drain(); // onSubscribe comes first (rule 1.9); the subscriber may request or cancel from inside it
        if (over()) {
            release();
            return;
        }
        Call newCall = client.newCall(request);
        call = newCall;
        if (cancelled) { // a cancel that raced with this start saw no call to cancel
            release();
            return;
        }
        startNanos = System.nanoTime();
        lastLineNanos = startNanos;
        log.debug("POST {} (stream)", upstream);
        newCall.enqueue(this);
        if (lineTimeoutNanos > 0) {
            scheduleLineCheck(lineTimeoutNanos);
        }
    }

    /**
     * The read timeout also bounds the time to the headers and between two complete lines (OkHttp's own bounds only
     * the silence between two reads, which an upstream trickling bytes never lets happen). Not while the reader waits
     * for demand: then the subscriber holds the stream back.
     */
    private void checkLines() {
        if (over()) {
            return;
        }
        if (heldBack) {
            scheduleLineCheck(lineTimeoutNanos);
            return;
        }
        long waited = System.nanoTime() - lastLineNanos;
        if (waited >= lineTimeoutNanos) {
            end(errors.idle(java.time.Duration.ofNanos(lineTimeoutNanos), chunks));
            cancelCall();
            return;
        }
        scheduleLineCheck(lineTimeoutNanos - waited);
    }

    private void scheduleLineCheck(long delayNanos) {
        try {
            lineCheck = LineTimer.SCHEDULER.schedule(this::checkLines, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // never shut down; nothing to do
        }
    }

    private void stopLineCheck() {
        java.util.concurrent.Future<?> check = lineCheck;
        if (check != null) {
            check.cancel(false);
        }
    }

    // ---- Subscription: the subscriber's side ----

    @Override
    public void request(long n) {
        if (n <= 0) {
            // Rule 3.9: signal onError(IllegalArgumentException); the drain loop also cancels the call.
            badRequest.compareAndSet(null, new IllegalArgumentException("Rule 3.9: request(n) needs n > 0, got " + n));
        } else {
            demand.getAndAccumulate(
                    n, (current, add) -> current + add < 0 ? Long.MAX_VALUE : current + add); // rule 3.17
        }
        drain(); // re-entrant calls from onNext return at once (rule 3.3)
    }

    @Override
    public void cancel() {
        if (!cancelled && !ended.get()) {
            log.debug("Stream from {} cancelled by its subscriber after {} chunks", upstream, chunks);
        }
        cancelled = true; // idempotent (rule 3.7); later requests are no-ops (rule 3.6)
        stopLineCheck();
        cancelCall();
        drain(); // drops the buffer, which also wakes a reader blocked on it
    }

    // ---- The drain loop ----

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
            buffer.clear(); // a chunk the reader put after we finished
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
        while (true) {
            if (cancelled) {
                finish(); // rules 3.12 and 3.13
                return;
            }
            IllegalArgumentException bad = badRequest.get();
            if (bad != null) {
                cancelled = true;
                cancelCall();
                finish();
                signalError(s, bad); // rule 3.9
                return;
            }
            // Read the flag before peeking: the reader puts its last chunk before it sets the flag.
            boolean end = terminated;
            ChatChunk next = buffer.peek();
            if (next != null) {
                if (demand.get() == 0) {
                    return; // rule 1.1: never more onNext than requested
                }
                demand.decrementAndGet(); // only this loop decrements
                buffer.poll(); // frees a slot: a reader blocked on the full buffer goes on
                try {
                    s.onNext(next);
                } catch (Throwable e) {
                    abandon("onNext", e); // rule 2.13
                    return;
                }
                continue;
            }
            if (end) {
                finish();
                Throwable error = failure;
                if (error == null) {
                    signalComplete(s);
                } else {
                    signalError(s, error);
                }
            }
            return;
        }
    }

    /** Ends the drain side: no more signals, drop the subscriber (rule 3.13), wake the reader. */
    private void finish() {
        done = true;
        subscriber = null;
        buffer.clear();
    }

    private void abandon(String method, Throwable e) {
        log.warn("Subscriber of the stream from {} threw from {}; cancelling the stream", upstream, method, e);
        cancelled = true;
        cancelCall();
        finish();
    }

    private void cancelCall() {
        Call c = call;
        if (c != null) {
            c.cancel(); // frees the connection (HTTP/1.1: closes it; HTTP/2: resets the stream)
        }
        EventSource source = eventSource;
        if (source != null) {
            source.cancel(); // stops okhttp-sse's read loop after the current event
        }
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

    // ---- The reader side ----

    /** Whether no more events are wanted: cancelled, or a terminal condition has been recorded. */
    private boolean over() {
        return cancelled || ended.get();
    }

    /** Records the terminal condition (the first one wins) and lets the drain loop deliver it. */
    private void end(Throwable error) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        stopLineCheck();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        if (error == null) {
            log.debug("Stream from {} complete: {} chunks in {} ms", upstream, chunks, millis);
        } else if (error instanceof OrsException ors) {
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
        failure = error;
        terminated = true;
        drain();
    }

    // Callback: the call, up to the response headers.

    @Override
    public void onFailure(Call failedCall, IOException e) {
        try {
            if (!over()) { // else our own cancel
                end(errors.beforeResponse(e));
            }
        } finally {
            release();
        }
    }

    @Override
    public void onResponse(Call okCall, Response response) {
        try {
            stream(response);
        } finally {
            release(); // the dispatcher counts the call until this callback returns
        }
    }

    private void stream(Response response) {
        if (over()) {
            response.close();
            return;
        }
        try {
            // okhttp-sse checks the status and the content type, reads events until EOF, and closes the response. It
            // reads through a LineFeedSource, which keeps its reader away from bare carriage returns (see there).
            ResponseBody body = response.body();
            BufferedSource lines =
                    Okio.buffer(new LineFeedSource(body.source(), () -> lastLineNanos = System.nanoTime()));
            Response normalized = response.newBuilder()
                    .body(ResponseBody.create(lines, body.contentType(), -1L))
                    .build();
            EventSources.processResponse(normalized, this);
        } catch (RuntimeException e) {
            end(errors.internal("Reading the stream failed", e));
            cancelCall();
        }
    }

    // EventSourceListener: the response.

    @Override
    public void onOpen(EventSource source, Response response) {
        opened = true;
        eventSource = source;
        if (cancelled) {
            source.cancel(); // a cancel that raced with the open saw no event source
        }
        if (log.isDebugEnabled()) {
            log.debug(
                    "Stream from {} open: status {} after {} ms",
                    upstream,
                    response.code(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        }
    }

    @Override
    public void onEvent(EventSource source, String id, String type, String data) {
        if (over()) {
            source.cancel();
            return;
        }
        if (DONE.equals(data.strip())) {
            end(null);
            // Stop reading. Closing the response then discards the little that follows [DONE] (within OkHttp's
            // 100 ms bound) so that an HTTP/1.1 connection can go back to the pool.
            source.cancel();
            return;
        }
        if (data.isBlank() && !"error".equals(type)) {
            return; // an empty data field: a keep-alive in all but name
        }
        ChatChunk chunk;
        try {
            chunk = payloads.chunk(type, data);
        } catch (OrsException e) {
            end(e);
            cancelCall();
            return;
        }
        if (ChatPayloads.hasFinishReason(chunk)) {
            sawFinishReason = true;
        }
        chunks++;
        try {
            if (!buffer.offer(chunk)) {
                heldBack = true;
                buffer.put(chunk); // blocks while the buffer is full: the backpressure (see the class comment)
                lastLineNanos = System.nanoTime(); // the wait for demand was not the upstream's
                heldBack = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(errors.internal("Interrupted while waiting for demand", e));
            cancelCall();
            return;
        }
        drain();
    }

    @Override
    public void onClosed(EventSource source) {
        if (over()) {
            return;
        }
        // The body ended without [DONE]: normal for servers that omit it, once a choice has finished.
        end(sawFinishReason ? null : errors.truncated(chunks));
    }

    @Override
    public void onFailure(EventSource source, Throwable t, Response response) {
        if (over()) {
            return; // includes the "canceled" failure that follows our own cancel or [DONE]
        }
        OrsException error;
        if (response != null && !response.isSuccessful()) {
            error = OkHttpResponses.error(errors, response);
        } else if (!opened && response != null) {
            error = OkHttpResponses.notEventStream(errors, response); // okhttp-sse checked the content type
        } else if (!opened && t instanceof IOException io) {
            error = errors.beforeResponse(io);
        } else {
            error = errors.streamBroken(t, chunks);
        }
        end(error);
    }
}
