package dev.orsgateway.core.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Router} tries again when an upstream fails before any output reached the client. The first failure
 * moves to the route's next target at once; when every target of the route has failed, the whole list is tried
 * again, up to {@code retries} more times, after a capped, jittered exponential backoff (full jitter:
 * {@code random(0, min(maxBackoff, initialBackoff * 2^(round - 1)))}), and never before an upstream's own
 * {@code Retry-After}. Nothing is tried once {@code deadline} (counted from the first attempt) would pass before the
 * attempt starts; the client then gets the last failure.
 *
 * <p>Only failures a retry can mend are retried: connecting failed, the upstream timed out (the route's first-byte
 * timeout included), 408, 429 and 5xx. Any other error (a 400 for the request, a 401 for the gateway's key) is
 * answered at once. Once the first chunk has been passed on, nothing is retried: a stream that fails after it ends
 * {@code failed}.
 *
 * @param retries how many more times the route's whole target list is tried after the first pass (0: each target
 *     once)
 * @param initialBackoff the cap of the wait before the first retry round
 * @param maxBackoff the cap of any backoff wait (a longer {@code Retry-After} is still honoured, within the deadline)
 * @param deadline how long after the first attempt a new attempt may still start
 */
public record RetryPolicy(int retries, Duration initialBackoff, Duration maxBackoff, Duration deadline) {

    /** Each target once, no waiting: what a single-upstream gateway does. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ofDays(1));

    /** Two retry rounds, backoff from 250 ms up to 8 s, within 60 s: the default of {@link Router.Builder}. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(2, Duration.ofMillis(250), Duration.ofSeconds(8), Duration.ofSeconds(60));

    /** Checks the values. */
    public RetryPolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(deadline, "deadline");
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("a backoff must not be negative");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("the deadline must be positive");
        }
    }

    /** The cap of the backoff before retry round {@code round} (1 for the first retry round). */
    public Duration backoffCap(int round) {
        if (round < 1) {
            return Duration.ZERO;
        }
        long initial = initialBackoff.toNanos();
        long cap = maxBackoff.toNanos();
        int shift = Math.min(round - 1, 30);
        long grown = initial > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : initial << shift;
        return Duration.ofNanos(Math.min(cap, grown));
    }
}
