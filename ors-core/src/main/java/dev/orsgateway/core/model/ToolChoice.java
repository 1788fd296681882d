package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.orsgateway.core.internal.Extras;
import dev.orsgateway.core.model.internal.ToolChoiceDeserializer;
import java.util.List;
import java.util.Map;

/**
 * How the model may use tools: a {@link Mode} ({@code none}, {@code auto}, {@code required}), one forced
 * {@link Function}, {@link AllowedTools}, a subset the server enforces as a hard limit, or one forced tool of another
 * type ({@link Typed}, OpenAI's forms).
 */
@JsonDeserialize(using = ToolChoiceDeserializer.class)
public sealed interface ToolChoice {

    /** The model decides (the default). */
    Mode AUTO = Mode.AUTO;
    /** The model must not call tools. */
    Mode NONE = Mode.NONE;
    /** The model must call at least one tool. */
    Mode REQUIRED = Mode.REQUIRED;

    /** The string forms. */
    enum Mode implements ToolChoice {
        /** {@code none}. */
        NONE("none"),
        /** {@code auto}. */
        AUTO("auto"),
        /** {@code required}. */
        REQUIRED("required");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        /** The mode as written on the wire. */
        @JsonValue
        public String wireName() {
            return wireName;
        }

        /** Reads a mode, or returns null for an unknown string. */
        public static Mode fromWire(String value) {
            for (Mode mode : values()) {
                if (mode.wireName.equals(value)) {
                    return mode;
                }
            }
            return null;
        }
    }

    /**
     * Forces a call of the named function.
     *
     * @param name the function's name
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "name"})
    record Function(String name) implements ToolChoice {
        /** Always {@code function}. */
        @JsonProperty("type")
        public String type() {
            return "function";
        }
    }

    /**
     * Restricts the model to {@code tools}, with {@code mode} {@code auto} or {@code required} (null on input means
     * {@code auto}). The gateway enforces the subset even when the upstream cannot.
     *
     * @param mode how the allowed tools may be used, or null
     * @param tools the allowed functions
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "mode", "tools"})
    record AllowedTools(
            @JsonInclude(JsonInclude.Include.NON_NULL) Mode mode, List<Function> tools) implements ToolChoice {
        /** Copies {@code tools}. */
        public AllowedTools {
            tools = Extras.list(tools);
        }

        /** Always {@code allowed_tools}. */
        @JsonProperty("type")
        public String type() {
            return "allowed_tools";
        }
    }

    /**
     * Forces one tool of a type other than {@code function}, in OpenAI's forms: {@code {"type":"custom","name":...}},
     * {@code {"type":"shell"}}, {@code {"type":"apply_patch"}}, or a hosted tool such as
     * {@code {"type":"web_search_preview"}} or {@code {"type":"mcp","server_label":...}}. Every field is kept.
     *
     * @param type the tool type
     * @param fields every other field
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record Typed(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> fields) implements ToolChoice {
        /** Normalizes {@code fields}. */
        public Typed {
            fields = Extras.withoutType(fields);
        }

        /** The {@code name} field (custom tools), or null. */
        public String name() {
            return Extras.text(fields, "name");
        }
    }
}
