package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * A tool the model may call. The spec defines only {@link Function}; tools of OpenAI's other types ({@code namespace},
 * {@code custom}, {@code tool_search}, {@code shell}, hosted tools such as {@code web_search}, ...) are read as
 * {@link Unknown} with every field kept, and the transcoder maps each by its type (see
 * {@code docs/REQUEST-MAPPING.md}).
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "type",
        visible = true,
        defaultImpl = Tool.Unknown.class)
@JsonSubTypes({@JsonSubTypes.Type(value = Tool.Function.class, name = "function")})
@JsonPropertyOrder({"type"})
public sealed interface Tool {

    /** The tool's {@code type}. */
    String type();

    /**
     * A function in the caller's code. {@code description} and {@code parameters} are always written (the
     * response schema requires the keys, nullable); {@code strict} is written when set.
     *
     * @param name the function's name ({@code ^[a-zA-Z0-9_-]{1,64}$})
     * @param description what it does, for the model
     * @param parameters a JSON Schema object for its arguments
     * @param strict whether arguments must follow the schema exactly
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "name", "description", "parameters", "strict"})
    record Function(
            String name,
            @JsonInclude(JsonInclude.Include.ALWAYS) String description,
            @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode parameters,
            Boolean strict,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Tool {
        /** Normalizes {@code extra}; a JSON {@code null} {@code parameters} becomes Java null. */
        public Function {
            parameters = parameters == null || parameters.isNull() ? null : parameters;
            extra = Extras.withoutType(extra);
        }

        /** A function tool. */
        public static Function of(String name, String description, JsonNode parameters) {
            return new Function(name, description, parameters, null, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "function";
        }
    }

    /**
     * A tool of any type but {@code function}; every field is kept.
     *
     * @param type its type
     * @param fields every other field
     */
    record Unknown(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> fields) implements Tool {
        /** Normalizes {@code fields}. */
        public Unknown {
            fields = Extras.withoutType(fields);
        }
    }
}
