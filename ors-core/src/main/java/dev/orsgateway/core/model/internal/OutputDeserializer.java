package dev.orsgateway.core.model.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import java.io.IOException;
import java.util.List;

/** Reads a function call output as a string or as an array of content parts, keeping which it was. */
public final class OutputDeserializer extends StdDeserializer<Item.Output> {
    private static final long serialVersionUID = 1L;
    private static final TypeReference<List<ContentPart>> PARTS = new TypeReference<>() {};

    /** Creates the deserializer. */
    public OutputDeserializer() {
        super(Item.Output.class);
    }

    @Override
    public Item.Output deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return new Item.Output.Text(parser.getText());
        }
        if (parser.currentToken() == JsonToken.START_ARRAY) {
            List<ContentPart> parts =
                    context.readValue(parser, context.getTypeFactory().constructType(PARTS));
            return new Item.Output.Parts(parts);
        }
        return (Item.Output) context.handleUnexpectedToken(Item.Output.class, parser);
    }
}
