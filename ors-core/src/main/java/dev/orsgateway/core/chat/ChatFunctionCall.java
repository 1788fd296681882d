package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * A function invocation {@code {"name":...,"arguments":...}}: the {@code function} of a tool call, the legacy
 * {@code function_call}, or a fragment of either in a streaming delta (where both fields may be absent).
 *
 * @param name the function name; {@code null} when absent (later delta fragments omit it)
 * @param arguments the arguments as a JSON text (a fragment of it in a delta); {@code null} when absent. Some
 *     Ollama-compatible servers send a JSON object instead of its text: it is read as that object's JSON text
 * @param extra unknown fields, kept for forwarding
 */
public record ChatFunctionCall(
        @JsonProperty("name") String name,

        @JsonProperty("arguments") @JsonDeserialize(using = JsonTextDeserializer.class)
        String arguments,

        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /**
     * Copies {@code extra}.
     *
     * @param name the function name; {@code null} when absent (later delta fragments omit it)
     * @param arguments the arguments as a JSON text (a fragment of it in a delta); {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    public ChatFunctionCall {
        extra = Extras.copy(extra);
    }

    /**
     * A function invocation without unknown fields.
     *
     * @param name the function name
     * @param arguments the arguments as a JSON text
     */
    public ChatFunctionCall(String name, String arguments) {
        this(name, arguments, null);
    }
}
