package dev.orsgateway.core.testing.flow;

import java.util.stream.IntStream;

/** Settings shared by the Reactive Streams TCK classes. */
final class TckSupport {

    /** Generous: the build machines are noisy 2-core boxes. */
    static final long DEFAULT_TIMEOUT_MILLIS = 500;

    /**
     * The sources are lazy ranges, so even the rule 3.17 test that asks for {@code Integer.MAX_VALUE} elements runs (it
     * cancels after a few); no test drains a publisher of this size.
     */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    private TckSupport() {}

    /** The integers {@code 0 .. elements - 1}, generated as iterated. */
    static Iterable<Integer> range(long elements) {
        return () -> IntStream.range(0, Math.toIntExact(elements)).iterator();
    }
}
