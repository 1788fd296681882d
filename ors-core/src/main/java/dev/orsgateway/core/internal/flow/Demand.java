package dev.orsgateway.core.internal.flow;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Outstanding demand of one subscription: the number of {@code onNext} signals a subscriber has requested and not yet
 * received. Thread safe; lock free.
 */
public final class Demand {

    private final AtomicLong value = new AtomicLong();

    /**
     * Adds {@code n} to the demand, saturating at {@link Long#MAX_VALUE} (rule 3.17).
     *
     * @return whether the demand was zero before this call
     * @throws IllegalArgumentException if {@code n <= 0}; the caller must report this as {@code onError} (rule 3.9)
     */
    public boolean increase(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException(nonPositiveRequestMessage(n));
        }
        long previous = value.getAndAccumulate(n, (current, add) -> {
            long sum = current + add;
            return sum < 0 ? Long.MAX_VALUE : sum;
        });
        return previous == 0;
    }

    /** Takes one unit of demand if there is any; returns whether it did. */
    public boolean tryDecrement() {
        while (true) {
            long current = value.get();
            if (current == 0) {
                return false;
            }
            if (value.compareAndSet(current, current - 1)) {
                return true;
            }
        }
    }

    /** Returns whether no demand is outstanding. */
    public boolean isFulfilled() {
        return value.get() == 0;
    }

    /** Returns the outstanding demand. */
    public long get() {
        return value.get();
    }

    @Override
    public String toString() {
        return "Demand[" + value.get() + "]";
    }

    /** The message of the {@link IllegalArgumentException} signalled for {@code request(n)} with {@code n <= 0}. */
    public static String nonPositiveRequestMessage(long n) {
        return "Rule 3.9: request(n) needs n > 0, got " + n;
    }
}
