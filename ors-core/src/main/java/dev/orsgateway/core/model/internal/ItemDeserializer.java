package dev.orsgateway.core.model.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.model.Item;
import java.io.IOException;

/**
 * Reads {@link Item}s by {@code type}, with the leniency real clients need: the spec's own {@code allowed_tools}
 * example sends a message without {@code type}, {@code item_reference} may omit it, and string message content
 * becomes one text part.
 */
public final class ItemDeserializer extends StdDeserializer<Item> {
    private static final long serialVersionUID = 1L;

    /** Creates the deserializer. */
    public ItemDeserializer() {
        super(Item.class);
    }

    @Override
    public Item deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonNode node = parser.readValueAsTree();
        if (!(node instanceof ObjectNode object)) {
            return (Item) context.handleUnexpectedToken(Item.class, parser);
        }
        String type = object.path("type").isTextual() ? object.get("type").asText() : null;
        if (type == null) {
            if (object.has("role")) {
                type = "message";
            } else if (object.has("id") && object.size() == (object.has("type") ? 2 : 1)) {
                type = "item_reference";
            } else {
                return context.reportInputMismatch(Item.class, "an input item needs a \"type\"");
            }
        }
        Class<? extends Item> target = switch (type) {
            case "message" -> Item.Message.class;
            case "function_call" -> Item.FunctionCall.class;
            case "function_call_output" -> Item.FunctionCallOutput.class;
            case "custom_tool_call" -> Item.CustomToolCall.class;
            case "custom_tool_call_output" -> Item.CustomToolCallOutput.class;
            case "reasoning" -> Item.Reasoning.class;
            case "item_reference" -> Item.ItemReference.class;
            case "compaction" -> Item.Compaction.class;
            default -> Item.Unknown.class;
        };
        if (target == Item.Message.class
                && !object.path("content").isArray()
                && !object.path("content").isTextual()) {
            return context.reportInputMismatch(
                    Item.class, "a message needs \"content\": a string or an array of parts");
        }
        if (target == Item.Message.class && object.path("content").isTextual()) {
            ObjectNode copy = object.deepCopy();
            String partType = "assistant".equals(object.path("role").asText()) ? "output_text" : "input_text";
            ArrayNode parts = copy.putArray("content");
            parts.addObject()
                    .put("type", partType)
                    .put("text", object.get("content").asText());
            object = copy;
        }
        if (target == Item.Unknown.class && !object.has("type")) {
            return context.reportInputMismatch(Item.class, "an input item needs a \"type\"");
        }
        try (JsonParser itemParser = object.traverse(parser.getCodec())) {
            itemParser.nextToken();
            return context.readValue(itemParser, target);
        }
    }
}
