package dev.orsgateway.core.model.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.orsgateway.core.model.Item;
import java.io.IOException;
import java.util.List;

/** Reads a request's {@code input}: a string is one user message, an array is a list of items. */
public final class InputDeserializer extends StdDeserializer<List<Item>> {
    private static final long serialVersionUID = 1L;
    private static final TypeReference<List<Item>> ITEMS = new TypeReference<>() {};

    /** Creates the deserializer. */
    public InputDeserializer() {
        super(List.class);
    }

    @Override
    public List<Item> deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return List.of(Item.Message.user(parser.getText()));
        }
        if (parser.currentToken() == JsonToken.START_ARRAY) {
            return context.readValue(parser, context.getTypeFactory().constructType(ITEMS));
        }
        @SuppressWarnings("unchecked")
        List<Item> unexpected = (List<Item>) context.handleUnexpectedToken(List.class, parser);
        return unexpected;
    }
}
