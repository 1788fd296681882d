package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * One entry of a streaming chunk's {@code choices}.
 *
 * @param index the choice index ({@code 0} unless {@code n > 1}); {@code null} when absent
 * @param delta the increment; {@code null} when absent
 * @param finishReason {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter},
 *     {@code function_call} or a provider value, on the last chunk of the choice; {@code null} before
 * @param logprobs log probabilities, passed through untyped; {@code null} when absent or JSON {@code null}
 * @param extra unknown fields (e.g. OpenRouter's {@code native_finish_reason}), kept for forwarding
 */
@JsonPropertyOrder({"index", "delta", "finish_reason", "logprobs"})
public record ChunkChoice(
        @JsonProperty("index") Integer index,
        @JsonProperty("delta") ChatDelta delta,
        @JsonProperty("finish_reason") String finishReason,
        @JsonProperty("logprobs") JsonNode logprobs,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /**
     * Copies {@code extra}; a JSON {@code null} {@code logprobs} counts as absent.
     *
     * @param index the choice index ({@code 0} unless {@code n > 1}); {@code null} when absent
     * @param delta the increment; {@code null} when absent
     * @param finishReason {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter},
     *     {@code function_call} or a provider value, on the last chunk of the choice; {@code null} before
     * @param logprobs log probabilities, passed through untyped; {@code null} when absent or JSON {@code null}
     * @param extra unknown fields (e.g. OpenRouter's {@code native_finish_reason}), kept for forwarding
     */
    public ChunkChoice {
        logprobs = Copies.node(logprobs);
        extra = Extras.copy(extra);
    }

    /**
     * A choice without logprobs or unknown fields.
     *
     * @param index the choice index
     * @param delta the increment
     * @param finishReason the finish reason, or {@code null}
     */
    public ChunkChoice(Integer index, ChatDelta delta, String finishReason) {
        this(index, delta, finishReason, null, null);
    }
}
