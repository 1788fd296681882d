package dev.orsgateway.core.internal.flow;

import java.util.concurrent.Flow;

/** The answer of a unicast publisher to a second subscriber: a subscription that does nothing, then {@code onError}. */
public final class SubscribeOnce {
    private SubscribeOnce() {}

    /** Refuses {@code subscriber} (rules 1.9, 2.13), saying that {@code what} can be subscribed once. */
    public static void refuse(Flow.Subscriber<?> subscriber, String what) {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        });
        subscriber.onError(new IllegalStateException(what + " can be subscribed once"));
    }
}
