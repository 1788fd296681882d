package dev.orsgateway.transcoder.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.Item;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The items of OpenAI's client-executed tools, which the model kept as {@link Item.Unknown} (every field as read):
 * {@code tool_search_call} / {@code tool_search_output}, {@code local_shell_call} / {@code local_shell_call_output},
 * {@code shell_call} / {@code shell_call_output}, {@code apply_patch_call} / {@code apply_patch_call_output}. One
 * direction maps them to chat tool calls and tool messages; the other builds the call items from a chat call's
 * arguments. {@code docs/REQUEST-MAPPING.md} ("Tools") describes both.
 */
public final class BuiltInItems {
    private static final Set<String> TYPES = Set.of(
            "tool_search_call",
            "tool_search_output",
            "local_shell_call",
            "local_shell_call_output",
            "shell_call",
            "shell_call_output",
            "apply_patch_call",
            "apply_patch_call_output");

    private BuiltInItems() {}

    /**
     * A chat tool call ({@code isCall}) or tool message, as an item maps to it.
     *
     * @param isCall whether it is the model's call (else the client's output)
     * @param callId the call id, or null when the item has none
     * @param upstreamName the chat function's name (calls only)
     * @param text the call's arguments, or the tool message's content
     */
    record Mapped(boolean isCall, String callId, String upstreamName, String text) {}

    /** Whether {@code type} is one of the item types this class maps. */
    static boolean handles(String type) {
        return TYPES.contains(type);
    }

    /** The arguments a custom tool's chat function receives for {@code input}. */
    static String customArguments(String input) {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode();
        arguments.put("input", input);
        return OrsJson.write(arguments);
    }

    /**
     * What {@code item} maps to, or null for an item that has no chat form: the record of a search the provider ran
     * itself ({@code execution: server}).
     */
    static Mapped map(Item.Unknown item, ToolCatalog catalog) {
        Map<String, JsonNode> fields = item.fields();
        String callId = ToolCatalog.text(fields, "call_id");
        return switch (item.type()) {
            case "tool_search_call" -> {
                if ("server".equals(ToolCatalog.text(fields, "execution"))) {
                    yield null;
                }
                JsonNode arguments = fields.get("arguments");
                yield new Mapped(
                        true,
                        callId,
                        catalog.upstreamName(ToolCatalog.Kind.TOOL_SEARCH, null, null),
                        arguments == null || arguments.isNull() ? "{}" : OrsJson.write(arguments));
            }
            case "tool_search_output" -> {
                if ("server".equals(ToolCatalog.text(fields, "execution"))) {
                    yield null;
                }
                yield new Mapped(false, callId, null, loadedTools(fields.get("tools"), catalog));
            }
            case "local_shell_call" -> {
                ObjectNode arguments = JsonNodeFactory.instance.objectNode();
                JsonNode action = fields.get("action");
                if (action != null && action.isObject()) {
                    action.properties().forEach(e -> {
                        if (!e.getKey().equals("type") && !e.getValue().isNull()) {
                            arguments.set(e.getKey(), e.getValue());
                        }
                    });
                }
                yield new Mapped(
                        true,
                        callId,
                        catalog.upstreamName(ToolCatalog.Kind.LOCAL_SHELL, null, null),
                        OrsJson.write(arguments));
            }
            case "local_shell_call_output" -> {
                // OpenAI's type names the call by id ("the unique ID of the local shell tool call"); call_id wins.
                String answered = callId != null ? callId : ToolCatalog.text(fields, "id");
                yield new Mapped(false, answered, null, textOf(fields.get("output")));
            }
            case "shell_call" -> {
                JsonNode action = fields.get("action");
                yield new Mapped(
                        true,
                        callId,
                        catalog.upstreamName(ToolCatalog.Kind.SHELL, null, null),
                        action == null || action.isNull() ? "{}" : OrsJson.write(action));
            }
            case "shell_call_output" -> new Mapped(false, callId, null, textOf(fields.get("output")));
            case "apply_patch_call" -> {
                ObjectNode arguments = JsonNodeFactory.instance.objectNode();
                JsonNode operation = fields.get("operation");
                if (operation != null) {
                    arguments.set("operation", operation);
                }
                yield new Mapped(
                        true,
                        callId,
                        catalog.upstreamName(ToolCatalog.Kind.APPLY_PATCH, null, null),
                        OrsJson.write(arguments));
            }
            case "apply_patch_call_output" -> {
                String status = ToolCatalog.text(fields, "status");
                String output = ToolCatalog.text(fields, "output");
                String text;
                if (output == null || output.isEmpty()) {
                    text = status == null ? "" : status;
                } else {
                    text = "failed".equals(status) ? "failed: " + output : output;
                }
                yield new Mapped(false, callId, null, text);
            }
            default -> throw new IllegalArgumentException(item.type());
        };
    }

    /** What a tool message says about a search's result: the chat names of the tools now callable. */
    private static String loadedTools(JsonNode tools, ToolCatalog catalog) {
        ArrayNode names = JsonNodeFactory.instance.arrayNode();
        if (tools != null && tools.isArray()) {
            for (JsonNode tool : tools) {
                String type = tool.path("type").asText("");
                if (type.equals("namespace") && tool.path("name").isTextual()) {
                    for (JsonNode member : tool.path("tools")) {
                        String name = member.path("name").asText(null);
                        if (name != null) {
                            names.add(catalog.upstreamName(
                                    kindOf(member), tool.get("name").textValue(), name));
                        }
                    }
                } else if ((type.equals("function") || type.equals("custom"))
                        && tool.path("name").isTextual()) {
                    names.add(catalog.upstreamName(
                            kindOf(tool), null, tool.get("name").textValue()));
                }
            }
        }
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.set("loaded_tools", names);
        return OrsJson.write(content);
    }

    private static ToolCatalog.Kind kindOf(JsonNode tool) {
        return "custom".equals(tool.path("type").asText("function"))
                ? ToolCatalog.Kind.CUSTOM
                : ToolCatalog.Kind.FUNCTION;
    }

    /** A string as is; anything else (a shell call's output entries) as its JSON. */
    private static String textOf(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        return value.isTextual() ? value.textValue() : OrsJson.write(value);
    }

    // ---- from a chat call's arguments to an item

    /**
     * The item of a finished call of a built-in, or null when its arguments do not make one (not JSON, or missing
     * what the item requires); the caller then falls back to a plain {@code function_call}.
     *
     * @param kind the built-in
     * @param id makes the item id (asked only when there is an item)
     * @param callId the call id
     * @param arguments the chat call's arguments
     * @param status the item's status
     */
    public static Item.Unknown callItem(
            ToolCatalog.Kind kind, Supplier<String> id, String callId, String arguments, String status) {
        JsonNode parsed;
        try {
            parsed = OrsJson.mapper().readTree(arguments.isBlank() ? "{}" : arguments);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (parsed == null || !parsed.isObject()) {
            return null;
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        fields.put("id", null);
        fields.put("call_id", TextNode.valueOf(callId));
        switch (kind) {
            case TOOL_SEARCH -> {
                fields.put("execution", TextNode.valueOf("client"));
                fields.put("arguments", parsed);
            }
            case LOCAL_SHELL -> {
                JsonNode command = parsed.get("command");
                if (!isStringArray(command)) {
                    return null;
                }
                ObjectNode action = JsonNodeFactory.instance.objectNode();
                action.put("type", "exec");
                action.set("command", command);
                JsonNode env = parsed.get("env");
                action.set("env", env != null && env.isObject() ? env : JsonNodeFactory.instance.objectNode());
                copy(parsed, action, "timeout_ms", "user", "working_directory");
                fields.put("action", action);
            }
            case SHELL -> {
                JsonNode commands = parsed.get("commands");
                if (!isStringArray(commands)) {
                    return null;
                }
                ObjectNode action = JsonNodeFactory.instance.objectNode();
                action.set("commands", commands);
                copy(parsed, action, "timeout_ms", "max_output_length");
                fields.put("action", action);
            }
            case APPLY_PATCH -> {
                JsonNode operation = parsed.get("operation");
                if (operation == null || !operation.isObject()) {
                    return null;
                }
                String type = operation.path("type").asText("");
                if (!operation.path("path").isTextual()
                        || !List.of("create_file", "update_file", "delete_file").contains(type)
                        || (!type.equals("delete_file")
                                && !operation.path("diff").isTextual())) {
                    return null;
                }
                ObjectNode op = JsonNodeFactory.instance.objectNode();
                op.put("type", type);
                op.set("path", operation.get("path"));
                if (!type.equals("delete_file")) {
                    op.set("diff", operation.get("diff"));
                }
                fields.put("operation", op);
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
        fields.put("id", TextNode.valueOf(id.get()));
        fields.put("status", TextNode.valueOf(status));
        return new Item.Unknown(itemType(kind), fields);
    }

    /** The item type of calls of {@code kind}. */
    public static String itemType(ToolCatalog.Kind kind) {
        return switch (kind) {
            case TOOL_SEARCH -> "tool_search_call";
            case LOCAL_SHELL -> "local_shell_call";
            case SHELL -> "shell_call";
            case APPLY_PATCH -> "apply_patch_call";
            case FUNCTION -> "function_call";
            case CUSTOM -> "custom_tool_call";
        };
    }

    /** The same call item with another status. */
    public static Item.Unknown withStatus(Item.Unknown item, String status) {
        Map<String, JsonNode> fields = new LinkedHashMap<>(item.fields());
        fields.put("status", TextNode.valueOf(status));
        return new Item.Unknown(item.type(), fields);
    }

    private static void copy(JsonNode from, ObjectNode to, String... keys) {
        for (String key : keys) {
            JsonNode value = from.get(key);
            if (value != null && !value.isNull()) {
                to.set(key, value);
            }
        }
    }

    private static boolean isStringArray(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            return false;
        }
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
