package dev.orsgateway.examples.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatContentPart;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatTool;
import dev.orsgateway.core.chat.ChatToolChoice;
import dev.orsgateway.core.json.OrsJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic model that answers when no script is queued. See {@link ScriptedChatServer} for its behaviour.
 */
final class DemoModel {

    /** The value synthesized for a string property named like a location. */
    static final String LOCATION_VALUE = "San Francisco, CA";

    /** The value synthesized for any other string property. */
    static final String STRING_VALUE = "example";

    /** The longest argument fragment of a streamed demo tool call, in code points. */
    static final int ARGUMENT_FRAGMENT_LENGTH = 10;

    private static final Pattern WORD_WITH_SPACE = Pattern.compile("\\S+\\s*");
    private static final Pattern WORD = Pattern.compile("\\S+");
    private static final JsonNodeFactory NODES = OrsJson.mapper().getNodeFactory();

    private DemoModel() {}

    /**
     * The script answering a request.
     *
     * @param request the request
     * @return the script
     */
    static Script answer(ChatCompletionRequest request) {
        List<ChatMessage> messages = request.messages() == null ? List.of() : request.messages();
        ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        String effort = request.reasoningEffort();
        boolean reasons = effort != null && !effort.equalsIgnoreCase("none");

        ChatTool.FunctionDefinition tool = toolToCall(request);
        if (tool != null && last instanceof ChatMessage.UserMessage) {
            String arguments = OrsJson.write(synthesizeObject(tool.parameters()));
            Script.ToolCall call = Script.call(tool.name(), arguments)
                    .inFragments(fragments(arguments, ARGUMENT_FRAGMENT_LENGTH).toArray(String[]::new));
            return reasons
                    ? Script.reasoning(wordDeltas("The user asked something the tool " + tool.name()
                                    + " can answer, so I will call it."))
                            .thenToolCalls(call)
                    : Script.toolCalls(call);
        }

        String answer;
        String thought;
        if (last instanceof ChatMessage.ToolMessage toolMessage) {
            answer = "The tool returned: " + text(toolMessage.content());
            thought = "The tool has answered, so I will report what it returned.";
        } else if (last instanceof ChatMessage.FunctionMessage functionMessage) {
            answer = "The tool returned: " + text(functionMessage.content());
            thought = "The tool has answered, so I will report what it returned.";
        } else {
            answer = echo(lastUserMessage(messages));
            thought = "The user wrote something, so I will repeat it back.";
        }
        String[] words = wordDeltas(answer);
        Integer limit = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        boolean cut = limit != null && words.length > limit;
        if (cut) {
            words = Arrays.copyOf(words, Math.max(0, limit));
        }
        Script script = reasons ? Script.reasoning(wordDeltas(thought)).thenText(words) : Script.text(words);
        return cut ? script.finishReason("length") : script;
    }

    /** The function to call: the one a {@code tool_choice} names, else the first; none when choice is "none". */
    private static ChatTool.FunctionDefinition toolToCall(ChatCompletionRequest request) {
        if (request.tools() == null) {
            return null;
        }
        ChatToolChoice choice = request.toolChoice();
        if (choice instanceof ChatToolChoice.Mode mode && mode.value().equals("none")) {
            return null;
        }
        String forced = choice instanceof ChatToolChoice.FunctionChoice function ? function.name() : null;
        ChatTool.FunctionDefinition first = null;
        for (ChatTool tool : request.tools()) {
            if (tool instanceof ChatTool.FunctionTool function
                    && function.function() != null
                    && function.function().name() != null) {
                if (first == null) {
                    first = function.function();
                }
                if (function.function().name().equals(forced)) {
                    return function.function();
                }
            }
        }
        return first;
    }

    /** An object with a value for each of the schema's {@code properties}, in order. */
    static ObjectNode synthesizeObject(JsonNode schema) {
        ObjectNode object = NODES.objectNode();
        JsonNode properties = schema == null ? null : schema.get("properties");
        if (properties != null && properties.isObject()) {
            properties.properties().forEach(e -> object.set(e.getKey(), synthesizeValue(e.getKey(), e.getValue())));
        }
        return object;
    }

    private static JsonNode synthesizeValue(String name, JsonNode schema) {
        JsonNode values = schema.get("enum");
        if (values != null && values.isArray() && !values.isEmpty()) {
            return values.get(0);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        switch (typeOf(schema)) {
            case "string":
                String lower = name.toLowerCase(Locale.ROOT);
                return NODES.textNode(
                        lower.contains("location") || lower.contains("city") ? LOCATION_VALUE : STRING_VALUE);
            case "number":
            case "integer":
                return NODES.numberNode(1);
            case "boolean":
                return NODES.booleanNode(true);
            case "array":
                return NODES.arrayNode();
            case "object":
                return synthesizeObject(schema);
            default:
                return NODES.nullNode();
        }
    }

    /** The schema's type; of a type array the first that is not {@code null}; empty when absent. */
    private static String typeOf(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return schema.has("properties") ? "object" : "";
        }
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (t.isTextual() && !t.textValue().equals("null")) {
                    return t.textValue();
                }
            }
            return "";
        }
        return type.asText();
    }

    private static ChatMessage.UserMessage lastUserMessage(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof ChatMessage.UserMessage user) {
                return user;
            }
        }
        return null;
    }

    private static String echo(ChatMessage.UserMessage user) {
        if (user == null) {
            return "You said nothing.";
        }
        String said = text(user.content()).strip();
        boolean image = user.content() instanceof ChatContent.Parts parts
                && parts.parts().stream().anyMatch(ChatContentPart.ImageUrlPart.class::isInstance);
        if (said.isEmpty()) {
            return image ? "You sent an image." : "You said nothing.";
        }
        return "You said: " + said + (image ? " (with an image)" : "");
    }

    /** The text of a content: a string, or the text parts joined by spaces; empty when absent. */
    static String text(ChatContent content) {
        if (content == null) {
            return "";
        }
        if (content instanceof ChatContent.Parts parts) {
            List<String> texts = new ArrayList<>();
            for (ChatContentPart part : parts.parts()) {
                if (part instanceof ChatContentPart.TextPart textPart && textPart.text() != null) {
                    texts.add(textPart.text());
                }
            }
            return String.join(" ", texts);
        }
        return content.asText();
    }

    /** Splits text into words, each with the whitespace that follows it; joined they give the text back. */
    static String[] wordDeltas(String text) {
        List<String> deltas = new ArrayList<>();
        Matcher matcher = WORD_WITH_SPACE.matcher(text);
        int end = 0;
        while (matcher.find()) {
            String delta = matcher.group();
            if (deltas.isEmpty() && matcher.start() > 0) {
                delta = text.substring(0, matcher.start()) + delta; // leading whitespace joins the first word
            }
            deltas.add(delta);
            end = matcher.end();
        }
        if (end < text.length()) {
            deltas.add(text.substring(end)); // whitespace only
        }
        return deltas.toArray(String[]::new);
    }

    /** The number of words (runs of non-whitespace) in a text. */
    static int countWords(String text) {
        if (text == null) {
            return 0;
        }
        int count = 0;
        Matcher matcher = WORD.matcher(text);
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /** Splits text into pieces of at most {@code length} code points. */
    static List<String> fragments(String text, int length) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.offsetByCodePoints(start, Math.min(length, text.codePointCount(start, text.length())));
            pieces.add(text.substring(start, end));
            start = end;
        }
        if (pieces.isEmpty()) {
            pieces.add("");
        }
        return pieces;
    }
}
