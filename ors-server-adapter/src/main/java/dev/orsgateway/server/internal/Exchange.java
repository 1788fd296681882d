package dev.orsgateway.server.internal;

import dev.orsgateway.core.json.SseEncoder;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One asynchronous request/response: non-blocking output, with a single drain loop and a single abort path.
 *
 * <p>Everything that touches the output stream, the {@link AsyncContext} or the upstream's subscription happens in
 * {@link #drain()}, which never runs on two threads at once (a work-in-progress counter: a call that arrives while
 * another thread drains makes that thread go round once more). Any thread may {@link #send} an answer, {@link
 * #signal} the source, {@link #execute} a task or {@link #abort}; the container's callbacks ({@link #onWritePossible}, the {@link AsyncListener} methods)
 * only signal and drain.
 *
 * <p>The output is either one whole answer ({@link #send}: JSON) or a {@link Source} ({@link #stream}: an event
 * stream), which the drain loop asks, whenever nothing is being written, for everything it has ready, encoded into one
 * reused buffer. Each buffer is written and flushed once, each step only when {@link ServletOutputStream#isReady()}
 * says so; when it says no, the drain returns and the container calls {@link #onWritePossible} later. So no thread
 * waits on a slow client, and {@link Source#written()} (which asks the upstream for more) runs only once the buffer is
 * out and the output is ready again: the client's pace is the upstream's pace. The last write completes the {@link
 * AsyncContext}.
 *
 * <p>The abort path: an {@link IOException} or {@link RuntimeException} from the output stream, {@link
 * WriteListener#onError}, {@link AsyncListener#onError}, {@link AsyncListener#onTimeout}, an {@link
 * AsyncListener#onComplete} that the exchange did not cause, and a request body read error all call {@link #abort}.
 * The first one wins: the abort hooks run once (they cancel the upstream), the context is completed once, and the
 * request is logged once. Containers differ in which of these signals they send for a client that left (Jetty throws
 * from {@code write} and may report {@code isReady()} true afterwards; Tomcat throws and reports false; neither
 * tells while no write is pending), which is why every one of them leads here.
 */
public final class Exchange implements WriteListener, AsyncListener {

    /**
     * What a response starts with.
     *
     * @param status the HTTP status
     * @param contentType the content type
     * @param headers further headers
     */
    public record Head(int status, String contentType, Map<String, String> headers) {
        /** Copies {@code headers}. */
        public Head {
            headers = Map.copyOf(headers);
        }
    }

    /**
     * What an event stream's output comes from; called in the drain loop only, so never concurrently. A source signals
     * that it has something with {@link Exchange#signal()}.
     */
    public interface Source {
        /**
         * Appends to {@code encoder} what is ready to be sent (possibly nothing); returns whether that is the end of
         * the answer. Called only when everything filled before has been written.
         */
        boolean fill(SseEncoder encoder);

        /** What the last {@link #fill} appended is written and flushed, and the output is ready for more. */
        void written();
    }

    /** A whole answer. */
    private record Chunk(Head head, byte[] bytes) {}

    /** Why the exchange is aborted: the first signal, and where it came from. */
    private record Abort(String source, Throwable cause) {}

    private enum Step {
        WRITE,
        FLUSH,
        FLUSHED
    }

    private final AsyncContext async;
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final RequestLog log;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Chunk> answer = new AtomicReference<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicReference<Abort> abortCause = new AtomicReference<>();
    private final AtomicBoolean terminated = new AtomicBoolean();
    private volatile boolean inFlight;
    private volatile boolean completionHeld;
    private volatile long lastActivityNanos = System.nanoTime();
    /** When {@code isReady()} last said no, while it still does; 0 when the output is not blocked. */
    private volatile long blockedSinceNanos;

    private volatile Source source;
    private volatile Head sourceHead;

    // Drain loop only.
    private final List<Runnable> abortHooks = new ArrayList<>();
    private SseEncoder encoder;
    private boolean sourceInFlight;
    private boolean sourceLast;
    private Chunk current;
    private Step step;
    private boolean headWritten;
    private boolean lastWritten;
    private boolean aborted;

    private Exchange(AsyncContext async, HttpServletResponse response, ServletOutputStream out, RequestLog log) {
        this.async = async;
        this.response = response;
        this.out = out;
        this.log = log;
    }

    /**
     * Puts {@code request} in asynchronous mode (no container timeout: the servlet's keep-alive comments and the
     * connectors' idle timeouts are the idle policy) and registers the exchange as its write and async listener.
     */
    public static Exchange start(HttpServletRequest request, HttpServletResponse response, RequestLog log)
            throws IOException {
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Exchange exchange = new Exchange(async, response, response.getOutputStream(), log);
        async.addListener(exchange);
        exchange.out.setWriteListener(exchange);
        return exchange;
    }

    // ---- signals, from any thread

    /**
     * Sends the whole answer, {@code head} and {@code bytes} (with their content length), then completes the
     * exchange; it goes before anything the {@link Source} still has. Only the first answer sent counts.
     */
    public void send(Head head, byte[] bytes) {
        answer.compareAndSet(null, new Chunk(head, bytes));
        drain();
    }

    /**
     * Keeps the last chunk from completing the exchange until {@link #releaseCompletion}: the answer is written and
     * flushed, but the container does not close the connection yet (while the rest of a refused body is read).
     */
    public void holdCompletion() {
        completionHeld = true;
    }

    /** Lets the exchange complete once its last chunk is out; see {@link #holdCompletion}. */
    public void releaseCompletion() {
        completionHeld = false;
        drain();
    }

    /**
     * Streams the output of {@code source}, starting with {@code head}: the drain loop fills one buffer from it
     * whenever the previous one is out. Chunks {@link #send sent} meanwhile go first (an error answer, say).
     */
    public void stream(Head head, Source source) {
        this.sourceHead = head;
        this.source = source;
        drain();
    }

    /** Tells the exchange that its {@link Source} may have something to send. */
    public void signal() {
        drain();
    }

    /** Runs {@code task} in the drain loop, before further output, even after the exchange ended. */
    public void execute(Runnable task) {
        tasks.add(task);
        drain();
    }

    /**
     * Runs {@code hook} (in the drain loop) if the exchange is aborted: at once if it already was, never if it
     * completes normally.
     */
    public void onAbort(Runnable hook) {
        execute(() -> {
            if (aborted) {
                hook.run();
            } else if (!terminated.get()) {
                abortHooks.add(hook);
            }
        });
    }

    /**
     * Ends the exchange because of {@code cause} (a client that left, a container error), reported by {@code source};
     * idempotent: the first call wins.
     */
    public void abort(String source, Throwable cause) {
        abortCause.compareAndSet(null, new Abort(source, cause));
        drain();
    }

    /** Whether the exchange has ended, normally or not. */
    public boolean isTerminated() {
        return terminated.get();
    }

    /** Whether nothing has been queued or written for {@code nanos}, and nothing is waiting to be written. */
    public boolean idleFor(long nanos) {
        return !inFlight && answer.get() == null && System.nanoTime() - lastActivityNanos >= nanos;
    }

    /**
     * Whether the output has been blocked for at least {@code nanos}: the container said it cannot take more (the
     * client's TCP window is full) and has not called {@link #onWritePossible} since.
     */
    public boolean writeBlockedFor(long nanos) {
        long since = blockedSinceNanos;
        return since != 0 && !terminated.get() && System.nanoTime() - since >= nanos;
    }

    // ---- container callbacks

    @Override
    public void onWritePossible() {
        drain();
    }

    @Override
    public void onError(Throwable t) {
        abort("WriteListener.onError", t);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (!terminated.get()) {
            abort("AsyncListener.onComplete", new IOException("the request completed before its response was written"));
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        abort("AsyncListener.onTimeout", new IOException("the asynchronous request timed out"));
    }

    @Override
    public void onError(AsyncEvent event) {
        Throwable cause = event.getThrowable();
        abort("AsyncListener.onError", cause != null ? cause : new IOException("the container reported an error"));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Not restarted: nothing to do.
    }

    // ---- the drain loop

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return; // the thread in the loop below goes round again
        }
        int missed = 1;
        do {
            drainOnce();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drainOnce() {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            runGuarded(task);
        }
        if (terminated.get()) {
            return;
        }
        if (abortCause.get() != null) {
            doAbort(abortCause.get());
            return;
        }
        if (lastWritten) {
            if (!completionHeld) {
                finish();
            }
            return;
        }
        String operation = "isReady";
        try {
            while (true) {
                if (current == null && !sourceInFlight && !next()) {
                    inFlight = false;
                    if (abortCause.get() != null) {
                        doAbort(abortCause.get());
                    }
                    return;
                }
                operation = "isReady";
                if (!out.isReady()) {
                    if (blockedSinceNanos == 0) {
                        blockedSinceNanos = blockedNow();
                    }
                    return; // onWritePossible follows
                }
                blockedSinceNanos = 0;
                boolean last = current != null || sourceLast;
                switch (step) {
                    case WRITE -> {
                        if (!headWritten) {
                            writeHead(current != null ? current.head() : sourceHead, current);
                        }
                        operation = "write";
                        if (current != null) {
                            out.write(current.bytes());
                        } else {
                            // The container may keep the array until isReady() is true again; the encoder is
                            // refilled only after that.
                            out.write(encoder.array(), 0, encoder.size());
                        }
                        lastActivityNanos = System.nanoTime();
                        if (last && !completionHeld) {
                            step = Step.FLUSHED; // completing the context flushes the rest
                        } else {
                            step = Step.FLUSH;
                        }
                    }
                    case FLUSH -> {
                        operation = "flush";
                        out.flush();
                        step = Step.FLUSHED;
                    }
                    case FLUSHED -> {
                        current = null;
                        sourceInFlight = false;
                        lastActivityNanos = System.nanoTime();
                        if (last) {
                            if (completionHeld) {
                                lastWritten = true; // releaseCompletion finishes
                                inFlight = false;
                            } else {
                                finish();
                            }
                            return;
                        }
                        runGuarded(source::written);
                        if (abortCause.get() != null) {
                            doAbort(abortCause.get());
                            return;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // A client that left (Tomcat: ClientAbortException; Jetty: EofException, or IllegalStateException on a
            // closed stream).
            abortCause.compareAndSet(null, new Abort(operation, e));
            doAbort(abortCause.get());
        }
    }

    private static long blockedNow() {
        long now = System.nanoTime();
        return now == 0 ? 1 : now; // 0 means "not blocked"
    }

    /** Takes the next output: the answer, else what the source has ready; false when there is none. */
    private boolean next() {
        current = answer.get();
        if (current == null) {
            Source from = source;
            if (from == null) {
                return false;
            }
            if (encoder == null) {
                encoder = new SseEncoder();
            }
            encoder.clear();
            try {
                sourceLast = from.fill(encoder);
            } catch (RuntimeException e) {
                log.internalError(e);
                abortCause.compareAndSet(null, new Abort("the event source", e));
                encoder.clear();
                return false;
            }
            if (encoder.isEmpty() && !sourceLast) {
                // Idle until the next event: Jackson's 8 KB output buffer goes back to its recycler rather than
                // staying with a stream that may be silent for long (thousands of held streams).
                encoder.close();
                return false;
            }
            sourceInFlight = true;
        }
        inFlight = true;
        step = Step.WRITE;
        return true;
    }

    private void writeHead(Head head, Chunk chunk) {
        headWritten = true;
        response.setStatus(head.status());
        response.setContentType(head.contentType());
        head.headers().forEach(response::setHeader);
        if (chunk != null) {
            response.setContentLength(chunk.bytes().length);
        }
        log.status(head.status());
    }

    private void finish() {
        if (!terminated.compareAndSet(false, true)) {
            return;
        }
        inFlight = false;
        abortHooks.clear();
        releaseEncoder();
        completeQuietly();
        log.finished();
    }

    private void doAbort(Abort abort) {
        if (!terminated.compareAndSet(false, true)) {
            return;
        }
        aborted = true;
        inFlight = false;
        current = null;
        sourceInFlight = false;
        for (Runnable hook : abortHooks) {
            runGuarded(hook);
        }
        abortHooks.clear();
        releaseEncoder();
        completeQuietly();
        log.aborted(abort.source(), abort.cause(), headWritten);
    }

    private void releaseEncoder() {
        if (encoder != null) {
            encoder.close(); // Jackson's buffers go back to its pool
            encoder = null;
        }
    }

    private void completeQuietly() {
        try {
            async.complete();
        } catch (RuntimeException e) {
            // Already completed by the container (it reported the error that brought us here).
        }
    }

    private void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // A misbehaving upstream subscription or hook must not stop the drain loop.
            log.internalError(e);
            abortCause.compareAndSet(null, new Abort("the exchange", e));
        }
    }
}
