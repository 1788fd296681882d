package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.List;
import java.util.Map;

/**
 * A conversation message, discriminated by {@code role}; unrecognised roles become {@link Unknown} and round-trip
 * unchanged. Content keeps its wire form (string or array of parts), see {@link ChatContent}.
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "role",
        visible = true,
        defaultImpl = ChatMessage.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = ChatMessage.SystemMessage.class, name = "system"),
    @JsonSubTypes.Type(value = ChatMessage.DeveloperMessage.class, name = "developer"),
    @JsonSubTypes.Type(value = ChatMessage.UserMessage.class, name = "user"),
    @JsonSubTypes.Type(value = ChatMessage.AssistantMessage.class, name = "assistant"),
    @JsonSubTypes.Type(value = ChatMessage.ToolMessage.class, name = "tool"),
    @JsonSubTypes.Type(value = ChatMessage.FunctionMessage.class, name = "function")
})
@JsonPropertyOrder({"role"})
public sealed interface ChatMessage {

    /**
     * The {@code role} discriminator as it appears on the wire.
     *
     * @return the role, or {@code null} for an {@link Unknown} message that had none
     */
    @JsonProperty("role")
    String role();

    /**
     * Fields this model does not name, kept so that forwarding the message loses nothing.
     *
     * @return an unmodifiable map, never {@code null}
     */
    Map<String, JsonNode> extra();

    /**
     * A system message with string content.
     *
     * @param text the instructions
     * @return the message
     */
    static SystemMessage system(String text) {
        return new SystemMessage(ChatContent.of(text));
    }

    /**
     * A developer message with string content.
     *
     * @param text the instructions
     * @return the message
     */
    static DeveloperMessage developer(String text) {
        return new DeveloperMessage(ChatContent.of(text));
    }

    /**
     * A user message with string content.
     *
     * @param text the text
     * @return the message
     */
    static UserMessage user(String text) {
        return new UserMessage(ChatContent.of(text));
    }

    /**
     * A user message with array content.
     *
     * @param parts the content parts
     * @return the message
     */
    static UserMessage user(ChatContentPart... parts) {
        return new UserMessage(ChatContent.of(parts));
    }

    /**
     * An assistant message with string content and no tool calls.
     *
     * @param text the text
     * @return the message
     */
    static AssistantMessage assistant(String text) {
        return new AssistantMessage(ChatContent.of(text), null);
    }

    /**
     * An assistant message that only calls tools (no content).
     *
     * @param toolCalls the tool calls
     * @return the message
     */
    static AssistantMessage assistant(List<ChatToolCall> toolCalls) {
        return new AssistantMessage(null, toolCalls);
    }

    /**
     * A tool result with string content.
     *
     * @param toolCallId the id of the call this answers
     * @param text the result
     * @return the message
     */
    static ToolMessage tool(String toolCallId, String text) {
        return new ToolMessage(ChatContent.of(text), toolCallId);
    }

    /**
     * {@code {"role":"system",...}}: instructions from the application.
     *
     * @param content the content; {@code null} when absent
     * @param name an optional participant name; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    record SystemMessage(
            @JsonProperty("content") ChatContent content,
            @JsonProperty("name") String name,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ChatMessage {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param content the content; {@code null} when absent
         * @param name an optional participant name; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public SystemMessage {
            extra = Extras.withoutKey(extra, "role");
        }

        /**
         * A system message without name or unknown fields.
         *
         * @param content the content
         */
        public SystemMessage(ChatContent content) {
            this(content, null, null);
        }

        @Override
        public String role() {
            return "system";
        }
    }

    /**
     * {@code {"role":"developer",...}}: OpenAI's successor of the system role for reasoning models.
     *
     * @param content the content; {@code null} when absent
     * @param name an optional participant name; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    record DeveloperMessage(
            @JsonProperty("content") ChatContent content,
            @JsonProperty("name") String name,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ChatMessage {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param content the content; {@code null} when absent
         * @param name an optional participant name; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public DeveloperMessage {
            extra = Extras.withoutKey(extra, "role");
        }

        /**
         * A developer message without name or unknown fields.
         *
         * @param content the content
         */
        public DeveloperMessage(ChatContent content) {
            this(content, null, null);
        }

        @Override
        public String role() {
            return "developer";
        }
    }

    /**
     * {@code {"role":"user",...}}: end-user input, as a string or as text/image/audio/file parts.
     *
     * @param content the content; {@code null} when absent
     * @param name an optional participant name; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    record UserMessage(
            @JsonProperty("content") ChatContent content,
            @JsonProperty("name") String name,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ChatMessage {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param content the content; {@code null} when absent
         * @param name an optional participant name; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public UserMessage {
            extra = Extras.withoutKey(extra, "role");
        }

        /**
         * A user message without name or unknown fields.
         *
         * @param content the content
         */
        public UserMessage(ChatContent content) {
            this(content, null, null);
        }

        @Override
        public String role() {
            return "user";
        }
    }

    /**
     * {@code {"role":"assistant",...}}: a model turn, in a request's history or as a completion's {@code message}.
     * It is also read without a {@code role} (typed as this record directly, the discriminator is not required).
     *
     * @param content the content; {@code null} when absent or JSON {@code null} (typical with tool calls)
     * @param refusal the refusal text; {@code null} when absent
     * @param name an optional participant name; {@code null} when absent
     * @param toolCalls the tool calls; {@code null} when absent
     * @param functionCall the legacy single function call; {@code null} when absent
     * @param reasoningContent reasoning text as DeepSeek, llama.cpp and older vLLM name it; {@code null} when absent
     * @param reasoning reasoning text as OpenRouter, Ollama, Groq and newer vLLM name it; {@code null} when absent
     * @param audio the audio output of an audio-modality completion, or a reference to it; {@code null} when absent
     * @param extra unknown fields (e.g. OpenRouter's {@code reasoning_details}, OpenAI's {@code annotations}),
     *     kept for forwarding
     */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
    @JsonPropertyOrder({
        "role",
        "content",
        "refusal",
        "name",
        "tool_calls",
        "function_call",
        "reasoning_content",
        "reasoning",
        "audio"
    })
    record AssistantMessage(
            @JsonProperty("content") ChatContent content,
            @JsonProperty("refusal") String refusal,
            @JsonProperty("name") String name,
            @JsonProperty("tool_calls") List<ChatToolCall> toolCalls,
            @JsonProperty("function_call") ChatFunctionCall functionCall,
            @JsonProperty("reasoning_content") String reasoningContent,
            @JsonProperty("reasoning") String reasoning,
            @JsonProperty("audio") Audio audio,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ChatMessage {

        /**
         * Copies {@code toolCalls} and {@code extra} and drops the discriminator from {@code extra}.
         *
         * @param content the content; {@code null} when absent or JSON {@code null} (typical with tool calls)
         * @param refusal the refusal text; {@code null} when absent
         * @param name an optional participant name; {@code null} when absent
         * @param toolCalls the tool calls; {@code null} when absent
         * @param functionCall the legacy single function call; {@code null} when absent
         * @param reasoningContent reasoning text as DeepSeek, llama.cpp and older vLLM name it; {@code null} when absent
         * @param reasoning reasoning text as OpenRouter, Ollama, Groq and newer vLLM name it; {@code null} when absent
         * @param audio the audio output of an audio-modality completion, or a reference to it; {@code null} when absent
         * @param extra unknown fields (e.g. OpenRouter's {@code reasoning_details}, OpenAI's {@code annotations}),
         *     kept for forwarding
         */
        public AssistantMessage {
            toolCalls = Copies.list(toolCalls);
            extra = Extras.withoutKey(extra, "role");
        }

        /**
         * An assistant message with only content and tool calls.
         *
         * @param content the content, or {@code null}
         * @param toolCalls the tool calls, or {@code null}
         */
        public AssistantMessage(ChatContent content, List<ChatToolCall> toolCalls) {
            this(content, null, null, toolCalls, null, null, null, null, null);
        }

        @Override
        public String role() {
            return "assistant";
        }

        /**
         * The reasoning text under whichever name the provider used ({@code reasoning_content} or
         * {@code reasoning}), preferring a non-empty one.
         *
         * @return the reasoning text, or {@code null} when neither field is present
         */
        public String reasoningText() {
            return Copies.firstText(reasoningContent, reasoning);
        }
    }

    /**
     * The {@code audio} object of an assistant message: the generated audio in a completion, or just its
     * {@code id} when a request refers back to it.
     *
     * @param id the audio id
     * @param data base64-encoded audio; {@code null} when absent
     * @param expiresAt when the audio stops being referable, in Unix seconds; {@code null} when absent
     * @param transcript the transcript; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    record Audio(
            @JsonProperty("id") String id,
            @JsonProperty("data") String data,
            @JsonProperty("expires_at") Long expiresAt,
            @JsonProperty("transcript") String transcript,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}.
         *
         * @param id the audio id
         * @param data base64-encoded audio; {@code null} when absent
         * @param expiresAt when the audio stops being referable, in Unix seconds; {@code null} when absent
         * @param transcript the transcript; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public Audio {
            extra = Extras.copy(extra);
        }

        /**
         * A reference to earlier audio output, as sent back in a request.
         *
         * @param id the audio id
         */
        public Audio(String id) {
            this(id, null, null, null, null);
        }
    }

    /**
     * {@code {"role":"tool",...}}: the result of a tool call.
     *
     * @param content the result, as a string or text parts; {@code null} when absent
     * @param toolCallId the id of the call this answers
     * @param extra unknown fields, kept for forwarding
     */
    @JsonPropertyOrder({"role", "content", "tool_call_id"})
    record ToolMessage(
            @JsonProperty("content") ChatContent content,
            @JsonProperty("tool_call_id") String toolCallId,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ChatMessage {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param content the result, as a string or text parts; {@code null} when absent
         * @param toolCallId the id of the call this answers
         * @param extra unknown fields, kept for forwarding
         */
        public ToolMessage {
            extra = Extras.withoutKey(extra, "role");
        }

        /**
         * A tool message without unknown fields.
         *
         * @param content the result
         * @param toolCallId the id of the call this answers
         */
        public ToolMessage(ChatContent content, String toolCallId) {
            this(content, toolCallId, null);
        }

        @Override
        public String role() {
            return "tool";
        }
    }

    /**
     * {@code {"role":"function",...}}: the result of a legacy {@code function_call}.
     *
     * @param name the function name
     * @param content the result; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    @JsonPropertyOrder({"role", "name", "content"})
    record FunctionMessage(
            @JsonProperty("name") String name,
            @JsonProperty("content") ChatContent content,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ChatMessage {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param name the function name
         * @param content the result; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public FunctionMessage {
            extra = Extras.withoutKey(extra, "role");
        }

        /**
         * A function message without unknown fields.
         *
         * @param name the function name
         * @param content the result
         */
        public FunctionMessage(String name, ChatContent content) {
            this(name, content, null);
        }

        @Override
        public String role() {
            return "function";
        }
    }

    /**
     * A message whose {@code role} this model does not know (or that has none); every field is kept in
     * {@code extra}.
     *
     * @param role the discriminator, or {@code null} when absent
     * @param extra every other field
     */
    record Unknown(
            @JsonProperty("role") String role,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatMessage {

        /**
         * Copies {@code extra}.
         *
         * @param role the discriminator, or {@code null} when absent
         * @param extra every other field
         */
        public Unknown {
            extra = Extras.withoutKey(extra, "role");
        }
    }
}
