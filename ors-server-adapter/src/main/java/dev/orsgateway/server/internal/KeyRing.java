package dev.orsgateway.server.internal;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The servlet's API keys, replaceable while it serves (key rotation): requests read the current set once, a
 * replacement carries over the state of the keys it keeps (see {@link ApiKeys#of(List, ApiKeys, LongSupplier)}).
 */
public final class KeyRing {
    private final LongSupplier clock;
    private volatile ApiKeys current;

    /** A ring holding {@code specs}, measuring limits by {@code clock} (nanoseconds). */
    public KeyRing(List<ApiKeys.Spec> specs, LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.current = ApiKeys.of(specs, ApiKeys.NONE, clock);
    }

    /** The keys now. */
    public ApiKeys current() {
        return current;
    }

    /** Replaces the keys with {@code specs} (at least one: an empty set would turn authentication off). */
    public synchronized void replace(List<ApiKeys.Spec> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException(
                    "the new key set is empty; keys are kept (no key would turn" + " authentication off)");
        }
        current = ApiKeys.of(specs, current, clock);
    }

    /** Whether {@code key} is still one of the current keys (a connection opened with it may go on). */
    public boolean holds(ApiKeys.Key key) {
        return key == null || current.holds(key);
    }
}
