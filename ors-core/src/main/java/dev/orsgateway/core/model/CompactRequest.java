package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.orsgateway.core.internal.Extras;
import dev.orsgateway.core.model.internal.InputDeserializer;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/responses/compact} (the spec's {@code CompactResponseMethodPublicBody}): a context
 * window to compact into a shorter one.
 *
 * @param model the model (required by the spec)
 * @param input the items to compact; a string is one user message
 * @param previousResponseId a response whose chain comes before {@code input}, or null
 * @param instructions instructions for this call only, or null
 * @param promptCacheKey a prompt cache key, or null
 * @param extra unknown fields, kept
 */
public record CompactRequest(
        String model,
        @JsonDeserialize(using = InputDeserializer.class) List<Item> input,
        @JsonProperty("previous_response_id") String previousResponseId,
        String instructions,
        @JsonProperty("prompt_cache_key") String promptCacheKey,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
    /** Copies {@code input} and {@code extra}. */
    public CompactRequest {
        input = input == null ? null : List.copyOf(input);
        extra = Extras.copy(extra);
    }
}
