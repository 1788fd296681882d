package dev.orsgateway.core.model;

/**
 * Why a response is incomplete.
 *
 * @param reason {@code max_output_tokens} or {@code content_filter}
 */
public record IncompleteDetails(String reason) {
    /** The token budget ran out. */
    public static final IncompleteDetails MAX_OUTPUT_TOKENS = new IncompleteDetails("max_output_tokens");
    /** The provider's content filter stopped the output. */
    public static final IncompleteDetails CONTENT_FILTER = new IncompleteDetails("content_filter");
}
