package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.List;
import java.util.Map;

/**
 * The incremental part of a streamed choice; every field is optional and most chunks carry just one of them.
 *
 * @param role {@code assistant}, usually only in the first chunk; {@code null} when absent
 * @param content a content fragment; {@code null} when absent
 * @param refusal a refusal fragment; {@code null} when absent
 * @param toolCalls tool call fragments; {@code null} when absent
 * @param functionCall a fragment of the legacy function call; {@code null} when absent
 * @param reasoningContent a reasoning fragment as DeepSeek, llama.cpp and older vLLM name it; {@code null} when
 *     absent
 * @param reasoning a reasoning fragment as OpenRouter, Ollama, Groq and newer vLLM name it; {@code null} when absent
 * @param extra unknown fields (e.g. OpenRouter's {@code reasoning_details}), kept for forwarding
 */
@JsonPropertyOrder({"role", "content", "refusal", "tool_calls", "function_call", "reasoning_content", "reasoning"})
public record ChatDelta(
        @JsonProperty("role") String role,
        @JsonProperty("content") String content,
        @JsonProperty("refusal") String refusal,
        @JsonProperty("tool_calls") List<ChatToolCallDelta> toolCalls,
        @JsonProperty("function_call") ChatFunctionCall functionCall,
        @JsonProperty("reasoning_content") String reasoningContent,
        @JsonProperty("reasoning") String reasoning,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /**
     * Copies {@code toolCalls} and {@code extra}.
     *
     * @param role {@code assistant}, usually only in the first chunk; {@code null} when absent
     * @param content a content fragment; {@code null} when absent
     * @param refusal a refusal fragment; {@code null} when absent
     * @param toolCalls tool call fragments; {@code null} when absent
     * @param functionCall a fragment of the legacy function call; {@code null} when absent
     * @param reasoningContent a reasoning fragment as DeepSeek, llama.cpp and older vLLM name it; {@code null} when
     *     absent
     * @param reasoning a reasoning fragment as OpenRouter, Ollama, Groq and newer vLLM name it; {@code null} when absent
     * @param extra unknown fields (e.g. OpenRouter's {@code reasoning_details}), kept for forwarding
     */
    public ChatDelta {
        toolCalls = Copies.list(toolCalls);
        extra = Extras.copy(extra);
    }

    /**
     * A content-only delta.
     *
     * @param content the content fragment
     * @return the delta
     */
    public static ChatDelta ofContent(String content) {
        return new ChatDelta(null, content, null, null, null, null, null, null);
    }

    /**
     * The reasoning fragment under whichever name the provider used ({@code reasoning_content} or
     * {@code reasoning}), preferring a non-empty one.
     *
     * @return the reasoning fragment, or {@code null} when neither field is present
     */
    public String reasoningText() {
        return Copies.firstText(reasoningContent, reasoning);
    }
}
