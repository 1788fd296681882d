package dev.orsgateway.core.spi;

import dev.orsgateway.core.model.Item;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of finished responses, so that {@code previous_response_id} can replay a conversation and clients
 * can retrieve, list and delete responses. Implementations are thread-safe.
 *
 * <p>A response is saved once, atomically, when it reaches a terminal state; a store never holds half a response.
 */
public interface ResponseStore {

    /**
     * Saves a finished response with its input items, atomically: after a crash either all of it or nothing is
     * visible. Saving an id that exists replaces nothing and throws {@link IllegalStateException}.
     */
    void save(StoredResponse response);

    /** The stored response with this id, if any. */
    Optional<StoredResponse> find(String id);

    /**
     * The conversation that ends with response {@code id}: for each response of its {@code previous_response_id}
     * chain, oldest first, its input items then its output items. Empty when {@code id} is unknown; a chain whose
     * ancestor was deleted fails with {@link BrokenChainException}.
     */
    Optional<List<Item>> replay(String id);

    /** One page of response {@code id}'s own input items; empty when {@code id} is unknown. */
    Optional<ItemPage> inputItems(String id, PageRequest page);

    /**
     * Deletes response {@code id} and its items. Responses that continue it stay, but can no longer be replayed
     * (their chain is broken). Returns whether it existed.
     */
    boolean delete(String id);

    /** Thrown by {@link #replay} when an ancestor in the chain no longer exists. */
    final class BrokenChainException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String missingId;

        /** The chain is broken at {@code missingId}. */
        public BrokenChainException(String missingId) {
            super("response " + missingId + " in the previous_response_id chain no longer exists");
            this.missingId = missingId;
        }

        /** The id of the missing ancestor. */
        public String missingId() {
            return missingId;
        }
    }
}
