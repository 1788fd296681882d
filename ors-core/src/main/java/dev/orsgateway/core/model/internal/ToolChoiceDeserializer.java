package dev.orsgateway.core.model.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.orsgateway.core.model.ToolChoice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the string and object forms of {@code tool_choice}; anything else is an input mismatch. */
public final class ToolChoiceDeserializer extends StdDeserializer<ToolChoice> {
    private static final long serialVersionUID = 1L;

    /** Creates the deserializer. */
    public ToolChoiceDeserializer() {
        super(ToolChoice.class);
    }

    @Override
    public ToolChoice deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonNode node = parser.readValueAsTree();
        if (node.isTextual()) {
            ToolChoice.Mode mode = ToolChoice.Mode.fromWire(node.asText());
            if (mode == null) {
                return context.reportInputMismatch(
                        ToolChoice.class,
                        "tool_choice must be \"none\", \"auto\", \"required\" or an object, not \"%s\"",
                        node.asText());
            }
            return mode;
        }
        String type = node.path("type").asText("");
        switch (type) {
            case "function" -> {
                // OpenAI's Chat Completions shape {"type":"function","function":{"name":...}} is accepted too.
                String name = node.path("name").isTextual()
                        ? node.get("name").asText()
                        : node.path("function").path("name").asText(null);
                if (name == null) {
                    return context.reportInputMismatch(ToolChoice.class, "tool_choice.name is required");
                }
                return new ToolChoice.Function(name);
            }
            case "allowed_tools" -> {
                ToolChoice.Mode mode = null;
                if (node.hasNonNull("mode")) {
                    mode = ToolChoice.Mode.fromWire(node.get("mode").asText());
                    if (mode == null) {
                        return context.reportInputMismatch(
                                ToolChoice.class, "tool_choice.mode must be \"none\", \"auto\" or \"required\"");
                    }
                }
                JsonNode toolsNode = node.get("tools");
                if (toolsNode == null || !toolsNode.isArray()) {
                    return context.reportInputMismatch(ToolChoice.class, "tool_choice.tools must be an array");
                }
                List<ToolChoice.Function> tools = new ArrayList<>();
                for (JsonNode tool : toolsNode) {
                    String name = tool.path("name").asText(null);
                    if (name == null || !"function".equals(tool.path("type").asText("function"))) {
                        return context.reportInputMismatch(
                                ToolChoice.class,
                                "tool_choice.tools entries must be {\"type\":\"function\",\"name\":...}");
                    }
                    tools.add(new ToolChoice.Function(name));
                }
                return new ToolChoice.AllowedTools(mode, tools);
            }
            case "" -> {
                return context.reportInputMismatch(ToolChoice.class, "tool_choice needs a \"type\"");
            }
            default -> {
                // OpenAI's other forms ({"type":"custom","name":...}, {"type":"shell"}, hosted tools): kept whole,
                // the transcoder decides what it can honour.
                try (JsonParser typed = node.traverse(parser.getCodec())) {
                    typed.nextToken();
                    return context.readValue(typed, ToolChoice.Typed.class);
                }
            }
        }
    }
}
