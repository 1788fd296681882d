package dev.orsgateway.core.internal;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.internal.flow.Demand;
import dev.orsgateway.core.internal.flow.SubscribeOnce;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.spi.ResponseObserver;
import dev.orsgateway.core.spi.ResponseTranscoder;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One response's stream as a single serialized stage: it subscribes to the upstream's chunks, runs the transcoder's
 * {@link ResponseTranscoder.Session} on them, lets a hook act on the terminal event (the gateway stores the response
 * there) and delivers the events to one subscriber with real demand.
 *
 * <p>All work happens in one drain loop guarded by a work-in-progress counter, on whichever thread signals: the
 * upstream's (a chunk arrived), the subscriber's ({@code request}, {@code cancel}) or the hook's (its future
 * completed). No lock is held while calling out, and the session is never called concurrently.
 *
 * <p>Demand: up to {@code prefetch} chunks are requested ahead and replenished in batches of three quarters of it,
 * so the upstream is asked once per batch rather than once per chunk; events are produced from a chunk only when
 * the events of the previous one are delivered. So a stream holds at most {@code prefetch} chunks and the events of
 * one chunk, and a subscriber that stops requesting stops the upstream once the prefetch is used.
 *
 * <p>The terminal event (completed, incomplete or failed) goes to the hook as soon as the session emits it, while
 * the events before it are still being delivered; it is delivered, replaced by what the hook's future yields, only
 * when that future completes. A failure of the upstream before the session emitted anything is passed on as
 * {@code onError}; after it, the session turns it into events. The {@code onTerminate} action runs once, however the
 * stream ends (completed, failed, cancelled); the {@code onError} action runs before an {@code onError} signal.
 */
public final class ResponseStream
        implements Flow.Publisher<ResponseEvent>, Flow.Subscription, Flow.Subscriber<ChatChunk> {

    /** Default number of chunks requested ahead of the transcoder. */
    public static final int DEFAULT_PREFETCH = 32;

    private final ResponseTranscoder.Session session;
    private final Flow.Publisher<ChatChunk> source;
    private final Function<ResponseEvent, CompletableFuture<List<ResponseEvent>>> terminalHook;
    private final Runnable onTerminate;
    private final Consumer<Throwable> onError;
    private final Consumer<Throwable> onUpstreamFailure;
    private final ResponseObserver.Watch watch;
    private final int prefetch;
    private final int replenish;

    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicInteger wip = new AtomicInteger();
    private final Demand demand = new Demand();
    private final Queue<ChatChunk> inbound = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean terminated = new AtomicBoolean();

    private volatile Flow.Subscriber<? super ResponseEvent> downstream;
    private volatile Flow.Subscription upstream;
    private volatile boolean upstreamDone;
    private volatile Throwable upstreamError;
    private volatile boolean cancelled;
    private volatile Throwable badRequest;

    // Drain loop only.
    private final ArrayDeque<ResponseEvent> outbound = new ArrayDeque<>();
    private boolean started;
    private boolean outputSeen;
    private boolean watchEnded;
    private boolean sessionEnded;
    private boolean done;
    private int consumed;
    private CompletableFuture<List<ResponseEvent>> pendingTerminal;

    private ResponseStream(Builder builder) {
        this.session = builder.session;
        this.source = builder.source;
        this.terminalHook = builder.terminalHook;
        this.onTerminate = builder.onTerminate;
        this.onError = builder.onError;
        this.onUpstreamFailure = builder.onUpstreamFailure;
        this.watch = builder.watch;
        this.prefetch = builder.prefetch;
        this.replenish = Math.max(1, builder.prefetch - builder.prefetch / 4);
    }

    /** A builder for the stream of {@code session} over {@code chunks}. */
    public static Builder builder(ResponseTranscoder.Session session, Flow.Publisher<ChatChunk> chunks) {
        return new Builder(session, chunks);
    }

    // ---- Publisher

    @Override
    public void subscribe(Flow.Subscriber<? super ResponseEvent> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            SubscribeOnce.refuse(subscriber, "a response stream");
            return;
        }
        downstream = subscriber;
        drain();
    }

    // ---- Subscription (downstream side)

    @Override
    public void request(long n) {
        try {
            demand.increase(n);
        } catch (IllegalArgumentException e) {
            badRequest = e; // rule 3.9: signalled as onError from the drain loop
        }
        drain();
    }

    @Override
    public void cancel() {
        cancelled = true;
        drain();
    }

    // ---- Subscriber (upstream side)

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        if (upstream != null) {
            subscription.cancel(); // rule 2.5
            return;
        }
        upstream = subscription;
        if (cancelled || terminated.get()) {
            subscription.cancel();
            return;
        }
        subscription.request(prefetch);
    }

    @Override
    public void onNext(ChatChunk chunk) {
        inbound.offer(chunk);
        drain();
    }

    @Override
    public void onError(Throwable throwable) {
        upstreamError = throwable;
        upstreamDone = true;
        drain();
    }

    @Override
    public void onComplete() {
        upstreamDone = true;
        drain();
    }

    // ---- the drain loop

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            try {
                drainOnce();
            } catch (RuntimeException e) {
                fail(e);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drainOnce() {
        if (done) {
            inbound.clear();
            return;
        }
        Flow.Subscriber<? super ResponseEvent> subscriber = downstream;
        if (subscriber == null) {
            return;
        }
        if (!started) {
            started = true;
            subscriber.onSubscribe(this);
            if (!cancelled) {
                source.subscribe(this); // sends the upstream request
            }
        }
        while (true) {
            if (cancelled) {
                // Ended for the gateway (no longer in progress) before the upstream hears of it: whoever sees the
                // upstream call cancelled sees a count that no longer includes it.
                finish();
                cancelUpstream();
                endWatch(null, null);
                return;
            }
            if (badRequest != null) {
                cancelUpstream();
                finish();
                signalError(subscriber, badRequest);
                return;
            }
            if (pendingTerminal != null && outbound.isEmpty()) {
                if (!pendingTerminal.isDone()) {
                    return; // its completion drains again
                }
                outbound.addAll(pendingTerminal.join());
                pendingTerminal = null;
            }
            if (!outbound.isEmpty()) {
                if (!demand.tryDecrement()) {
                    return;
                }
                ResponseEvent event = outbound.poll();
                subscriber.onNext(event);
                if (event.isTerminal()) {
                    endWatch(((ResponseEvent.Lifecycle) event).response(), null);
                    cancelUpstream(); // nothing after the terminal event is read (a no-op once it completed)
                    sessionEnded = true;
                }
                continue;
            }
            if (sessionEnded) {
                if (pendingTerminal == null) {
                    finish();
                    subscriber.onComplete();
                }
                return;
            }
            ChatChunk chunk = inbound.poll();
            if (chunk != null) {
                if (++consumed >= replenish) {
                    consumed = 0;
                    upstream.request(replenish);
                }
                accept(session.onChunk(chunk));
                continue;
            }
            if (!upstreamDone) {
                return; // the next chunk drains again
            }
            Throwable error = upstreamError;
            if (error != null && !session.hasStarted()) {
                if (onUpstreamFailure != null) {
                    onUpstreamFailure.accept(error);
                }
                finish();
                signalError(subscriber, error);
                return;
            }
            List<ResponseEvent> last = error != null ? session.onError(error) : session.onComplete();
            sessionEnded = true;
            accept(last);
        }
    }

    /** Queues a session's events; a terminal one goes to the hook first. */
    private void accept(List<ResponseEvent> events) {
        for (ResponseEvent event : events) {
            if (!outputSeen && event.type().endsWith(".delta")) {
                outputSeen = true;
                watch.firstOutput();
            }
            if (event.isTerminal() && terminalHook != null && pendingTerminal == null) {
                CompletableFuture<List<ResponseEvent>> future = terminalHook.apply(event);
                pendingTerminal = future;
                if (!future.isDone()) {
                    future.whenComplete((result, failure) -> drain());
                }
                sessionEnded = true;
            } else {
                outbound.add(event);
            }
        }
    }

    private void fail(RuntimeException e) {
        if (done) {
            return;
        }
        cancelUpstream();
        finish();
        endWatch(null, e);
        Flow.Subscriber<? super ResponseEvent> subscriber = downstream;
        if (subscriber != null) {
            signalError(subscriber, e);
        }
    }

    private void signalError(Flow.Subscriber<? super ResponseEvent> subscriber, Throwable error) {
        endWatch(null, error);
        if (onError != null) {
            onError.accept(error);
        }
        subscriber.onError(error);
    }

    private void endWatch(dev.orsgateway.core.model.Response response, Throwable error) {
        if (!watchEnded) {
            watchEnded = true;
            watch.end(response, error);
        }
    }

    private void cancelUpstream() {
        Flow.Subscription subscription = upstream;
        if (subscription != null && !upstreamDone) {
            upstreamDone = true;
            subscription.cancel();
        }
    }

    private void finish() {
        done = true;
        outbound.clear();
        inbound.clear();
        if (terminated.compareAndSet(false, true) && onTerminate != null) {
            onTerminate.run();
        }
    }

    /** Builds a {@link ResponseStream}. */
    public static final class Builder {
        private final ResponseTranscoder.Session session;
        private final Flow.Publisher<ChatChunk> source;
        private Function<ResponseEvent, CompletableFuture<List<ResponseEvent>>> terminalHook;
        private Runnable onTerminate;
        private Consumer<Throwable> onError;
        private Consumer<Throwable> onUpstreamFailure;
        private ResponseObserver.Watch watch = ResponseObserver.Watch.NONE;
        private int prefetch = DEFAULT_PREFETCH;

        private Builder(ResponseTranscoder.Session session, Flow.Publisher<ChatChunk> source) {
            this.session = Objects.requireNonNull(session, "session");
            this.source = Objects.requireNonNull(source, "source");
        }

        /**
         * Acts on the terminal event before it is delivered: the events its future yields are delivered in its place
         * (usually the event itself; an {@code error} and {@code response.failed} when storing it failed). The future
         * must not fail.
         */
        public Builder terminalHook(Function<ResponseEvent, CompletableFuture<List<ResponseEvent>>> hook) {
            this.terminalHook = hook;
            return this;
        }

        /** Runs once when the stream ends, in any way. */
        public Builder onTerminate(Runnable action) {
            this.onTerminate = action;
            return this;
        }

        /** Runs before the stream signals {@code onError} to its subscriber (not when it is cancelled). */
        public Builder onError(Consumer<Throwable> action) {
            this.onError = action;
            return this;
        }

        /** Runs when the upstream fails before the session emitted anything (then {@code onError} follows). */
        public Builder onUpstreamFailure(Consumer<Throwable> action) {
            this.onUpstreamFailure = action;
            return this;
        }

        /** Told of the first output and of the end, however the stream ends. */
        public Builder watch(ResponseObserver.Watch watch) {
            this.watch = Objects.requireNonNull(watch, "watch");
            return this;
        }

        /** Chunks requested ahead of the transcoder; {@value #DEFAULT_PREFETCH} by default. */
        public Builder prefetch(int chunks) {
            if (chunks < 1) {
                throw new IllegalArgumentException("prefetch must be at least 1");
            }
            this.prefetch = chunks;
            return this;
        }

        /** The stream. */
        public ResponseStream build() {
            return new ResponseStream(this);
        }
    }
}
