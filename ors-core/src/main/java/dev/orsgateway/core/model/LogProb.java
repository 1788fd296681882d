package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The log probability of one output token, with its most likely alternatives.
 *
 * @param token the token
 * @param logprob its log probability
 * @param bytes its UTF-8 bytes
 * @param topLogprobs the most likely tokens at this position
 */
public record LogProb(
        String token,
        double logprob,
        List<Integer> bytes,
        @JsonProperty("top_logprobs") List<TopLogProb> topLogprobs) {
    /** Normalizes lists (null → empty). */
    public LogProb {
        bytes = bytes == null ? List.of() : List.copyOf(bytes);
        topLogprobs = topLogprobs == null ? List.of() : List.copyOf(topLogprobs);
    }

    /**
     * One alternative token at a position.
     *
     * @param token the token
     * @param logprob its log probability
     * @param bytes its UTF-8 bytes
     */
    public record TopLogProb(String token, double logprob, List<Integer> bytes) {
        /** Normalizes {@code bytes} (null → empty). */
        public TopLogProb {
            bytes = bytes == null ? List.of() : List.copyOf(bytes);
        }
    }
}
