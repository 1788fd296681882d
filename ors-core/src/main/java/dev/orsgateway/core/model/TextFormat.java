package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.orsgateway.core.internal.Extras;
import dev.orsgateway.core.model.internal.JsonSchemaSerializer;
import java.util.Map;

/**
 * The format of the model's text output: plain {@link Text}, {@link JsonSchema structured output}, or
 * {@link JsonObject} (not in the spec's request schema, but OpenAI clients send it).
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "type",
        visible = true,
        defaultImpl = TextFormat.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = TextFormat.Text.class, name = "text"),
    @JsonSubTypes.Type(value = TextFormat.JsonObject.class, name = "json_object"),
    @JsonSubTypes.Type(value = TextFormat.JsonSchema.class, name = "json_schema"),
})
@JsonPropertyOrder({"type"})
public sealed interface TextFormat {

    /** Plain text. */
    TextFormat TEXT = new Text();

    /** The format's {@code type}. */
    String type();

    /** Plain text output. */
    record Text() implements TextFormat {
        @Override
        @JsonProperty("type")
        public String type() {
            return "text";
        }
    }

    /** Any valid JSON object. */
    record JsonObject() implements TextFormat {
        @Override
        @JsonProperty("type")
        public String type() {
            return "json_object";
        }
    }

    /**
     * Output that follows a JSON Schema. In a response's echo the spec wants {@code schema} null and
     * {@code description} present even when null, which {@link #echo()} produces; in a request
     * {@code description} must be a string or absent. The echo form (no schema) is written with every key.
     *
     * @param name the format's name
     * @param description what it is for, or null
     * @param schema the JSON Schema
     * @param strict whether the schema must be followed exactly
     * @param extra unknown fields, kept
     */
    @JsonSerialize(using = JsonSchemaSerializer.class)
    record JsonSchema(
            String name,
            String description,
            JsonNode schema,
            Boolean strict,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements TextFormat {
        /** Normalizes {@code extra}; a JSON {@code null} schema becomes Java null. */
        public JsonSchema {
            schema = schema == null || schema.isNull() ? null : schema;
            extra = Extras.withoutType(extra);
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "json_schema";
        }

        /** The form a response echoes: no schema, {@code strict} false when unset, no unknown fields. */
        public JsonSchema echo() {
            return new JsonSchema(name, description, null, strict != null && strict, Map.of());
        }
    }

    /**
     * A format of a type this library does not know.
     *
     * @param type its type
     * @param fields every other field
     */
    record Unknown(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> fields) implements TextFormat {
        /** Normalizes {@code fields}. */
        public Unknown {
            fields = Extras.withoutType(fields);
        }
    }
}
