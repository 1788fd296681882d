package dev.orsgateway.core.spi;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.Item;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Persistence of finished responses, so that {@code previous_response_id} can replay a conversation and clients
 * can retrieve, list and delete responses. Implementations are thread-safe.
 *
 * <p>A response is saved once, atomically, when it reaches a terminal state; a store never holds half a response.
 * What a store returns is its own copy: changing a returned object (or one passed to {@link #save}) never changes
 * what is stored. Unknown item types and unknown fields are stored and returned as they came.
 */
public interface ResponseStore {

    /**
     * Saves a finished response with its input items, atomically: after a crash either all of it or nothing is
     * visible. Saving an id that exists replaces nothing and throws {@link IllegalStateException}; so does saving
     * an id that stored responses already continue (a deleted response's id), since that would splice a new
     * response into their chains. A {@code previous_response_id} that names no stored response is accepted (the
     * chain is then broken, see {@link #replay}).
     *
     * @throws IllegalArgumentException when an input item has no id, or the response continues itself
     * @throws IllegalStateException when the id exists or stored responses continue it
     */
    void save(StoredResponse response);

    /**
     * {@link #save} without blocking the caller: the future completes once the response is durable (it can then be
     * found, replayed and continued), or fails with what {@link #save} would throw. The gateway calls this on the
     * thread that carries the stream, so a store that does I/O should override it to do the work elsewhere (e.g. a
     * writer thread that commits many responses per transaction); the default saves on the calling thread.
     */
    default CompletableFuture<Void> saveAsync(StoredResponse response) {
        try {
            save(response);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * What continuing from response {@code id} needs, read together: its owner and status, and the conversation it
     * ends ({@link #replay}'s items). Empty when {@code id} is unknown. A store should answer it in one read (one
     * statement); the default calls {@link #find} then {@link #replay}.
     */
    default Optional<Continuation> continuation(String id) {
        Optional<StoredResponse> head = find(id);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        String owner = head.get().owner();
        String status = head.get().response().status();
        try {
            return Optional.of(new Continuation(owner, status, replay(id).orElse(List.of()), null));
        } catch (BrokenChainException e) {
            return Optional.of(new Continuation(owner, status, List.of(), e.missingId()));
        }
    }

    /**
     * The answer of {@link #continuation}.
     *
     * @param owner the owner of the response continued from
     * @param status its status
     * @param items the conversation it ends, oldest first (empty when the chain is broken)
     * @param missingAncestorId the first missing ancestor met walking back (see {@link BrokenChainException}), or
     *     null when the chain is whole
     */
    public record Continuation(String owner, String status, List<Item> items, String missingAncestorId) {
        /** Copies {@code items}. */
        public Continuation {
            items = List.copyOf(items);
        }
    }

    /** The stored response with this id, if any. */
    Optional<StoredResponse> find(String id);

    /**
     * The conversation that ends with response {@code id}: for each response of its {@code previous_response_id}
     * chain, oldest first and {@code id} itself last, its input items then its output items. Empty when {@code id}
     * is unknown; a chain whose ancestor was deleted (or never stored) fails with {@link BrokenChainException}
     * naming the first missing id met walking back from {@code id}.
     */
    Optional<List<Item>> replay(String id);

    /**
     * One page of response {@code id}'s own input items; empty when {@code id} is unknown. Paging follows OpenAI's
     * {@code GET /responses/{id}/input_items}:
     *
     * <ul>
     *   <li>The list is the input items in the chosen order ({@link PageRequest#ascending()}: oldest first, else
     *       newest first, OpenAI's default).
     *   <li>{@code after} keeps the items strictly after that item in this order, {@code before} those strictly
     *       before it; with both, those strictly between.
     *   <li>The page is the first {@code limit} of the kept items. With {@code before} alone it is the last
     *       {@code limit}, the ones right before the cursor (the previous page), still in the chosen order.
     *   <li>{@link ItemPage#hasMore()} says whether kept items lie beyond the page in the direction of paging:
     *       past its end, or with {@code before} alone, before its start.
     *   <li>A cursor names an item of this response's input by id; should an id repeat, the cursor is its first
     *       occurrence in the chosen order.
     * </ul>
     *
     * @throws OrsException a 400 {@code invalid_request} with {@code param} {@code after} or {@code before} when a
     *     cursor names no input item of this response; an unknown cursor is a client error, not an empty page,
     *     because an empty page would tell the client it had reached the end
     */
    Optional<ItemPage> inputItems(String id, PageRequest page);

    /**
     * Deletes response {@code id} and its items, atomically. Responses that continue it stay, but can no longer be
     * replayed (their chain is broken, {@link BrokenChainException} names {@code id}), and {@code id} cannot be
     * saved again while they exist. Returns whether it existed; deleting an unknown id returns false.
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
