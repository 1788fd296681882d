package dev.orsgateway.core.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * An id that the wire should carry as a string: a string is taken as it is; an integer, which some OpenAI-compatible
 * servers send for a chunk's or a tool call's {@code id}, becomes its decimal text (an id is only ever compared, so
 * nothing is lost). Other values are an error, as they are for a plain string field.
 */
final class IdDeserializer extends StdDeserializer<String> {
    private static final long serialVersionUID = 1L;

    IdDeserializer() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT) {
            return parser.getText();
        }
        return (String) context.handleUnexpectedToken(String.class, parser);
    }
}
