package dev.orsgateway.core.testing.flow;

import dev.orsgateway.core.internal.flow.Demand;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** Small publishers and subscribers: replaying a list, failing at once, and collecting a stream into a list. */
public final class Publishers {

    private Publishers() {}

    /**
     * Returns a publisher that emits the items of {@code items} in order, as demanded, then completes. Each subscriber
     * gets its own iterator, taken when it subscribes, so a list is replayed in full to every subscriber; the iterable
     * must not change while a subscriber iterates it. Signals are delivered on the thread that calls {@code subscribe}
     * or {@code request}. An iterator that throws, or yields {@code null} (rule 2.13), fails the stream with
     * {@code onError}.
     */
    public static <T> Flow.Publisher<T> fromIterable(Iterable<? extends T> items) {
        Objects.requireNonNull(items, "items");
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
            new IterableSubscription<T>(items, subscriber).start();
        };
    }

    /** Returns a publisher that signals {@code onSubscribe} and then {@code onError(error)} to every subscriber. */
    public static <T> Flow.Publisher<T> failed(Throwable error) {
        Objects.requireNonNull(error, "error");
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
            try {
                subscriber.onSubscribe(NoopSubscription.INSTANCE); // rule 1.9: onSubscribe comes first
            } catch (Throwable e) {
                return; // rule 2.13 violation by the subscriber; subscribe still returns normally (rule 1.9)
            }
            Signals.error(subscriber, error);
        };
    }

    /**
     * Subscribes to {@code publisher}, requests everything ({@code Long.MAX_VALUE}, rule 3.17), and completes the
     * returned future with the items in order when the stream completes, or exceptionally when it fails.
     */
    public static <T> CompletableFuture<List<T>> collect(Flow.Publisher<? extends T> publisher) {
        CollectingSubscriber<T> subscriber = new CollectingSubscriber<>();
        publisher.subscribe(subscriber);
        return subscriber.result;
    }

    /** One subscriber's walk over an iterable, serialized by a drain loop. */
    private static final class IterableSubscription<T> implements Flow.Subscription {
        private final Iterable<? extends T> items;
        private final SerialDrain drain = new SerialDrain(this::drainLoop);
        private final Demand demand = new Demand();
        private final AtomicReference<IllegalArgumentException> badRequest = new AtomicReference<>();
        private volatile boolean cancelled;

        // Drain loop only (SerialDrain orders the runs; the first run happens on the subscribing thread).
        private Flow.Subscriber<? super T> subscriber; // cleared when done (rule 3.13)
        private Iterator<? extends T> iterator;

        IterableSubscription(Iterable<? extends T> items, Flow.Subscriber<? super T> subscriber) {
            this.items = items;
            this.subscriber = subscriber;
        }

        void start() {
            drain.run();
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                // Rule 3.9: signal onError(IllegalArgumentException).
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

        private void drainLoop() {
            Flow.Subscriber<? super T> s = subscriber;
            if (s == null) {
                return; // done
            }
            if (iterator == null) {
                try {
                    s.onSubscribe(this); // rule 1.9: first signal
                } catch (Throwable e) {
                    subscriber = null; // rule 2.13: a throwing subscriber; treat the subscription as cancelled
                    return;
                }
                try {
                    iterator = items.iterator();
                } catch (Throwable e) {
                    subscriber = null;
                    Signals.error(s, e);
                    return;
                }
            }
            while (true) {
                if (cancelled) {
                    subscriber = null; // rules 3.12 and 3.13
                    return;
                }
                IllegalArgumentException bad = badRequest.get();
                if (bad != null) {
                    subscriber = null;
                    Signals.error(s, bad); // rule 3.9
                    return;
                }
                T item;
                try {
                    if (!iterator.hasNext()) {
                        subscriber = null;
                        Signals.complete(s); // completion needs no demand (rule 1.5)
                        return;
                    }
                    if (!demand.tryDecrement()) {
                        return; // rule 1.1
                    }
                    item = Objects.requireNonNull(iterator.next(), "iterable yielded null"); // rule 2.13
                } catch (Throwable e) {
                    subscriber = null;
                    Signals.error(s, e); // rule 1.4: a failing source ends the stream with onError
                    return;
                }
                try {
                    s.onNext(item);
                } catch (Throwable e) {
                    subscriber = null; // rule 2.13: a throwing subscriber; treat the subscription as cancelled
                    return;
                }
            }
        }
    }

    private static final class CollectingSubscriber<T> implements Flow.Subscriber<T> {
        final CompletableFuture<List<T>> result = new CompletableFuture<>();
        private final AtomicBoolean subscribed = new AtomicBoolean();
        private final List<T> items = new ArrayList<>(); // signals are serialized and ordered (rule 1.3)

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            Objects.requireNonNull(subscription, "subscription"); // rule 2.13
            if (!subscribed.compareAndSet(false, true)) {
                subscription.cancel(); // rule 2.5
                return;
            }
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(T item) {
            items.add(Objects.requireNonNull(item, "item")); // rule 2.13
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(Objects.requireNonNull(throwable, "throwable")); // rule 2.13
        }

        @Override
        public void onComplete() {
            result.complete(List.copyOf(items));
        }
    }
}
