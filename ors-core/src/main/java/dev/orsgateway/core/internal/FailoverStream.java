package dev.orsgateway.core.internal;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.internal.flow.Demand;
import dev.orsgateway.core.internal.flow.SubscribeOnce;
import dev.orsgateway.core.routing.Target;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunks of a {@link RoutedCall}: attempts its targets one after another until one sends a first chunk, then
 * passes that attempt's signals straight through. An attempt that fails, or sends nothing within the route's
 * first-byte timeout, before its first chunk is abandoned (cancelled) and the retry policy picks the next one; after
 * the first chunk nothing is retried, so no output is ever sent twice.
 *
 * <p>Demand requested before the first chunk is remembered and requested from each new attempt; an abandoned
 * attempt's late signals are dropped. Only one attempt is live at a time, so the subscriber's signals are serial.
 */
final class FailoverStream implements Flow.Publisher<ChatChunk>, Flow.Subscription {
    private static final Logger log = LoggerFactory.getLogger(FailoverStream.class);

    private static final int PENDING = 0;
    private static final int COMMITTED = 1;
    private static final int ABANDONED = 2;

    private final RoutedCall call;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final Object lock = new Object();

    private volatile Flow.Subscriber<? super ChatChunk> downstream;
    private volatile boolean cancelled;
    private volatile Attempt committed;

    // Guarded by lock.
    private long requested;
    private Attempt active;
    private ScheduledFuture<?> pendingStart;

    FailoverStream(RoutedCall call) {
        this.call = call;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            SubscribeOnce.refuse(subscriber, "a routed stream");
            return;
        }
        downstream = subscriber;
        subscriber.onSubscribe(this);
        start(call.first());
    }

    @Override
    public void request(long n) {
        Attempt live = committed;
        if (live != null) {
            live.subscription.request(n); // the attempt's own subscription checks n (rule 3.9)
            return;
        }
        Flow.Subscription forward;
        synchronized (lock) {
            if (n > 0) {
                long sum = requested + n;
                requested = sum < 0 ? Long.MAX_VALUE : sum;
            }
            forward = active == null ? null : active.subscription;
        }
        if (forward != null) {
            forward.request(n);
        } else if (n <= 0) {
            Flow.Subscriber<? super ChatChunk> subscriber = downstream;
            cancel();
            if (subscriber != null) {
                subscriber.onError(new IllegalArgumentException(Demand.nonPositiveRequestMessage(n)));
            }
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        downstream = null; // rule 3.13: a cancelled subscriber is not referenced any more
        Attempt attempt;
        ScheduledFuture<?> waiting;
        synchronized (lock) {
            attempt = active;
            waiting = pendingStart;
        }
        if (waiting != null) {
            waiting.cancel(false);
        }
        if (attempt != null) {
            attempt.cancelUpstream();
        }
    }

    private void start(Target target) {
        if (cancelled) {
            return;
        }
        call.starting(target);
        Attempt attempt = new Attempt(target);
        synchronized (lock) {
            active = attempt;
            pendingStart = null;
        }
        if (call.route().firstByteTimeout() != null) {
            attempt.timer = Timers.schedule(
                    attempt::timedOut, call.route().firstByteTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        try {
            call.upstreamOf(target).stream(call.requestFor(target)).subscribe(attempt);
        } catch (RuntimeException e) {
            attempt.onError(e);
        }
    }

    /** An attempt failed before its first chunk: start the next one, or pass the failure on. */
    private void failed(Attempt attempt, Throwable error) {
        if (cancelled) {
            return;
        }
        RoutedCall.Next next = call.failed(attempt.target, error);
        if (next == null) {
            terminate().ifPresent(subscriber -> subscriber.onError(error));
        } else if (next.delayNanos() == 0) {
            start(next.target());
        } else {
            ScheduledFuture<?> waiting =
                    Timers.schedule(() -> start(next.target()), next.delayNanos(), TimeUnit.NANOSECONDS);
            synchronized (lock) {
                pendingStart = waiting;
            }
            if (cancelled) {
                waiting.cancel(false);
            }
        }
    }

    /** The subscriber, now released: after a terminal signal nothing references it (rules 1.7, 3.13). */
    private Optional<Flow.Subscriber<? super ChatChunk>> terminate() {
        Flow.Subscriber<? super ChatChunk> subscriber = downstream;
        downstream = null;
        return Optional.ofNullable(subscriber);
    }

    /** One attempt at one target. */
    private final class Attempt implements Flow.Subscriber<ChatChunk> {
        final Target target;
        final AtomicInteger state = new AtomicInteger(PENDING);
        volatile Flow.Subscription subscription;
        volatile ScheduledFuture<?> timer;
        private boolean passing; // set by this attempt's signals only, once committed

        Attempt(Target target) {
            this.target = target;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (subscription != null) {
                s.cancel(); // rule 2.5
                return;
            }
            long initial;
            synchronized (lock) {
                subscription = s;
                initial = requested;
            }
            if (cancelled || state.get() == ABANDONED) {
                s.cancel();
                return;
            }
            if (initial > 0) {
                s.request(initial);
            }
        }

        @Override
        public void onNext(ChatChunk chunk) {
            if (!passing) {
                if (!state.compareAndSet(PENDING, COMMITTED)) {
                    return; // abandoned: a late chunk of a timed-out attempt
                }
                commit();
            }
            Flow.Subscriber<? super ChatChunk> subscriber = downstream;
            if (subscriber != null) {
                subscriber.onNext(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (passing) {
                terminate().ifPresent(subscriber -> subscriber.onError(error));
            } else if (state.compareAndSet(PENDING, ABANDONED)) {
                cancelTimer();
                failed(this, RoutedCall.unwrap(error));
            }
        }

        @Override
        public void onComplete() {
            if (!passing) {
                if (!state.compareAndSet(PENDING, COMMITTED)) {
                    return;
                }
                commit(); // an empty stream: the transcoder decides what it means
            }
            terminate().ifPresent(Flow.Subscriber::onComplete);
        }

        private void commit() {
            passing = true;
            cancelTimer();
            committed = this;
            call.succeeded(target);
        }

        void timedOut() {
            try {
                if (state.compareAndSet(PENDING, ABANDONED)) {
                    cancelUpstream();
                    failed(this, call.firstByteTimeout(target));
                }
            } catch (RuntimeException e) {
                log.error("abandoning a stalled upstream attempt failed", e);
            }
        }

        void cancelUpstream() {
            cancelTimer();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        private void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}
