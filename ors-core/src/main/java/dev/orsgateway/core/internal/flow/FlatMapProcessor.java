package dev.orsgateway.core.internal.flow;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A 1:N {@link Flow.Processor}: each upstream item goes through a synchronous {@link Stage} that turns it into zero or
 * more outputs, and upstream termination can add final outputs.
 *
 * <p>Backpressure: upstream is asked for one item at a time ({@code request(1)}), and only when every output of the
 * previous item has been delivered and the downstream subscriber still has demand. So at most the outputs of one
 * upstream item are buffered.
 *
 * <p>Unicast: the first subscriber is served, later ones get {@code onSubscribe} followed by {@code onError} with an
 * {@link IllegalStateException} (rule 1.9). Upstream and downstream may subscribe in either order; outputs of an upstream
 * that terminated before anyone subscribed downstream are kept for the subscriber.
 *
 * <p>All signals, in both directions, go through one serialized drain loop; no lock is held while calling out, and the
 * stage is never called concurrently.
 *
 * @param <T> upstream item type
 * @param <R> downstream item type
 */
public final class FlatMapProcessor<T, R> implements Flow.Processor<T, R> {

    /**
     * The synchronous step a {@link FlatMapProcessor} runs. Calls are serialized (never concurrent), happen in
     * upstream signal order, and come only once every earlier output has been delivered. A returned list must not
     * contain {@code null}. If a method throws (or returns {@code null} elements), the processor cancels upstream if
     * it is still live and signals the exception downstream with {@code onError}, exactly once.
     *
     * @param <T> upstream item type
     * @param <R> output type
     */
    @FunctionalInterface
    public interface Stage<T, R> {

        /** Returns the outputs for one upstream item; may be empty. */
        List<R> onNext(T item);

        /**
         * Returns the outputs to emit after upstream completed; the processor then completes downstream. By default
         * none.
         */
        default List<R> onComplete() {
            return List.of();
        }

        /**
         * Returns the outputs to emit after upstream failed; after them the processor completes downstream
         * <em>normally</em>, since the stage has turned the failure into data. To fail downstream instead, throw. By
         * default the failure passes through: downstream gets {@code onError(error)} with this very throwable.
         */
        default List<R> onError(Throwable error) {
            throw new PassThrough(error);
        }
    }

    /** Thrown by the default {@link Stage#onError}; the processor signals its cause, unwrapped. */
    private static final class PassThrough extends RuntimeException {
        PassThrough(Throwable error) {
            super(null, error, false, false);
        }
    }

    /** Marks the upstream slot once this processor is done: a subscription arriving later is cancelled at once. */
    private static final Flow.Subscription CANCELLED = new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    };

    private final Stage<T, R> stage;
    private final SerialDrain drain = new SerialDrain(this::drainLoop);
    private final Flow.Subscription downstreamSubscription = new DownstreamSubscription();
    private final Demand demand = new Demand();

    // Written by signals from either side, read by the drain loop.
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private volatile Flow.Subscriber<? super R> downstream; // cleared when done (rule 3.13)
    private final AtomicReference<Flow.Subscription> upstream = new AtomicReference<>();
    private final Queue<T> inbox = new ConcurrentLinkedQueue<>();
    private volatile Throwable upstreamError;
    private volatile boolean upstreamDone; // written after upstreamError and after the last inbox offer
    private volatile boolean cancelled;
    private final AtomicReference<IllegalArgumentException> badRequest = new AtomicReference<>();

    // Touched only inside the drain loop, which SerialDrain serializes and orders (happens-before between runs).
    private final ArrayDeque<R> buffer = new ArrayDeque<>();
    private boolean downstreamSubscribed;
    private boolean upstreamRequested; // a request(1) is outstanding
    private boolean stageTerminated; // stage.onComplete or stage.onError has been called
    private boolean done;

    /** Creates a processor running {@code stage}; subscribe it to an upstream publisher and subscribe a downstream. */
    public FlatMapProcessor(Stage<T, R> stage) {
        this.stage = Objects.requireNonNull(stage, "stage");
    }

    // ---- Publisher side ----

    @Override
    public void subscribe(Flow.Subscriber<? super R> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
        if (!subscribed.compareAndSet(false, true)) {
            // Unicast. Rule 1.9: even a rejected subscriber gets onSubscribe before onError.
            try {
                subscriber.onSubscribe(NoopSubscription.INSTANCE);
            } catch (Throwable e) {
                return; // rule 2.13 violation by the subscriber; rule 1.9 says subscribe returns normally
            }
            Signals.error(subscriber, new IllegalStateException("FlatMapProcessor supports only one subscriber"));
            return;
        }
        downstream = subscriber;
        drain.run(); // onSubscribe is signalled from the drain loop, so it precedes every other signal (rule 1.3)
    }

    private final class DownstreamSubscription implements Flow.Subscription {
        @Override
        public void request(long n) {
            if (n <= 0) {
                // Rule 3.9: signal onError(IllegalArgumentException); the drain loop also cancels upstream.
                badRequest.compareAndSet(null, new IllegalArgumentException(Demand.nonPositiveRequestMessage(n)));
            } else {
                demand.increase(n); // saturates at Long.MAX_VALUE (rule 3.17)
            }
            drain.run(); // re-entrant calls from onNext return at once (rule 3.3)
        }

        @Override
        public void cancel() {
            cancelled = true; // idempotent (rule 3.7); later requests are no-ops (rule 3.6)
            drain.run();
        }
    }

    // ---- Subscriber side ----

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription"); // rule 2.13
        if (!upstream.compareAndSet(null, subscription)) {
            // Rule 2.5: a second onSubscribe is cancelled; so is a first one arriving after this processor is done.
            subscription.cancel();
            return;
        }
        drain.run();
    }

    @Override
    public void onNext(T item) {
        Objects.requireNonNull(item, "item"); // rule 2.13
        inbox.offer(item);
        drain.run();
    }

    @Override
    public void onError(Throwable throwable) {
        Objects.requireNonNull(throwable, "throwable"); // rule 2.13
        upstreamError = throwable;
        upstreamDone = true;
        drain.run();
    }

    @Override
    public void onComplete() {
        upstreamDone = true;
        drain.run();
    }

    // ---- The drain loop ----

    private void drainLoop() {
        if (done) {
            inbox.clear(); // items an upstream had in flight when we cancelled it (rule 3.12 allows them)
            return;
        }
        Flow.Subscriber<? super R> subscriber = downstream;
        if (subscriber == null) {
            return; // upstream signals wait in the inbox until someone subscribes
        }
        if (!downstreamSubscribed) {
            downstreamSubscribed = true;
            try {
                subscriber.onSubscribe(downstreamSubscription);
            } catch (Throwable e) {
                terminate(); // rule 2.13: a throwing subscriber; treat its subscription as cancelled
                return;
            }
        }
        while (true) {
            if (cancelled) {
                terminate(); // rule 3.12: cancel upstream; rule 3.13: drop the subscriber
                return;
            }
            IllegalArgumentException bad = badRequest.get();
            if (bad != null) {
                terminate();
                Signals.error(subscriber, bad); // rule 3.9
                return;
            }
            R next = buffer.peek();
            if (next != null) {
                if (!demand.tryDecrement()) {
                    return; // rule 1.1: never more onNext than requested
                }
                buffer.poll();
                if (!signalNext(subscriber, next)) {
                    return;
                }
                continue;
            }
            // Nothing buffered. Read the terminal flag before polling: upstream offers its last item before setting
            // it (rule 1.3 orders upstream signals), so a set flag plus an empty inbox means no item is missing.
            boolean upstreamTerminated = upstreamDone;
            T item = inbox.poll();
            if (item != null) {
                upstreamRequested = false;
                if (!expand(subscriber, () -> stage.onNext(item))) {
                    return;
                }
                continue;
            }
            if (upstreamTerminated) {
                if (!stageTerminated) {
                    stageTerminated = true;
                    Throwable error = upstreamError;
                    Supplier<List<R>> outputs = error == null ? stage::onComplete : () -> stage.onError(error);
                    if (!expand(subscriber, outputs)) {
                        return;
                    }
                    continue;
                }
                // The terminal signal comes only once every buffered output has been delivered.
                terminate();
                Signals.complete(subscriber);
                return;
            }
            if (!upstreamRequested && !demand.isFulfilled() && !upstreamDone) {
                Flow.Subscription subscription = upstream.get();
                if (subscription != null && subscription != CANCELLED) {
                    upstreamRequested = true;
                    try {
                        subscription.request(1); // a synchronous upstream re-enters onNext; drain.run() returns at once
                    } catch (Throwable e) {
                        terminate(); // rule 3.16 violation by upstream
                        Signals.error(subscriber, e);
                        return;
                    }
                }
            }
            return;
        }
    }

    /** Runs one stage call and buffers its outputs; on failure ends the stream with onError and returns false. */
    private boolean expand(Flow.Subscriber<? super R> subscriber, Supplier<List<R>> call) {
        try {
            for (R output : call.get()) {
                buffer.add(Objects.requireNonNull(output, "stage returned a null output")); // rule 2.13
            }
            return true;
        } catch (Throwable e) {
            terminate(); // cancels upstream if it is still live
            Signals.error(subscriber, e instanceof PassThrough ? e.getCause() : e);
            return false;
        }
    }

    /** Marks this processor done, cancels a live upstream, and drops buffers and the subscriber (rule 3.13). */
    private void terminate() {
        done = true;
        downstream = null;
        buffer.clear();
        inbox.clear();
        Flow.Subscription subscription = upstream.getAndSet(CANCELLED);
        if (subscription != null && subscription != CANCELLED && !upstreamDone) {
            try {
                subscription.cancel();
            } catch (Throwable e) {
                // Rule 3.15 violation by upstream; nothing more to do.
            }
        }
    }

    private boolean signalNext(Flow.Subscriber<? super R> subscriber, R item) {
        try {
            subscriber.onNext(item);
            return true;
        } catch (Throwable e) {
            terminate(); // rule 2.13: a throwing subscriber; treat its subscription as cancelled
            return false;
        }
    }
}
