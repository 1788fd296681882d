package dev.orsgateway.core.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * A field that holds JSON as text (a tool call's {@code arguments}): a string is taken as it is; an object or array,
 * which some Ollama-compatible servers send instead of its text, becomes its compact JSON text. Other values are an
 * error, as they are for a plain string field.
 */
final class JsonTextDeserializer extends StdDeserializer<String> {
    private static final long serialVersionUID = 1L;

    JsonTextDeserializer() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            JsonNode tree = context.readTree(parser);
            return tree.toString();
        }
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        return (String) context.handleUnexpectedToken(String.class, parser);
    }
}
