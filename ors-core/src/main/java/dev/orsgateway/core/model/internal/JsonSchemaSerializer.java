package dev.orsgateway.core.model.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.orsgateway.core.model.TextFormat;
import java.io.IOException;
import java.util.Map;

/**
 * Writes a {@code json_schema} text format. A request's form omits null keys (its schema types {@code description}
 * as a string); the echo form, recognizable by its null {@code schema}, writes all five keys the response schema
 * requires.
 */
public final class JsonSchemaSerializer extends StdSerializer<TextFormat.JsonSchema> {
    private static final long serialVersionUID = 1L;

    /** Creates the serializer. */
    public JsonSchemaSerializer() {
        super(TextFormat.JsonSchema.class);
    }

    @Override
    public void serialize(TextFormat.JsonSchema format, JsonGenerator out, SerializerProvider provider)
            throws IOException {
        boolean echo = format.schema() == null;
        out.writeStartObject();
        out.writeStringField("type", format.type());
        if (format.name() != null || echo) {
            out.writeStringField("name", format.name());
        }
        if (format.description() != null || echo) {
            out.writeStringField("description", format.description());
        }
        if (format.schema() != null || echo) {
            out.writeFieldName("schema");
            provider.defaultSerializeValue(format.schema(), out);
        }
        if (format.strict() != null) {
            out.writeBooleanField("strict", format.strict());
        }
        for (Map.Entry<String, JsonNode> field : format.extra().entrySet()) {
            out.writeFieldName(field.getKey());
            provider.defaultSerializeValue(field.getValue(), out);
        }
        out.writeEndObject();
    }

    @Override
    public void serializeWithType(
            TextFormat.JsonSchema format, JsonGenerator out, SerializerProvider provider, TypeSerializer typeSerializer)
            throws IOException {
        // The type id is the existing "type" property, which serialize() writes itself.
        serialize(format, out, provider);
    }
}
