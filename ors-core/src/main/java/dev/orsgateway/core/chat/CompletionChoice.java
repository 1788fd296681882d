package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * One entry of a non-streaming completion's {@code choices}.
 *
 * @param index the choice index; {@code null} when absent
 * @param message the generated assistant message; {@code null} when absent
 * @param finishReason {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter},
 *     {@code function_call} or a provider value; {@code null} when absent
 * @param logprobs log probabilities, passed through untyped; {@code null} when absent or JSON {@code null}
 * @param extra unknown fields, kept for forwarding
 */
@JsonPropertyOrder({"index", "message", "finish_reason", "logprobs"})
public record CompletionChoice(
        @JsonProperty("index") Integer index,
        @JsonProperty("message") ChatMessage.AssistantMessage message,
        @JsonProperty("finish_reason") String finishReason,
        @JsonProperty("logprobs") JsonNode logprobs,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /**
     * Copies {@code extra}; a JSON {@code null} {@code logprobs} counts as absent.
     *
     * @param index the choice index; {@code null} when absent
     * @param message the generated assistant message; {@code null} when absent
     * @param finishReason {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter},
     *     {@code function_call} or a provider value; {@code null} when absent
     * @param logprobs log probabilities, passed through untyped; {@code null} when absent or JSON {@code null}
     * @param extra unknown fields, kept for forwarding
     */
    public CompletionChoice {
        logprobs = Copies.node(logprobs);
        extra = Extras.copy(extra);
    }

    /**
     * A choice without logprobs or unknown fields.
     *
     * @param index the choice index
     * @param message the assistant message
     * @param finishReason the finish reason
     */
    public CompletionChoice(Integer index, ChatMessage.AssistantMessage message, String finishReason) {
        this(index, message, finishReason, null, null);
    }
}
