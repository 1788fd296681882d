package dev.orsgateway.core.testing.flow;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A publisher driven by the test thread: it records requests and cancellation and emits only what it is told to. */
final class ManualPublisher<T> implements Flow.Publisher<T> {

    private Flow.Subscriber<? super T> subscriber;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger requestCalls = new AtomicInteger();
    private volatile boolean cancelled;

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        if (this.subscriber != null) {
            throw new IllegalStateException("ManualPublisher takes one subscriber");
        }
        this.subscriber = subscriber;
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                requestCalls.incrementAndGet();
                requested.addAndGet(n);
            }

            @Override
            public void cancel() {
                cancelled = true;
            }
        });
    }

    /** Total number of items requested so far. */
    long requested() {
        return requested.get();
    }

    int requestCalls() {
        return requestCalls.get();
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Emits {@code item} whether or not it was requested (tests use this for items in flight at cancellation). */
    void emit(T item) {
        subscriber.onNext(item);
    }

    void complete() {
        subscriber.onComplete();
    }

    void fail(Throwable error) {
        subscriber.onError(error);
    }
}
