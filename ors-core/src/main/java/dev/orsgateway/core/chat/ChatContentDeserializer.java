package dev.orsgateway.core.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.List;

/** Reads a JSON string as {@link ChatContent.Text} and a JSON array as {@link ChatContent.Parts}. */
final class ChatContentDeserializer extends StdDeserializer<ChatContent> {

    ChatContentDeserializer() {
        super(ChatContent.class);
    }

    @Override
    public ChatContent deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return new ChatContent.Text(p.getText());
        }
        if (token == JsonToken.START_ARRAY) {
            JavaType listType = ctxt.getTypeFactory().constructCollectionType(List.class, ChatContentPart.class);
            List<ChatContentPart> parts = ctxt.readValue(p, listType);
            return new ChatContent.Parts(parts);
        }
        return (ChatContent) ctxt.handleUnexpectedToken(ChatContent.class, p);
    }
}
