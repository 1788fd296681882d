package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * A complete tool call in an assistant message: {@code {"id":...,"type":"function","function":{...}}}. Other call
 * types (OpenAI's {@code custom}, with a {@code custom} object) keep their payload in {@code extra}.
 *
 * @param id the call id that the matching tool message echoes in {@code tool_call_id}
 * @param type {@code function} for function calls; {@code null} when a provider omits it
 * @param function the invoked function; {@code null} for non-function calls
 * @param extra unknown fields, kept for forwarding
 */
@JsonPropertyOrder({"id", "type", "function"})
public record ChatToolCall(
        @JsonProperty("id") @JsonDeserialize(using = IdDeserializer.class)
        String id,

        @JsonProperty("type") String type,
        @JsonProperty("function") ChatFunctionCall function,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /** The {@code type} of a function tool call. */
    public static final String FUNCTION = "function";

    /**
     * Copies {@code extra}.
     *
     * @param id the call id that the matching tool message echoes in {@code tool_call_id}
     * @param type {@code function} for function calls; {@code null} when a provider omits it
     * @param function the invoked function; {@code null} for non-function calls
     * @param extra unknown fields, kept for forwarding
     */
    public ChatToolCall {
        extra = Extras.copy(extra);
    }

    /**
     * A tool call without unknown fields.
     *
     * @param id the call id
     * @param type the call type
     * @param function the invoked function
     */
    public ChatToolCall(String id, String type, ChatFunctionCall function) {
        this(id, type, function, null);
    }

    /**
     * A {@code function} tool call.
     *
     * @param id the call id
     * @param name the function name
     * @param arguments the arguments as a JSON text
     * @return the tool call
     */
    public static ChatToolCall function(String id, String name, String arguments) {
        return new ChatToolCall(id, FUNCTION, new ChatFunctionCall(name, arguments));
    }
}
