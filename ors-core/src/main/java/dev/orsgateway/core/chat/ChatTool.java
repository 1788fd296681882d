package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * A tool the model may call, discriminated by {@code type}; only {@code function} tools are modelled, other types
 * (OpenAI's {@code custom}, provider built-ins) become {@link Unknown} and round-trip unchanged.
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "type",
        visible = true,
        defaultImpl = ChatTool.Unknown.class)
@JsonSubTypes({@JsonSubTypes.Type(value = ChatTool.FunctionTool.class, name = "function")})
@JsonPropertyOrder({"type"})
public sealed interface ChatTool {

    /**
     * The {@code type} discriminator as it appears on the wire.
     *
     * @return the tool type, or {@code null} for an {@link Unknown} tool that had none
     */
    @JsonProperty("type")
    String type();

    /**
     * Fields this model does not name, kept so that forwarding the tool loses nothing.
     *
     * @return an unmodifiable map, never {@code null}
     */
    Map<String, JsonNode> extra();

    /**
     * A {@code function} tool with no {@code strict} flag.
     *
     * @param name the function name
     * @param description what the function does, or {@code null}
     * @param parameters the JSON Schema of the arguments, or {@code null}
     * @return the tool
     */
    static FunctionTool function(String name, String description, JsonNode parameters) {
        return new FunctionTool(new FunctionDefinition(name, description, parameters, null));
    }

    /**
     * A {@code function} tool: {@code {"type":"function","function":{...}}}.
     *
     * @param function the function definition
     * @param extra unknown fields, kept for forwarding
     */
    record FunctionTool(
            @JsonProperty("function") FunctionDefinition function,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ChatTool {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param function the function definition
         * @param extra unknown fields, kept for forwarding
         */
        public FunctionTool {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * A function tool without unknown fields.
         *
         * @param function the function definition
         */
        public FunctionTool(FunctionDefinition function) {
            this(function, null);
        }

        @Override
        public String type() {
            return "function";
        }
    }

    /**
     * The {@code function} object of a {@link FunctionTool}.
     *
     * @param name the function name
     * @param description what the function does; {@code null} when absent
     * @param parameters the JSON Schema of the arguments; {@code null} when absent
     * @param strict whether the provider must follow the schema exactly; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    @JsonPropertyOrder({"name", "description", "parameters", "strict"})
    record FunctionDefinition(
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("parameters") JsonNode parameters,
            @JsonProperty("strict") Boolean strict,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}; a JSON {@code null} schema counts as absent.
         *
         * @param name the function name
         * @param description what the function does; {@code null} when absent
         * @param parameters the JSON Schema of the arguments; {@code null} when absent
         * @param strict whether the provider must follow the schema exactly; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public FunctionDefinition {
            parameters = Copies.node(parameters);
            extra = Extras.copy(extra);
        }

        /**
         * A function definition without unknown fields.
         *
         * @param name the function name
         * @param description the description, or {@code null}
         * @param parameters the JSON Schema of the arguments, or {@code null}
         * @param strict the strict flag, or {@code null}
         */
        public FunctionDefinition(String name, String description, JsonNode parameters, Boolean strict) {
            this(name, description, parameters, strict, null);
        }
    }

    /**
     * A tool whose {@code type} this model does not know; every field is kept in {@code extra}.
     *
     * @param type the discriminator, or {@code null} when absent
     * @param extra every other field
     */
    record Unknown(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatTool {

        /**
         * Copies {@code extra}.
         *
         * @param type the discriminator, or {@code null} when absent
         * @param extra every other field
         */
        public Unknown {
            extra = Extras.withoutKey(extra, "type");
        }
    }
}
