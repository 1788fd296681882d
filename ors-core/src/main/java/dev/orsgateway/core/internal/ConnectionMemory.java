package dev.orsgateway.core.internal;

import dev.orsgateway.core.spi.ResponseStore;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;

/**
 * The state behind {@link dev.orsgateway.core.ConnectionCache}: the latest continuable response of one connection
 * with the conversation it ends, and the ids evicted by failed continuations. Thread-safe; turns on a connection are
 * sequential, so the lock is never contended in practice.
 */
public final class ConnectionMemory {
    /**
     * How many evicted ids a connection remembers. The spec wants a later continuation from an evicted id on that
     * connection to fail; a client that fails this many continuations on one socket gets the oldest ones back (from
     * the store, if they are stored), which bounds the memory of a misbehaving connection.
     */
    static final int EVICTED_LIMIT = 256;

    /** What a lookup found. */
    public sealed interface Lookup {
        /** The id is the latest response: continue from this. */
        record Found(ResponseStore.Continuation continuation) implements Lookup {}

        /** A failed continuation evicted the id: it must not be continued on this connection. */
        record Evicted() implements Lookup {}

        /** The connection does not know the id: ask the store. */
        record Unknown() implements Lookup {}
    }

    private static final Lookup EVICTED = new Lookup.Evicted();
    private static final Lookup UNKNOWN = new Lookup.Unknown();

    private String latestId;
    private ResponseStore.Continuation latest;
    private final LinkedHashSet<String> evicted = new LinkedHashSet<>();

    /** What this connection knows of response {@code id}. */
    public synchronized Lookup lookup(String id) {
        if (evicted.contains(id)) {
            return EVICTED;
        }
        if (id.equals(latestId)) {
            return new Lookup.Found(latest);
        }
        return UNKNOWN;
    }

    /** Makes response {@code id}, which ends the conversation {@code continuation} holds, the latest. */
    public synchronized void remember(String id, ResponseStore.Continuation continuation) {
        latestId = id;
        latest = continuation;
    }

    /** Forgets response {@code id} and refuses it from now on (the oldest refusals go first, beyond a bound). */
    public synchronized void evict(String id) {
        if (id.equals(latestId)) {
            latestId = null;
            latest = null;
        }
        evicted.remove(id);
        evicted.add(id);
        if (evicted.size() > EVICTED_LIMIT) {
            Iterator<String> oldest = evicted.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** The id of the latest response, if there is one. */
    public synchronized Optional<String> latestId() {
        return Optional.ofNullable(latestId);
    }
}
