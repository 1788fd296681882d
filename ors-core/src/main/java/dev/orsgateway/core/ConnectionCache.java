package dev.orsgateway.core;

import dev.orsgateway.core.internal.ConnectionMemory;
import java.util.Objects;
import java.util.Optional;

/**
 * The connection-local memory of the spec's WebSocket mode: the latest response of one connection, with the whole
 * conversation it ends, so that the next turn on that connection continues from it without the store. That is how
 * {@code store: false} chains continue on a socket. Make one per connection, pass it to every {@link
 * OrsGateway#respond(dev.orsgateway.core.model.CreateResponseRequest, String, ConnectionCache)} of that connection,
 * and to no other: what it holds is never visible elsewhere. Thread-safe.
 *
 * <p>Rules (the spec's, kept by the gateway): a completed or incomplete response becomes the latest; a failed one
 * never does. A continuation that fails in any way (refused, an upstream error, {@code response.failed}) evicts its
 * {@code previous_response_id}, and this cache then refuses that id with {@code previous_response_not_found}, even
 * when the store has it.
 */
public final class ConnectionCache {
    private final ConnectionMemory memory = new ConnectionMemory();

    /** An empty cache, for a new connection. */
    public ConnectionCache() {}

    /** The id of the response a continuation can name without the store, if there is one. */
    public Optional<String> latestResponseId() {
        return memory.latestId();
    }

    /**
     * Evicts {@code responseId} as a failed continuation does. For a transport that refuses a continuation itself,
     * before it reaches the gateway (e.g. a message it cannot read).
     */
    public void evict(String responseId) {
        memory.evict(Objects.requireNonNull(responseId, "responseId"));
    }

    ConnectionMemory memory() {
        return memory;
    }
}
