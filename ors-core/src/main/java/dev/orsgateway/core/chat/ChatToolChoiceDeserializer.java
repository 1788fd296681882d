package dev.orsgateway.core.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/** Reads a JSON string as a {@link ChatToolChoice.Mode} and a JSON object by its {@code type}. */
final class ChatToolChoiceDeserializer extends StdDeserializer<ChatToolChoice> {

    ChatToolChoiceDeserializer() {
        super(ChatToolChoice.class);
    }

    @Override
    public ChatToolChoice deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return ChatToolChoice.mode(p.getText());
        }
        if (token != JsonToken.START_OBJECT && token != JsonToken.FIELD_NAME) {
            return (ChatToolChoice) ctxt.handleUnexpectedToken(ChatToolChoice.class, p);
        }
        JsonNode node = ctxt.readTree(p);
        String type = node.path("type").textValue();
        Class<? extends ChatToolChoice> target;
        if ("function".equals(type)) {
            target = ChatToolChoice.FunctionChoice.class;
        } else if ("custom".equals(type)) {
            target = ChatToolChoice.CustomChoice.class;
        } else if ("allowed_tools".equals(type)) {
            target = ChatToolChoice.AllowedTools.class;
        } else {
            target = ChatToolChoice.Unknown.class;
        }
        return ctxt.readTreeAsValue(node, target);
    }
}
