package dev.orsgateway.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orsgateway.core.routing.RetryPolicy;
import dev.orsgateway.core.routing.Route;
import dev.orsgateway.core.routing.Target;
import dev.orsgateway.core.routing.ThinkTagMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone server's routing file ({@code ORS_CONFIG}): named upstreams, routes by model, and the retry policy,
 * in YAML ({@code .yaml}, {@code .yml}) or JSON. Every string may reference environment variables as {@code ${NAME}}
 * or {@code ${NAME:-default}}, so keys need not be written in the file. A file that is wrong in any way is refused
 * with a message naming the key.
 *
 * <pre>{@code
 * upstreams:
 *   openai:
 *     url: https://api.openai.com/v1
 *     api_key: ${OPENAI_API_KEY}
 *   ollama:
 *     url: http://localhost:11434/v1
 * routes:
 *   - model: gpt-*
 *     to: [openai, {upstream: ollama, model: llama3.2}]
 *   - model: "*"
 *     to: [ollama]
 * }</pre>
 *
 * @param upstreams the upstreams, in the file's order
 * @param routes the routes, in the file's order
 * @param retry the retry policy
 * @param literalSecrets the keys of credentials written in the file itself rather than taken from the environment
 */
public record RoutingConfig(
        List<UpstreamSpec> upstreams, List<Route> routes, RetryPolicy retry, List<String> literalSecrets) {

    /** The transports an upstream may name. */
    public static final List<String> TRANSPORTS = List.of("jdk", "jdk-inline", "okhttp");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Set<String> TOP = Set.of("upstreams", "routes", "retry");
    private static final Set<String> UPSTREAM = Set.of(
            "url",
            "api_key",
            "auth",
            "api_version",
            "headers",
            "transport",
            "connect_timeout",
            "read_timeout",
            "call_timeout",
            "tool_call_ids",
            "thought_signatures");
    private static final Set<String> ROUTE = Set.of("model", "to", "first_byte_timeout", "think_tags");
    private static final Set<String> TARGET = Set.of("upstream", "model");
    private static final Set<String> RETRY = Set.of("retries", "initial_backoff", "max_backoff", "deadline");

    /** Copies the lists. */
    public RoutingConfig {
        upstreams = List.copyOf(upstreams);
        routes = List.copyOf(routes);
        literalSecrets = List.copyOf(literalSecrets);
    }

    /**
     * One upstream of the file.
     *
     * @param name its name, which routes refer to
     * @param url the Chat Completions base URL, or {@code demo} for the built-in scripted model
     * @param apiKey the key, or null
     * @param auth how the key is sent: {@code bearer} ({@code Authorization: Bearer}, the default) or {@code azure}
     *     ({@code api-key} header)
     * @param headers extra headers sent with every call
     * @param transport {@code jdk}, {@code jdk-inline} or {@code okhttp}; null for the server's default
     * @param connectTimeout null for the server's default
     * @param readTimeout null for the transport's default
     * @param callTimeout null for the transport's default
     * @param mistralToolCallIds whether tool call ids in requests are rewritten to Mistral's nine letters and digits
     *     ({@code tool_call_ids: mistral}; see {@link dev.orsgateway.core.upstream.MistralToolCallIds})
     * @param geminiThoughtSignatures whether tool calls of the current turn without a thought signature get Google's
     *     sentinel ({@code thought_signatures: gemini}; see {@link dev.orsgateway.core.upstream.GeminiThoughtSignatures})
     */
    public record UpstreamSpec(
            String name,
            String url,
            String apiKey,
            String auth,
            Map<String, String> headers,
            String transport,
            Duration connectTimeout,
            Duration readTimeout,
            Duration callTimeout,
            boolean mistralToolCallIds,
            boolean geminiThoughtSignatures) {

        /** Copies the headers. */
        public UpstreamSpec {
            headers = Map.copyOf(headers);
        }

        /** Whether this is the built-in scripted model. */
        public boolean isDemo() {
            return "demo".equals(url);
        }
    }

    /** A routing file that cannot be used; the message names the file and the key. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code file}, resolving {@code ${NAME}} from {@code env}.
     *
     * @throws InvalidConfigException when the file is missing, unreadable, not YAML/JSON, or wrong in any key
     */
    public static RoutingConfig read(Path file, Map<String, String> env) {
        String where = "ORS_CONFIG " + file;
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException(where + ": no such file");
        } catch (IOException e) {
            throw new InvalidConfigException(where + ": cannot be read (" + e.getMessage() + ")");
        }
        String name =
                file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml")
                ? new ObjectMapper(new YAMLFactory())
                : new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException(where + ": not valid "
                    + (mapper.getFactory() instanceof YAMLFactory ? "YAML" : "JSON") + " (" + e.getOriginalMessage()
                    + ", line " + e.getLocation().getLineNr() + ")");
        }
        return new Reader(where, env).read(root);
    }

    /** Walks the tree, knowing where it is for every message. */
    private static final class Reader {
        private final String where;
        private final Map<String, String> env;
        private final List<String> literalSecrets = new ArrayList<>();

        Reader(String where, Map<String, String> env) {
            this.where = where;
            this.env = env;
        }

        RoutingConfig read(JsonNode root) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw fail("", "the file is empty; it needs 'upstreams' and 'routes'");
            }
            object(root, "", TOP);
            List<UpstreamSpec> upstreams = upstreams(required(root, "", "upstreams"));
            List<String> names = upstreams.stream().map(UpstreamSpec::name).toList();
            List<Route> routes = routes(required(root, "", "routes"), names);
            RetryPolicy retry = root.has("retry") ? retry(root.get("retry")) : RetryPolicy.DEFAULT;
            return new RoutingConfig(upstreams, routes, retry, literalSecrets);
        }

        private List<UpstreamSpec> upstreams(JsonNode node) {
            object(node, "upstreams", null);
            if (node.isEmpty()) {
                throw fail("upstreams", "name at least one upstream");
            }
            List<UpstreamSpec> upstreams = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String name = field.getKey();
                String key = "upstreams." + name;
                JsonNode spec = field.getValue();
                object(spec, key, UPSTREAM);
                String url = string(required(spec, key, "url"), key + ".url");
                if (!url.equals("demo") && !url.startsWith("http://") && !url.startsWith("https://")) {
                    throw fail(key + ".url", "must be an http:// or https:// URL (or 'demo'), was '" + url + "'");
                }
                String apiKey = null;
                if (spec.has("api_key")) {
                    JsonNode raw = spec.get("api_key");
                    apiKey = blankToNull(string(raw, key + ".api_key"));
                    if (apiKey != null
                            && raw.isTextual()
                            && !VARIABLE.matcher(raw.textValue()).find()) {
                        literalSecrets.add(key + ".api_key");
                    }
                }
                String auth = spec.has("auth") ? string(spec.get("auth"), key + ".auth") : "bearer";
                if (!auth.equals("bearer") && !auth.equals("azure")) {
                    throw fail(key + ".auth", "must be 'bearer' or 'azure', was '" + auth + "'");
                }
                if (auth.equals("azure") && apiKey == null) {
                    throw fail(key + ".api_key", "is required with auth: azure");
                }
                if (spec.has("api_version")) {
                    String version = string(spec.get("api_version"), key + ".api_version");
                    if (url.contains("api-version=")) {
                        throw fail(key + ".api_version", "is given twice: the url already has an api-version");
                    }
                    url = url + (url.contains("?") ? "&" : "?") + "api-version=" + version;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                if (spec.has("headers")) {
                    JsonNode headerNode = spec.get("headers");
                    object(headerNode, key + ".headers", null);
                    for (Map.Entry<String, JsonNode> header : headerNode.properties()) {
                        headers.put(header.getKey(), string(header.getValue(), key + ".headers." + header.getKey()));
                    }
                }
                String transport = null;
                if (spec.has("transport")) {
                    transport = string(spec.get("transport"), key + ".transport");
                    if (!TRANSPORTS.contains(transport)) {
                        throw fail(key + ".transport", "must be one of " + TRANSPORTS + ", was '" + transport + "'");
                    }
                }
                boolean mistralIds = false;
                if (spec.has("tool_call_ids")) {
                    String ids = string(spec.get("tool_call_ids"), key + ".tool_call_ids");
                    if (!ids.equals("mistral") && !ids.equals("as-is")) {
                        throw fail(
                                key + ".tool_call_ids",
                                "must be 'as-is' (the default) or 'mistral', was '" + ids + "'");
                    }
                    mistralIds = ids.equals("mistral");
                }
                boolean geminiSignatures = false;
                if (spec.has("thought_signatures")) {
                    String signatures = string(spec.get("thought_signatures"), key + ".thought_signatures");
                    if (!signatures.equals("gemini") && !signatures.equals("as-is")) {
                        throw fail(
                                key + ".thought_signatures",
                                "must be 'as-is' (the default) or 'gemini', was '" + signatures + "'");
                    }
                    geminiSignatures = signatures.equals("gemini");
                }
                upstreams.add(new UpstreamSpec(
                        name,
                        url,
                        apiKey,
                        auth,
                        headers,
                        transport,
                        optionalDuration(spec, key, "connect_timeout"),
                        optionalDuration(spec, key, "read_timeout"),
                        optionalDuration(spec, key, "call_timeout"),
                        mistralIds,
                        geminiSignatures));
            }
            return upstreams;
        }

        private List<Route> routes(JsonNode node, List<String> upstreams) {
            if (!node.isArray() || node.isEmpty()) {
                throw fail("routes", "must be a list of at least one route, e.g. [{model: \"*\", to: [ollama]}]");
            }
            List<Route> routes = new ArrayList<>();
            List<String> patterns = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                String key = "routes[" + i + "]";
                JsonNode spec = node.get(i);
                object(spec, key, ROUTE);
                String pattern = string(required(spec, key, "model"), key + ".model");
                if (pattern.isBlank()) {
                    throw fail(key + ".model", "must not be blank");
                }
                if (patterns.contains(pattern)) {
                    throw fail(key + ".model", "'" + pattern + "' is routed twice");
                }
                patterns.add(pattern);
                Route.Builder route = Route.forModel(pattern);
                JsonNode to = required(spec, key, "to");
                if (to.isTextual()) {
                    to = JsonNodeFactory.instance.arrayNode().add(to);
                }
                if (!to.isArray() || to.isEmpty()) {
                    throw fail(key + ".to", "must list at least one upstream");
                }
                for (int t = 0; t < to.size(); t++) {
                    route.to(target(to.get(t), key + ".to[" + t + "]", upstreams));
                }
                route.firstByteTimeout(optionalDuration(spec, key, "first_byte_timeout"));
                if (spec.has("think_tags")) {
                    route.thinkTags(thinkTags(spec.get("think_tags"), key + ".think_tags"));
                }
                routes.add(route.build());
            }
            return routes;
        }

        private ThinkTagMode thinkTags(JsonNode node, String key) {
            if (node.isBoolean()) {
                return node.booleanValue() ? ThinkTagMode.LEADING : ThinkTagMode.OFF;
            }
            String mode = node.isTextual() ? node.textValue().trim().toLowerCase(Locale.ROOT) : "";
            return switch (mode) {
                case "leading" -> ThinkTagMode.LEADING;
                case "prefilled" -> ThinkTagMode.PREFILLED;
                case "off" -> ThinkTagMode.OFF;
                default -> throw fail(key, "must be leading, prefilled or off (true: leading), was " + node);
            };
        }

        private Target target(JsonNode node, String key, List<String> upstreams) {
            String upstream;
            String model = null;
            if (node.isTextual()) {
                upstream = string(node, key);
            } else {
                object(node, key, TARGET);
                upstream = string(required(node, key, "upstream"), key + ".upstream");
                if (node.has("model")) {
                    model = string(node.get("model"), key + ".model");
                    if (model.isBlank()) {
                        throw fail(key + ".model", "must not be blank (leave it out to pass on the client's model)");
                    }
                }
            }
            if (!upstreams.contains(upstream)) {
                throw fail(
                        key,
                        "names upstream '" + upstream + "', which is not under 'upstreams' (there: "
                                + String.join(", ", upstreams) + ")");
            }
            return new Target(upstream, model);
        }

        private RetryPolicy retry(JsonNode node) {
            object(node, "retry", RETRY);
            RetryPolicy defaults = RetryPolicy.DEFAULT;
            int retries = defaults.retries();
            if (node.has("retries")) {
                JsonNode value = node.get("retries");
                if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 0) {
                    throw fail("retry.retries", "must be a whole number of at least 0");
                }
                retries = value.intValue();
            }
            Duration initial = orDefault(optionalDuration(node, "retry", "initial_backoff"), defaults.initialBackoff());
            Duration max = orDefault(optionalDuration(node, "retry", "max_backoff"), defaults.maxBackoff());
            Duration deadline = orDefault(optionalDuration(node, "retry", "deadline"), defaults.deadline());
            return new RetryPolicy(retries, initial, max, deadline);
        }

        // ---- values

        private Duration optionalDuration(JsonNode parent, String key, String field) {
            if (!parent.has(field)) {
                return null;
            }
            String path = key + "." + field;
            JsonNode node = parent.get(field);
            Duration duration;
            if (node.isIntegralNumber()) {
                duration = Duration.ofMillis(node.longValue());
            } else {
                String text = string(node, path).trim();
                Matcher matcher = DURATION.matcher(text.toLowerCase(Locale.ROOT));
                if (matcher.matches()) {
                    long amount = Long.parseLong(matcher.group(1));
                    duration = switch (matcher.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofHours(amount);
                    };
                } else {
                    try {
                        duration = Duration.parse(text);
                    } catch (DateTimeParseException e) {
                        throw fail(path, "must be a duration such as 500ms, 30s, 5m or PT30S, was '" + text + "'");
                    }
                }
            }
            if (duration.isNegative() || duration.isZero()) {
                throw fail(path, "must be positive");
            }
            return duration;
        }

        private String string(JsonNode node, String key) {
            if (node == null || !(node.isTextual() || node.isNumber() || node.isBoolean())) {
                throw fail(key, "must be a string");
            }
            String text = node.asText();
            Matcher matcher = VARIABLE.matcher(text);
            StringBuilder resolved = new StringBuilder();
            while (matcher.find()) {
                String value = env.get(matcher.group(1));
                if (value == null || value.isEmpty()) {
                    value = matcher.group(2);
                }
                if (value == null) {
                    throw fail(key, "references the environment variable " + matcher.group(1) + ", which is not set");
                }
                matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(resolved);
            return resolved.toString();
        }

        private void object(JsonNode node, String key, Set<String> allowed) {
            if (node == null || !node.isObject()) {
                throw fail(key, "must be a mapping of keys to values");
            }
            if (allowed == null) {
                return;
            }
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw fail(
                            key.isEmpty() ? name : key + "." + name,
                            "is not a known key (known here: "
                                    + String.join(
                                            ", ", allowed.stream().sorted().toList()) + ")");
                }
            }
        }

        private JsonNode required(JsonNode node, String key, String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw fail(key.isEmpty() ? field : key + "." + field, "is required");
            }
            return value;
        }

        private InvalidConfigException fail(String key, String problem) {
            return new InvalidConfigException(where + ": " + (key.isEmpty() ? "" : key + ": ") + problem);
        }

        private static Duration orDefault(Duration value, Duration fallback) {
            return value != null ? value : fallback;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }
}
