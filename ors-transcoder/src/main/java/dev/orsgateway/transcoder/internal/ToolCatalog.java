package dev.orsgateway.transcoder.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.chat.ChatTool;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Tool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every tool one response offers a chat model, each as a chat function under a name that follows Chat Completions'
 * rules ({@code ^[a-zA-Z0-9_-]{1,64}$}) and maps back one-to-one to what the client declared: function tools (top
 * level or inside a {@code namespace}), custom (freeform) tools, the client-executed built-ins ({@code local_shell},
 * {@code shell}, {@code apply_patch}, {@code tool_search} with client execution), and tools that a
 * {@code tool_search_output} of the conversation loaded. Hosted tools, which only the provider could run, are listed
 * apart. {@code docs/REQUEST-MAPPING.md} ("Tools") is the contract.
 *
 * <p>Names are assigned deterministically from the request and its conversation, so the translator and the stream's
 * session, which each build a catalog from the same inputs, agree on every name. Top-level functions keep their
 * names; every other tool gets its natural name ({@code namespace__name} inside a namespace, its own name for a
 * custom tool, its type for a built-in) with characters outside the pattern replaced by {@code _}, unless that name
 * is too long or taken, in which case it is cut and suffixed with 8 hex digits of a SHA-256 of what it stands for.
 */
public final class ToolCatalog {
    /** The longest chat function name. */
    static final int MAX_NAME = 64;

    private static final JsonNode LOCAL_SHELL_PARAMETERS = schema("""
                            {"type":"object","properties":{
                             "command":{"type":"array","items":{"type":"string"},
                              "description":"The program and its arguments, e.g. [\\"ls\\", \\"-la\\"]."},
                             "working_directory":{"type":"string","description":"The directory to run it in."},
                             "timeout_ms":{"type":"integer","description":"How long it may run, in milliseconds."},
                             "env":{"type":"object","additionalProperties":{"type":"string"},
                              "description":"Environment variables to set."},
                             "user":{"type":"string","description":"The user to run it as."}},
                             "required":["command"],"additionalProperties":false}""");

    private static final JsonNode SHELL_PARAMETERS = schema("""
                            {"type":"object","properties":{
                             "commands":{"type":"array","items":{"type":"string"},
                              "description":"The shell commands to run, in order."},
                             "timeout_ms":{"type":"integer","description":"How long they may run, in milliseconds."},
                             "max_output_length":{"type":"integer",
                              "description":"The most characters of output to return per command."}},
                             "required":["commands"],"additionalProperties":false}""");

    private static final JsonNode APPLY_PATCH_PARAMETERS = schema("""
                            {"type":"object","properties":{
                             "operation":{"type":"object","properties":{
                              "type":{"type":"string","enum":["create_file","update_file","delete_file"]},
                              "path":{"type":"string","description":"The file's path, relative to the workspace."},
                              "diff":{"type":"string","description":"The file's content or changes (see above)."}},
                              "required":["type","path"],"additionalProperties":false}},
                             "required":["operation"],"additionalProperties":false}""");

    private static final JsonNode TOOL_SEARCH_PARAMETERS = schema("""
                                    {"type":"object","properties":{
                                     "query":{"type":"string","description":"What the tools should do."},
                                     "limit":{"type":"integer","description":"The most tools to return."}},
                                     "required":["query"],"additionalProperties":false}""");

    /** What a chat function stands for. */
    public enum Kind {
        /** A function tool; its calls are {@code function_call} items. */
        FUNCTION,
        /** A custom (freeform) tool; its calls are {@code custom_tool_call} items. */
        CUSTOM,
        /** OpenAI's {@code local_shell}; {@code local_shell_call} items. */
        LOCAL_SHELL,
        /** OpenAI's {@code shell}; {@code shell_call} items. */
        SHELL,
        /** OpenAI's {@code apply_patch}; {@code apply_patch_call} items. */
        APPLY_PATCH,
        /** {@code tool_search} executed by the client; {@code tool_search_call} items. */
        TOOL_SEARCH;

        /** Whether calls of this kind become whole items of a built-in tool rather than streamed calls. */
        public boolean builtIn() {
            return this != FUNCTION && this != CUSTOM;
        }

        String type() {
            return switch (this) {
                case FUNCTION -> "function";
                case CUSTOM -> "custom";
                case LOCAL_SHELL -> "local_shell";
                case SHELL -> "shell";
                case APPLY_PATCH -> "apply_patch";
                case TOOL_SEARCH -> "tool_search";
            };
        }
    }

    /**
     * One chat function.
     *
     * @param kind what it stands for
     * @param namespace the namespace it was declared in, or null
     * @param name the name the client knows it by (the type, for built-ins)
     * @param upstreamName the chat function's name
     * @param topLevel whether it is a function or custom tool at the top level of {@code tools}
     * @param offered whether the upstream sees it (a tool with {@code defer_loading} waits until a tool search loads
     *     it)
     * @param definition the chat function
     */
    public record Entry(
            Kind kind,
            String namespace,
            String name,
            String upstreamName,
            boolean topLevel,
            boolean offered,
            ChatTool.FunctionDefinition definition) {}

    /**
     * A hosted tool: one the provider would run itself ({@code web_search}, {@code mcp}, ...).
     *
     * @param param where it is, e.g. {@code tools[3]}
     * @param label its type, with its name or server label when it has one
     */
    public record Hosted(String param, String label) {}

    private final List<Entry> entries;
    private final Map<String, Entry> byUpstream;
    private final Map<String, Entry> byKey;
    private final List<Hosted> hosted;

    private ToolCatalog(List<Entry> entries, List<Hosted> hosted) {
        this.entries = List.copyOf(entries);
        this.hosted = List.copyOf(hosted);
        Map<String, Entry> upstream = new HashMap<>();
        Map<String, Entry> keys = new HashMap<>();
        for (Entry entry : entries) {
            upstream.put(entry.upstreamName(), entry);
            keys.put(key(entry.kind(), entry.namespace(), entry.name()), entry);
        }
        this.byUpstream = upstream;
        this.byKey = keys;
    }

    /**
     * The catalog of {@code tools}, with the tools loaded by {@code tool_search_output} items of {@code history} and
     * {@code input} (either may be null).
     *
     * @param validate whether to reject invalid declarations with a 400; the stream's session builds from a request
     *     the translator already accepted, and skips what it cannot use
     */
    public static ToolCatalog of(List<Tool> tools, List<Item> history, List<Item> input, boolean validate) {
        return new Builder(validate).build(tools == null ? List.of() : tools, history, input);
    }

    /** Every chat function, in declaration order (the request's tools, then loaded ones). */
    public List<Entry> entries() {
        return entries;
    }

    /** The hosted tools, which no chat function stands for. */
    public List<Hosted> hosted() {
        return hosted;
    }

    /** The function behind a chat function name, or null. */
    public Entry byUpstreamName(String upstreamName) {
        return upstreamName == null ? null : byUpstream.get(upstreamName);
    }

    /** The top-level function or custom tool {@code name} of the request, or null. */
    public Entry topLevel(Kind kind, String name) {
        Entry entry = byKey.get(key(kind, null, name));
        return entry != null && entry.topLevel() && entry.kind() == kind ? entry : null;
    }

    /** The built-in of {@code kind} declared by the request, or null. */
    public Entry builtIn(Kind kind) {
        return byKey.get(key(kind, null, kind.type()));
    }

    /**
     * The chat function name a replayed call of {@code kind} ({@code namespace}, {@code name}) is sent under: its
     * entry's, or, for a tool no longer declared, its natural name (made valid, not reserved).
     */
    public String upstreamName(Kind kind, String namespace, String name) {
        Entry entry = byKey.get(key(kind, namespace, kind.builtIn() ? kind.type() : name));
        if (entry != null) {
            return entry.upstreamName();
        }
        if (kind.builtIn()) {
            return kind.type();
        }
        if (namespace == null && name != null && Checks.NAME.matcher(name).matches()) {
            return name;
        }
        String natural = sanitize(naturalName(namespace, name == null ? "" : name));
        return natural.length() <= MAX_NAME ? natural : hashed(natural, key(kind, namespace, name), 0);
    }

    private static String key(Kind kind, String namespace, String name) {
        // Functions and custom tools share one space of names (a namespace cannot hold both under one name).
        String space = kind.builtIn() ? "#" + kind.type() : "";
        return space + "\u0000" + (namespace == null ? "" : namespace) + "\u0000" + name;
    }

    static String naturalName(String namespace, String name) {
        return namespace == null ? name : namespace + "__" + name;
    }

    /** {@code name} with every character outside {@code [a-zA-Z0-9_-]} replaced by {@code _}; never empty. */
    static String sanitize(String name) {
        if (name.isEmpty()) {
            return "tool";
        }
        StringBuilder clean = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok && clean == null) {
                clean = new StringBuilder(name.length()).append(name, 0, i);
            }
            if (clean != null) {
                clean.append(ok ? c : '_');
            }
        }
        return clean == null ? name : clean.toString();
    }

    /** {@code base} cut to fit a suffix of 8 hex digits of {@code key}'s SHA-256 (and {@code _n} after the first). */
    static String hashed(String base, String key, int attempt) {
        String suffix = "_" + sha256Hex8(key) + (attempt == 0 ? "" : "_" + (attempt + 1));
        return base.substring(0, Math.min(base.length(), MAX_NAME - suffix.length())) + suffix;
    }

    private static String sha256Hex8(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(8);
            for (int i = 0; i < 4; i++) {
                hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16))
                        .append(Character.forDigit(digest[i] & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** Builds one catalog; not reusable. */
    private static final class Builder {
        private final boolean validate;
        private final List<Pending> pending = new ArrayList<>();
        private final List<Hosted> hosted = new ArrayList<>();
        private final Set<String> taken = new HashSet<>();
        private final Map<String, Pending> byKey = new LinkedHashMap<>();

        Builder(boolean validate) {
            this.validate = validate;
        }

        /** A tool before its name is assigned. */
        private static final class Pending {
            final Kind kind;
            final String namespace;
            final String name;
            final boolean topLevel;
            final boolean deferred;
            final String description;
            final JsonNode parameters;
            final Boolean strict;
            boolean loaded;
            String upstreamName;

            Pending(
                    Kind kind,
                    String namespace,
                    String name,
                    boolean topLevel,
                    boolean deferred,
                    String description,
                    JsonNode parameters,
                    Boolean strict) {
                this.kind = kind;
                this.namespace = namespace;
                this.name = name;
                this.topLevel = topLevel;
                this.deferred = deferred;
                this.description = description;
                this.parameters = parameters;
                this.strict = strict;
            }
        }

        ToolCatalog build(List<Tool> tools, List<Item> history, List<Item> input) {
            // Top-level functions keep their names: clients and models know them by these.
            for (int i = 0; i < tools.size(); i++) {
                if (tools.get(i) instanceof Tool.Function function) {
                    String param = "tools[" + i + "].name";
                    String name = function.name();
                    if (name == null) {
                        if (validate) {
                            throw Checks.missing(param, param + " is required on a function tool.");
                        }
                        continue;
                    }
                    if (!Checks.NAME.matcher(name).matches()) {
                        if (validate) {
                            throw Checks.reject(
                                    param,
                                    Checks.INVALID,
                                    param + " must match ^[a-zA-Z0-9_-]{1,64}$, got '" + Checks.clip(name) + "'.");
                        }
                        continue;
                    }
                    if (!taken.add(name) && validate) {
                        throw Checks.reject(param, Checks.INVALID, "Duplicate tool name '" + name + "' in tools.");
                    }
                }
            }
            for (int i = 0; i < tools.size(); i++) {
                declare(tools.get(i), i);
            }
            boolean clientSearch = byKey.containsKey(key(Kind.TOOL_SEARCH, null, "tool_search"));
            loadFrom(history);
            loadFrom(input);
            List<Entry> entries = new ArrayList<>(pending.size());
            for (Pending p : pending) {
                if (p.upstreamName == null) {
                    p.upstreamName = assign(key(p.kind, p.namespace, p.name), preferred(p));
                }
                // Deferred tools wait for a tool search to load them; with no client tool search in the request
                // nothing could load them (the hosted search cannot run here), so they are offered at once.
                boolean offered = !p.deferred || p.loaded || !clientSearch;
                entries.add(new Entry(p.kind, p.namespace, p.name, p.upstreamName, p.topLevel, offered, definition(p)));
            }
            return new ToolCatalog(entries, hosted);
        }

        private void declare(Tool tool, int i) {
            String at = "tools[" + i + "]";
            if (tool == null) {
                if (validate) {
                    throw Checks.missing(at, at + " is null; a tool is an object.");
                }
                return;
            }
            if (tool instanceof Tool.Function function) {
                if (function.name() == null
                        || !Checks.NAME.matcher(function.name()).matches()) {
                    return;
                }
                Pending p = new Pending(
                        Kind.FUNCTION,
                        null,
                        function.name(),
                        true,
                        isTrue(function.extra().get("defer_loading")),
                        function.description(),
                        function.parameters(),
                        function.strict());
                p.upstreamName = function.name();
                add(p, at + ".name");
                return;
            }
            Tool.Unknown other = (Tool.Unknown) tool;
            Map<String, JsonNode> fields = other.fields();
            String type = other.type() == null ? "" : other.type();
            switch (type) {
                case "namespace" -> namespace(fields, at);
                case "custom" -> {
                    String name = requiredName(fields, at);
                    if (name == null) {
                        return;
                    }
                    if (!Checks.NAME.matcher(name).matches()) {
                        if (validate) {
                            throw Checks.reject(
                                    at + ".name",
                                    Checks.INVALID,
                                    at + ".name must match ^[a-zA-Z0-9_-]{1,64}$, got '" + Checks.clip(name) + "'.");
                        }
                        return;
                    }
                    if (taken.contains(name)) {
                        if (validate) {
                            throw Checks.reject(
                                    at + ".name", Checks.INVALID, "Duplicate tool name '" + name + "' in tools.");
                        }
                        return;
                    }
                    taken.add(name);
                    Pending p = custom(null, name, fields, at, true);
                    if (p != null) {
                        p.upstreamName = name;
                        add(p, at + ".name");
                    }
                }
                case "local_shell" -> builtIn(Kind.LOCAL_SHELL, fields, at);
                case "shell" -> builtIn(Kind.SHELL, fields, at);
                case "apply_patch" -> builtIn(Kind.APPLY_PATCH, fields, at);
                case "tool_search" -> {
                    JsonNode execution = fields.get("execution");
                    if (execution != null && "client".equals(execution.asText())) {
                        builtIn(Kind.TOOL_SEARCH, fields, at);
                    } else {
                        hosted.add(new Hosted(at, "tool_search (server execution)"));
                    }
                }
                default -> hosted.add(new Hosted(at, label(type, fields)));
            }
        }

        private void namespace(Map<String, JsonNode> fields, String at) {
            String namespace = requiredName(fields, at);
            if (namespace == null) {
                return;
            }
            JsonNode members = fields.get("tools");
            if (members == null || !members.isArray()) {
                if (validate) {
                    throw Checks.missing(at + ".tools", at + ".tools is required on a namespace tool: an array.");
                }
                return;
            }
            for (int j = 0; j < members.size(); j++) {
                member(namespace, members.get(j), at + ".tools[" + j + "]", true);
            }
        }

        /** A function or custom tool of a namespace; {@code declared}: in the request, else loaded by a search. */
        private void member(String namespace, JsonNode member, String at, boolean declared) {
            if (member == null || !member.isObject()) {
                if (validate && declared) {
                    throw Checks.missing(at, at + " must be a tool object.");
                }
                return;
            }
            String type = member.path("type").asText("function");
            if (!type.equals("function") && !type.equals("custom")) {
                if (validate && declared) {
                    throw Checks.reject(
                            at + ".type",
                            Checks.UNSUPPORTED_TOOL,
                            at + ": tool type '" + Checks.clip(type)
                                    + "' is not supported in a namespace, which holds function and custom tools.");
                }
                return;
            }
            Map<String, JsonNode> fields = fieldsOf(member);
            String name = declared ? requiredName(fields, at) : text(fields, "name");
            if (name == null) {
                return;
            }
            Pending p;
            if (type.equals("function")) {
                JsonNode strictNode = fields.get("strict");
                p = new Pending(
                        Kind.FUNCTION,
                        namespace,
                        name,
                        false,
                        isTrue(fields.get("defer_loading")),
                        text(fields, "description"),
                        nonNull(fields.get("parameters")),
                        strictNode != null && strictNode.isBoolean() ? strictNode.booleanValue() : null);
            } else {
                p = custom(namespace, name, fields, at, declared);
            }
            if (p == null) {
                return;
            }
            if (declared) {
                add(p, at + ".name");
            } else {
                load(p);
            }
        }

        private Pending custom(String namespace, String name, Map<String, JsonNode> fields, String at, boolean strict) {
            JsonNode format = fields.get("format");
            String formatText;
            String inputDescription;
            String formatType = format == null || format.isNull()
                    ? "text"
                    : format.path("type").asText("");
            if (formatType.equals("text")) {
                formatText = "Pass the raw text as the one string argument `input`; the text itself is not JSON.";
                inputDescription = "The raw input text for the tool.";
            } else if (formatType.equals("grammar")) {
                JsonNode definition = format.get("definition");
                if (definition == null || !definition.isTextual()) {
                    if (validate && strict) {
                        throw Checks.missing(
                                at + ".format.definition",
                                at + ".format.definition is required on a grammar format: the grammar's text.");
                    }
                    return null;
                }
                String syntax = format.path("syntax").asText("");
                String what = switch (syntax) {
                    case "lark" -> "this Lark grammar";
                    case "regex" -> "this regular expression";
                    default -> syntax.isEmpty() ? "this grammar" : "this " + syntax + " grammar";
                };
                formatText =
                        "Pass the raw text as the one string argument `input`; the text itself is not JSON. It must"
                                + " match " + what + ":\n" + definition.textValue();
                inputDescription = "The raw input text, matching the grammar in the tool's description.";
            } else {
                if (validate && strict) {
                    throw Checks.reject(
                            at + ".format.type",
                            Checks.UNSUPPORTED_VALUE,
                            at + ".format.type '" + Checks.clip(formatType)
                                    + "' is not supported; use 'text' or 'grammar'.");
                }
                return null;
            }
            String description = text(fields, "description");
            description = description == null || description.isBlank() ? formatText : description + "\n\n" + formatText;
            ObjectNode parameters = OrsJson.mapper().createObjectNode().put("type", "object");
            parameters
                    .putObject("properties")
                    .putObject("input")
                    .put("type", "string")
                    .put("description", inputDescription);
            parameters.putArray("required").add("input");
            parameters.put("additionalProperties", false);
            return new Pending(
                    Kind.CUSTOM,
                    namespace,
                    name,
                    namespace == null,
                    isTrue(fields.get("defer_loading")),
                    description,
                    parameters,
                    null);
        }

        private void builtIn(Kind kind, Map<String, JsonNode> fields, String at) {
            String description;
            JsonNode parameters;
            switch (kind) {
                case LOCAL_SHELL -> {
                    description = "Runs a command on the user's machine and returns its output.";
                    parameters = LOCAL_SHELL_PARAMETERS;
                }
                case SHELL -> {
                    description = "Runs shell commands on the user's machine and returns their output.";
                    parameters = SHELL_PARAMETERS;
                }
                case APPLY_PATCH -> {
                    description = "Creates, updates or deletes one file. For create_file, `diff` holds the new file's"
                            + " lines, each prefixed with '+'. For update_file, `diff` holds the changes as hunks:"
                            + " each hunk starts with '@@' (optionally followed by a line that locates it), then"
                            + " lines prefixed with ' ' (context), '-' (removed) or '+' (added). delete_file needs no"
                            + " diff.";
                    parameters = APPLY_PATCH_PARAMETERS;
                }
                case TOOL_SEARCH -> {
                    String given = text(fields, "description");
                    description = given != null && !given.isBlank()
                            ? given
                            : "Searches for more tools and makes the ones that match available for the next step.";
                    JsonNode givenParameters = nonNull(fields.get("parameters"));
                    parameters = givenParameters != null ? givenParameters : TOOL_SEARCH_PARAMETERS;
                }
                default -> throw new IllegalArgumentException(kind.toString());
            }
            if (byKey.containsKey(key(kind, null, kind.type()))) {
                if (validate) {
                    throw Checks.reject(
                            at + ".type",
                            Checks.INVALID,
                            at + ": a " + kind.type() + " tool is declared twice in tools.");
                }
                return;
            }
            add(new Pending(kind, null, kind.type(), false, false, description, parameters, null), at + ".type");
        }

        private void add(Pending p, String param) {
            String key = key(p.kind, p.namespace, p.name);
            if (byKey.containsKey(key)) {
                if (validate) {
                    throw Checks.reject(
                            param,
                            Checks.INVALID,
                            "Duplicate tool name '" + naturalName(p.namespace, p.name) + "' in tools.");
                }
                return;
            }
            byKey.put(key, p);
            pending.add(p);
        }

        /** A tool a tool search loaded: already declared (then it is now offered) or new. */
        private void load(Pending p) {
            Pending existing = byKey.get(key(p.kind, p.namespace, p.name));
            if (existing != null) {
                existing.loaded = true;
                return;
            }
            p.loaded = true;
            byKey.put(key(p.kind, p.namespace, p.name), p);
            pending.add(p);
        }

        private void loadFrom(List<Item> items) {
            if (items == null) {
                return;
            }
            for (Item item : items) {
                if (!(item instanceof Item.Unknown unknown) || !"tool_search_output".equals(unknown.type())) {
                    continue;
                }
                JsonNode loaded = unknown.fields().get("tools");
                if (loaded == null || !loaded.isArray()) {
                    continue;
                }
                for (JsonNode tool : loaded) {
                    String type = tool.path("type").asText("");
                    if (type.equals("namespace")) {
                        String namespace =
                                tool.path("name").isTextual() ? tool.get("name").textValue() : null;
                        JsonNode members = tool.get("tools");
                        if (namespace != null && members != null && members.isArray()) {
                            for (JsonNode member : members) {
                                member(namespace, member, "", false);
                            }
                        }
                    } else if (type.equals("function") || type.equals("custom")) {
                        member(null, tool, "", false);
                    }
                }
            }
        }

        private String preferred(Pending p) {
            return p.kind.builtIn() ? p.kind.type() : naturalName(p.namespace, p.name);
        }

        private String assign(String key, String preferred) {
            String candidate = sanitize(preferred);
            if (candidate.length() <= MAX_NAME && taken.add(candidate)) {
                return candidate;
            }
            for (int attempt = 0; ; attempt++) {
                String hashed = hashed(candidate, key, attempt);
                if (taken.add(hashed)) {
                    return hashed;
                }
            }
        }

        private String requiredName(Map<String, JsonNode> fields, String at) {
            String name = text(fields, "name");
            if ((name == null || name.isEmpty()) && validate) {
                throw Checks.missing(at + ".name", at + ".name is required.");
            }
            return name == null || name.isEmpty() ? null : name;
        }

        private static ChatTool.FunctionDefinition definition(Pending p) {
            return new ChatTool.FunctionDefinition(p.upstreamName, p.description, p.parameters, p.strict);
        }

        private static String label(String type, Map<String, JsonNode> fields) {
            String name = text(fields, "name");
            if (name == null) {
                name = text(fields, "server_label");
            }
            return (type.isEmpty() ? "(no type)" : type) + (name == null ? "" : " '" + name + "'");
        }
    }

    static Map<String, JsonNode> fieldsOf(JsonNode object) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        object.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        return fields;
    }

    static String text(Map<String, JsonNode> fields, String key) {
        JsonNode value = fields.get(key);
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    private static boolean isTrue(JsonNode value) {
        return value != null && value.isBoolean() && value.booleanValue();
    }

    private static JsonNode nonNull(JsonNode value) {
        return value == null || value.isNull() ? null : value;
    }

    private static JsonNode schema(String json) {
        try {
            return OrsJson.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
