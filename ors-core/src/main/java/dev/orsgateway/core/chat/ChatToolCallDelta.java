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
 * A fragment of a tool call in a streaming delta; fragments with the same {@code index} belong to one call. The
 * first fragment usually carries {@code id}, {@code type} and the function name, later ones only argument text.
 *
 * @param index the call's position among the choice's tool calls; {@code null} when absent (some Ollama versions
 *     omit it and send each call whole in one fragment)
 * @param id the call id (an integer id is read as its text); {@code null} on continuation fragments
 * @param type {@code function}; {@code null} on continuation fragments
 * @param function the name and/or an arguments fragment; {@code null} when absent
 * @param extra unknown fields, kept for forwarding
 */
@JsonPropertyOrder({"index", "id", "type", "function"})
public record ChatToolCallDelta(
        @JsonProperty("index") Integer index,

        @JsonProperty("id") @JsonDeserialize(using = IdDeserializer.class)
        String id,

        @JsonProperty("type") String type,
        @JsonProperty("function") ChatFunctionCall function,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /**
     * Copies {@code extra}.
     *
     * @param index the call's position among the choice's tool calls; {@code null} when absent (some Ollama versions
     *     omit it and send each call whole in one fragment)
     * @param id the call id; {@code null} on continuation fragments
     * @param type {@code function}; {@code null} on continuation fragments
     * @param function the name and/or an arguments fragment; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    public ChatToolCallDelta {
        extra = Extras.copy(extra);
    }

    /**
     * A tool call fragment without unknown fields.
     *
     * @param index the call's position, or {@code null}
     * @param id the call id, or {@code null}
     * @param type the call type, or {@code null}
     * @param function the function fragment, or {@code null}
     */
    public ChatToolCallDelta(Integer index, String id, String type, ChatFunctionCall function) {
        this(index, id, type, function, null);
    }
}
