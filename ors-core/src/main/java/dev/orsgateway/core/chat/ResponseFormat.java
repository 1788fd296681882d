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
 * The request's {@code response_format}, discriminated by {@code type}: {@code text}, {@code json_object} or
 * {@code json_schema}; other types become {@link Unknown} and round-trip unchanged.
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "type",
        visible = true,
        defaultImpl = ResponseFormat.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = ResponseFormat.Text.class, name = "text"),
    @JsonSubTypes.Type(value = ResponseFormat.JsonObject.class, name = "json_object"),
    @JsonSubTypes.Type(value = ResponseFormat.JsonSchema.class, name = "json_schema")
})
@JsonPropertyOrder({"type"})
public sealed interface ResponseFormat {

    /**
     * The {@code type} discriminator as it appears on the wire.
     *
     * @return the format type, or {@code null} for an {@link Unknown} format that had none
     */
    @JsonProperty("type")
    String type();

    /**
     * Fields this model does not name, kept so that forwarding the format loses nothing.
     *
     * @return an unmodifiable map, never {@code null}
     */
    Map<String, JsonNode> extra();

    /**
     * Plain text output.
     *
     * @return the format
     */
    static Text text() {
        return new Text(null);
    }

    /**
     * Any valid JSON object (the older JSON mode).
     *
     * @return the format
     */
    static JsonObject jsonObject() {
        return new JsonObject(null);
    }

    /**
     * Output conforming to a JSON Schema.
     *
     * @param name the schema name
     * @param schema the JSON Schema
     * @param strict whether the provider must follow the schema exactly, or {@code null}
     * @return the format
     */
    static JsonSchema jsonSchema(String name, JsonNode schema, Boolean strict) {
        return new JsonSchema(new JsonSchemaSpec(name, null, schema, strict));
    }

    /**
     * {@code {"type":"text"}}.
     *
     * @param extra unknown fields, kept for forwarding
     */
    record Text(@JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ResponseFormat {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param extra unknown fields, kept for forwarding
         */
        public Text {
            extra = Extras.withoutKey(extra, "type");
        }

        @Override
        public String type() {
            return "text";
        }
    }

    /**
     * {@code {"type":"json_object"}}.
     *
     * @param extra unknown fields, kept for forwarding
     */
    record JsonObject(@JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ResponseFormat {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param extra unknown fields, kept for forwarding
         */
        public JsonObject {
            extra = Extras.withoutKey(extra, "type");
        }

        @Override
        public String type() {
            return "json_object";
        }
    }

    /**
     * {@code {"type":"json_schema","json_schema":{...}}}.
     *
     * @param jsonSchema the schema and its metadata
     * @param extra unknown fields, kept for forwarding
     */
    record JsonSchema(
            @JsonProperty("json_schema") JsonSchemaSpec jsonSchema,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseFormat {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param jsonSchema the schema and its metadata
         * @param extra unknown fields, kept for forwarding
         */
        public JsonSchema {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * A schema format without unknown fields.
         *
         * @param jsonSchema the schema and its metadata
         */
        public JsonSchema(JsonSchemaSpec jsonSchema) {
            this(jsonSchema, null);
        }

        @Override
        public String type() {
            return "json_schema";
        }
    }

    /**
     * The {@code json_schema} object of a {@link JsonSchema} format.
     *
     * @param name the schema name
     * @param description what the output is for; {@code null} when absent
     * @param schema the JSON Schema; {@code null} when absent
     * @param strict whether the provider must follow the schema exactly; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    @JsonPropertyOrder({"name", "description", "schema", "strict"})
    record JsonSchemaSpec(
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("schema") JsonNode schema,
            @JsonProperty("strict") Boolean strict,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}; a JSON {@code null} schema counts as absent.
         *
         * @param name the schema name
         * @param description what the output is for; {@code null} when absent
         * @param schema the JSON Schema; {@code null} when absent
         * @param strict whether the provider must follow the schema exactly; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public JsonSchemaSpec {
            schema = Copies.node(schema);
            extra = Extras.copy(extra);
        }

        /**
         * A schema object without unknown fields.
         *
         * @param name the schema name
         * @param description the description, or {@code null}
         * @param schema the JSON Schema
         * @param strict the strict flag, or {@code null}
         */
        public JsonSchemaSpec(String name, String description, JsonNode schema, Boolean strict) {
            this(name, description, schema, strict, null);
        }
    }

    /**
     * A format whose {@code type} this model does not know; every field is kept in {@code extra}.
     *
     * @param type the discriminator, or {@code null} when absent
     * @param extra every other field
     */
    record Unknown(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ResponseFormat {

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
