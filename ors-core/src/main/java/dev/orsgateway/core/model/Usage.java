package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Token counts of a response. Every field is required by the spec when usage is present.
 *
 * @param inputTokens tokens in the input
 * @param outputTokens tokens generated
 * @param totalTokens their sum
 * @param inputTokensDetails details of the input tokens
 * @param outputTokensDetails details of the output tokens
 */
public record Usage(
        @JsonProperty("input_tokens") int inputTokens,
        @JsonProperty("output_tokens") int outputTokens,
        @JsonProperty("total_tokens") int totalTokens,
        @JsonProperty("input_tokens_details") InputTokensDetails inputTokensDetails,
        @JsonProperty("output_tokens_details") OutputTokensDetails outputTokensDetails) {

    /** Fills missing details with zeros. */
    public Usage {
        inputTokensDetails = inputTokensDetails == null ? new InputTokensDetails(0, 0) : inputTokensDetails;
        outputTokensDetails = outputTokensDetails == null ? new OutputTokensDetails(0) : outputTokensDetails;
    }

    /** Usage with the given counts and zero cached and reasoning tokens. */
    public static Usage of(int inputTokens, int outputTokens) {
        return new Usage(inputTokens, outputTokens, inputTokens + outputTokens, null, null);
    }

    /**
     * Details of the input tokens.
     *
     * @param cachedTokens tokens served from the provider's prompt cache
     * @param cacheWriteTokens tokens written to it, or null; not in the spec, but strict OpenAI clients require
     *     the key, so responses the gateway makes carry it
     */
    public record InputTokensDetails(
            @JsonProperty("cached_tokens") int cachedTokens,
            @JsonProperty("cache_write_tokens") Integer cacheWriteTokens) {}

    /**
     * Details of the output tokens.
     *
     * @param reasoningTokens tokens spent on reasoning
     */
    public record OutputTokensDetails(
            @JsonProperty("reasoning_tokens") int reasoningTokens) {}
}
