package dev.orsgateway.core.spi;

import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import java.util.List;

/**
 * What a {@link ResponseStore} keeps of one finished response: the response resource (its output included), the
 * input items sent with it (after {@code instructions}, with ids assigned), the key of the caller who owns it, and
 * the upstream that served it.
 *
 * @param response the terminal response resource
 * @param inputItems the request's own input items, in order, each with an id
 * @param owner the caller's identity (e.g. the hash of its API key), or null when the gateway has no auth
 * @param upstream the name of the router's upstream that served the response, or null when none did (it failed
 *     before any output) or it is not known (stored by an older version)
 */
public record StoredResponse(Response response, List<Item> inputItems, String owner, String upstream) {
    /** Copies {@code inputItems}. */
    public StoredResponse {
        inputItems = List.copyOf(inputItems);
    }

    /** A stored response without a known upstream. */
    public StoredResponse(Response response, List<Item> inputItems, String owner) {
        this(response, inputItems, owner, null);
    }

    /** The response's id. */
    public String id() {
        return response.id();
    }

    /** The id of the response this one continues, or null. */
    public String previousResponseId() {
        return response.previousResponseId();
    }
}
