package dev.orsgateway.core.testing.flow;

import java.util.concurrent.Flow;

/** The subscription handed to a subscriber whose stream is already over when it subscribes (rule 1.9). */
enum NoopSubscription implements Flow.Subscription {
    INSTANCE;

    @Override
    public void request(long n) {
        // Rule 3.6: after the terminal signal, request is a no-op.
    }

    @Override
    public void cancel() {
        // Rule 3.7: after the terminal signal, cancel is a no-op.
    }
}
