package dev.orsgateway.core.spi;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.orsgateway.core.model.Item;
import java.util.List;

/**
 * One page of a response's input items, in OpenAI's list shape ({@code object: "list"}).
 *
 * @param data the items of this page
 * @param firstId the id of the first item, or null when empty
 * @param lastId the id of the last item, or null when empty
 * @param hasMore whether more items lie beyond this page in the direction of paging (see {@link
 *     ResponseStore#inputItems})
 */
@JsonPropertyOrder({"object", "data", "first_id", "last_id", "has_more"})
public record ItemPage(
        List<Item> data,
        @JsonProperty("first_id") String firstId,
        @JsonProperty("last_id") String lastId,
        @JsonProperty("has_more") boolean hasMore) {
    /** Copies {@code data}. */
    public ItemPage {
        data = List.copyOf(data);
    }

    /** Always {@code list}. */
    @JsonProperty("object")
    public String object() {
        return "list";
    }
}
