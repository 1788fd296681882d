package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import dev.orsgateway.core.json.OrsJson;
import java.util.Map;
import java.util.Optional;

/**
 * Token usage of a completion. Every count is nullable because providers report different subsets; extra counters
 * (DeepSeek's {@code prompt_cache_hit_tokens}, Groq's timings, OpenRouter's {@code cost}) stay in {@code extra}.
 *
 * @param promptTokens tokens in the prompt; {@code null} when absent
 * @param completionTokens tokens generated, reasoning included; {@code null} when absent
 * @param totalTokens prompt plus completion tokens; {@code null} when absent
 * @param promptTokensDetails the prompt breakdown; {@code null} when absent
 * @param completionTokensDetails the completion breakdown; {@code null} when absent
 * @param extra unknown fields, kept for forwarding
 */
@JsonPropertyOrder({
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "prompt_tokens_details",
    "completion_tokens_details"
})
public record ChatUsage(
        @JsonProperty("prompt_tokens") Integer promptTokens,
        @JsonProperty("completion_tokens") Integer completionTokens,
        @JsonProperty("total_tokens") Integer totalTokens,
        @JsonProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails,
        @JsonProperty("completion_tokens_details") CompletionTokensDetails completionTokensDetails,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /**
     * Copies {@code extra}.
     *
     * @param promptTokens tokens in the prompt; {@code null} when absent
     * @param completionTokens tokens generated, reasoning included; {@code null} when absent
     * @param totalTokens prompt plus completion tokens; {@code null} when absent
     * @param promptTokensDetails the prompt breakdown; {@code null} when absent
     * @param completionTokensDetails the completion breakdown; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    public ChatUsage {
        extra = Extras.copy(extra);
    }

    /**
     * Usage with only the three totals.
     *
     * @param promptTokens tokens in the prompt
     * @param completionTokens tokens generated
     * @param totalTokens the sum
     */
    public ChatUsage(Integer promptTokens, Integer completionTokens, Integer totalTokens) {
        this(promptTokens, completionTokens, totalTokens, null, null, null);
    }

    /**
     * The cached prompt tokens, if reported.
     *
     * @return {@code prompt_tokens_details.cached_tokens}, or {@code null}
     */
    public Integer cachedTokens() {
        return promptTokensDetails == null ? null : promptTokensDetails.cachedTokens();
    }

    /**
     * The reasoning tokens, if reported.
     *
     * @return {@code completion_tokens_details.reasoning_tokens}, or {@code null}
     */
    public Integer reasoningTokens() {
        return completionTokensDetails == null ? null : completionTokensDetails.reasoningTokens();
    }

    /**
     * The {@code prompt_tokens_details} object.
     *
     * @param cachedTokens prompt tokens served from the provider's cache; {@code null} when absent
     * @param audioTokens audio input tokens; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    public record PromptTokensDetails(
            @JsonProperty("cached_tokens") Integer cachedTokens,
            @JsonProperty("audio_tokens") Integer audioTokens,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}.
         *
         * @param cachedTokens prompt tokens served from the provider's cache; {@code null} when absent
         * @param audioTokens audio input tokens; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public PromptTokensDetails {
            extra = Extras.copy(extra);
        }

        /**
         * Prompt details without unknown fields.
         *
         * @param cachedTokens cached prompt tokens, or {@code null}
         * @param audioTokens audio input tokens, or {@code null}
         */
        public PromptTokensDetails(Integer cachedTokens, Integer audioTokens) {
            this(cachedTokens, audioTokens, null);
        }
    }

    /**
     * The {@code completion_tokens_details} object.
     *
     * @param reasoningTokens tokens spent on reasoning; {@code null} when absent
     * @param audioTokens audio output tokens; {@code null} when absent
     * @param acceptedPredictionTokens predicted-output tokens that appeared in the completion; {@code null} when
     *     absent
     * @param rejectedPredictionTokens predicted-output tokens that did not; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    @JsonPropertyOrder({"reasoning_tokens", "audio_tokens", "accepted_prediction_tokens", "rejected_prediction_tokens"})
    public record CompletionTokensDetails(
            @JsonProperty("reasoning_tokens") Integer reasoningTokens,
            @JsonProperty("audio_tokens") Integer audioTokens,
            @JsonProperty("accepted_prediction_tokens") Integer acceptedPredictionTokens,
            @JsonProperty("rejected_prediction_tokens") Integer rejectedPredictionTokens,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}.
         *
         * @param reasoningTokens tokens spent on reasoning; {@code null} when absent
         * @param audioTokens audio output tokens; {@code null} when absent
         * @param acceptedPredictionTokens predicted-output tokens that appeared in the completion; {@code null} when
         *     absent
         * @param rejectedPredictionTokens predicted-output tokens that did not; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public CompletionTokensDetails {
            extra = Extras.copy(extra);
        }

        /**
         * Completion details without unknown fields.
         *
         * @param reasoningTokens reasoning tokens, or {@code null}
         * @param audioTokens audio output tokens, or {@code null}
         * @param acceptedPredictionTokens accepted prediction tokens, or {@code null}
         * @param rejectedPredictionTokens rejected prediction tokens, or {@code null}
         */
        public CompletionTokensDetails(
                Integer reasoningTokens,
                Integer audioTokens,
                Integer acceptedPredictionTokens,
                Integer rejectedPredictionTokens) {
            this(reasoningTokens, audioTokens, acceptedPredictionTokens, rejectedPredictionTokens, null);
        }
    }

    /**
     * The standard {@code usage}, else Groq's {@code x_groq.usage} (Groq reports streaming usage there instead of at
     * the top level).
     */
    static Optional<ChatUsage> find(ChatUsage usage, Map<String, JsonNode> extra) {
        if (usage != null) {
            return Optional.of(usage);
        }
        JsonNode groq = extra.get("x_groq");
        return read(groq == null ? null : groq.get("usage"));
    }

    /** The usage in a choice's unknown fields, where Moonshot puts it in its last chunk. */
    static Optional<ChatUsage> inChoice(Map<String, JsonNode> choiceExtra) {
        return read(choiceExtra.get("usage"));
    }

    private static Optional<ChatUsage> read(JsonNode nested) {
        if (nested == null || !nested.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OrsJson.mapper().treeToValue(nested, ChatUsage.class));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // A malformed vendor object means "no usage", not a failed stream.
            return Optional.empty();
        }
    }
}
