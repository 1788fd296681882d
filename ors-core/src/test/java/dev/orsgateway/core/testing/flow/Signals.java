package dev.orsgateway.core.testing.flow;

import java.util.concurrent.Flow;

/** Terminal signals that survive a subscriber throwing from them (a rule 2.13 violation): the stream is over anyway. */
final class Signals {

    private Signals() {}

    static void error(Flow.Subscriber<?> subscriber, Throwable error) {
        try {
            subscriber.onError(error);
        } catch (Throwable ignored) {
            // Rule 2.13 violation by the subscriber; nothing is left to tell it.
        }
    }

    static void complete(Flow.Subscriber<?> subscriber) {
        try {
            subscriber.onComplete();
        } catch (Throwable ignored) {
            // Rule 2.13 violation by the subscriber; nothing is left to tell it.
        }
    }
}
