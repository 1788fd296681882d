package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.List;
import java.util.Map;

/**
 * The result of a compaction (the spec's {@code CompactResource}): a new, shorter input window, not a response to
 * continue from.
 *
 * @param id its id
 * @param createdAt creation time in Unix seconds
 * @param output the compacted window, usually holding a {@code compaction} item
 * @param usage tokens used
 * @param extra unknown fields, kept
 */
@JsonPropertyOrder({"id", "object", "created_at", "output", "usage"})
public record CompactResponse(
        String id,
        @JsonProperty("created_at") long createdAt,
        List<Item> output,
        Usage usage,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
    /** Copies {@code output} and {@code extra}. */
    public CompactResponse {
        output = Extras.list(output);
        extra = Extras.withoutKey(extra, "object");
    }

    /** Always {@code response.compaction}. */
    @JsonProperty("object")
    public String object() {
        return "response.compaction";
    }
}
