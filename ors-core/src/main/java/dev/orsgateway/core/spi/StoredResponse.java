package dev.orsgateway.core.spi;

import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import java.util.List;

/**
 * What a {@link ResponseStore} keeps of one finished response: the response resource (its output included), the
 * input items sent with it (after {@code instructions}, with ids assigned), and the key of the caller who owns it.
 *
 * @param response the terminal response resource
 * @param inputItems the request's own input items, in order, each with an id
 * @param owner the caller's identity (e.g. the hash of its API key), or null when the gateway has no auth
 */
public record StoredResponse(Response response, List<Item> inputItems, String owner) {
    /** Copies {@code inputItems}. */
    public StoredResponse {
        inputItems = List.copyOf(inputItems);
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
