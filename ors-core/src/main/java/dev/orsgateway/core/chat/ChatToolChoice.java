package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.orsgateway.core.internal.Extras;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The request's {@code tool_choice}: a string {@link Mode} ({@code none}, {@code auto}, {@code required}) or an
 * object naming a {@link FunctionChoice function}, a {@link CustomChoice custom tool} or an {@link AllowedTools
 * allowed-tools subset}; unrecognised objects become {@link Unknown}. Strings stay strings on the wire.
 */
@JsonDeserialize(using = ChatToolChoiceDeserializer.class)
public sealed interface ChatToolChoice {

    /** The model must not call a tool. */
    Mode NONE = new Mode("none");

    /** The model decides whether to call tools. */
    Mode AUTO = new Mode("auto");

    /** The model must call at least one tool. */
    Mode REQUIRED = new Mode("required");

    /**
     * A string mode; {@code none}, {@code auto} and {@code required} return the shared constants, any other string
     * passes through.
     *
     * @param mode the mode string
     * @return the choice
     */
    static Mode mode(String mode) {
        switch (mode) {
            case "none":
                return NONE;
            case "auto":
                return AUTO;
            case "required":
                return REQUIRED;
            default:
                return new Mode(mode);
        }
    }

    /**
     * Forces a call to the named function: {@code {"type":"function","function":{"name":...}}}.
     *
     * @param name the function name
     * @return the choice
     */
    static FunctionChoice function(String name) {
        return new FunctionChoice(new ToolName(name));
    }

    /**
     * Restricts the model to a subset of the request's tools.
     *
     * @param mode {@code auto} or {@code required}
     * @param tools the allowed tools, each like {@code {"type":"function","function":{"name":...}}}
     * @return the choice
     */
    static AllowedTools allowedTools(String mode, List<ChatTool> tools) {
        return new AllowedTools(new AllowedToolsSpec(mode, tools));
    }

    /**
     * A string tool choice, written as a JSON string.
     *
     * @param value the mode, never {@code null}
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record Mode(@JsonValue String value) implements ChatToolChoice {

        /**
         * Rejects a {@code null} value.
         *
         * @param value the mode, never {@code null}
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public Mode {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * The {@code {"name":...}} object that names a function or custom tool.
     *
     * @param name the tool name
     * @param extra unknown fields, kept for forwarding
     */
    record ToolName(
            @JsonProperty("name") String name,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}.
         *
         * @param name the tool name
         * @param extra unknown fields, kept for forwarding
         */
        public ToolName {
            extra = Extras.copy(extra);
        }

        /**
         * A tool name without unknown fields.
         *
         * @param name the tool name
         */
        public ToolName(String name) {
            this(name, null);
        }
    }

    /**
     * Forces a call to one function: {@code {"type":"function","function":{"name":...}}}.
     *
     * @param function the named function
     * @param extra unknown fields, kept for forwarding
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "function"})
    record FunctionChoice(
            @JsonProperty("function") ToolName function,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatToolChoice {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param function the named function
         * @param extra unknown fields, kept for forwarding
         */
        public FunctionChoice {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * A function choice without unknown fields.
         *
         * @param function the named function
         */
        public FunctionChoice(ToolName function) {
            this(function, null);
        }

        /**
         * The discriminator.
         *
         * @return {@code function}
         */
        @JsonProperty("type")
        public String type() {
            return "function";
        }

        /**
         * The forced function's name.
         *
         * @return the name, or {@code null} when the {@code function} object is absent
         */
        public String name() {
            return function == null ? null : function.name();
        }
    }

    /**
     * Forces a call to one OpenAI custom tool: {@code {"type":"custom","custom":{"name":...}}}.
     *
     * @param custom the named custom tool
     * @param extra unknown fields, kept for forwarding
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "custom"})
    record CustomChoice(
            @JsonProperty("custom") ToolName custom,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatToolChoice {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param custom the named custom tool
         * @param extra unknown fields, kept for forwarding
         */
        public CustomChoice {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * A custom-tool choice without unknown fields.
         *
         * @param custom the named custom tool
         */
        public CustomChoice(ToolName custom) {
            this(custom, null);
        }

        /**
         * The discriminator.
         *
         * @return {@code custom}
         */
        @JsonProperty("type")
        public String type() {
            return "custom";
        }
    }

    /**
     * Restricts the model to a subset of the tools: {@code {"type":"allowed_tools","allowed_tools":{...}}}.
     *
     * @param allowedTools the mode and the allowed tools
     * @param extra unknown fields, kept for forwarding
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "allowed_tools"})
    record AllowedTools(
            @JsonProperty("allowed_tools") AllowedToolsSpec allowedTools,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ChatToolChoice {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param allowedTools the mode and the allowed tools
         * @param extra unknown fields, kept for forwarding
         */
        public AllowedTools {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * An allowed-tools choice without unknown fields.
         *
         * @param allowedTools the mode and the allowed tools
         */
        public AllowedTools(AllowedToolsSpec allowedTools) {
            this(allowedTools, null);
        }

        /**
         * The discriminator.
         *
         * @return {@code allowed_tools}
         */
        @JsonProperty("type")
        public String type() {
            return "allowed_tools";
        }
    }

    /**
     * The {@code allowed_tools} object of an {@link AllowedTools} choice.
     *
     * @param mode {@code auto} or {@code required}
     * @param tools the allowed tools; entries name tools, e.g. {@code {"type":"function","function":{"name":...}}}
     * @param extra unknown fields, kept for forwarding
     */
    @JsonPropertyOrder({"mode", "tools"})
    record AllowedToolsSpec(
            @JsonProperty("mode") String mode,
            @JsonProperty("tools") List<ChatTool> tools,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code tools} and {@code extra}.
         *
         * @param mode {@code auto} or {@code required}
         * @param tools the allowed tools; entries name tools, e.g. {@code {"type":"function","function":{"name":...}}}
         * @param extra unknown fields, kept for forwarding
         */
        public AllowedToolsSpec {
            tools = Copies.list(tools);
            extra = Extras.copy(extra);
        }

        /**
         * An allowed-tools object without unknown fields.
         *
         * @param mode {@code auto} or {@code required}
         * @param tools the allowed tools
         */
        public AllowedToolsSpec(String mode, List<ChatTool> tools) {
            this(mode, tools, null);
        }
    }

    /**
     * An object tool choice whose {@code type} this model does not know; every field is kept in {@code extra}.
     *
     * @param type the discriminator, or {@code null} when absent
     * @param extra every other field
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type"})
    record Unknown(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatToolChoice {

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
