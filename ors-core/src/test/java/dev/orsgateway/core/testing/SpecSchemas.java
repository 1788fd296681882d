package dev.orsgateway.core.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Draft202012;
import com.networknt.schema.keyword.AnnotationKeyword;
import com.networknt.schema.path.PathType;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Test fixture: validates JSON against the component schemas of the Open Responses OpenAPI document
 * ({@code openresponses/openapi.json} on the test classpath, release 2026-04-24, see the README.md beside it).
 *
 * <p>Validation is JSON Schema draft 2020-12 (the OpenAPI 3.1 default dialect) with networknt
 * json-schema-validator 2.x. The whole document is registered under one IRI, so {@code $ref}s such as
 * {@code #/components/schemas/Usage} resolve inside it; nothing is fetched from the network. OpenAPI-only
 * keywords ({@code discriminator}, {@code example}, {@code x-*}) are unknown to the draft 2020-12 dialect and are
 * ignored: {@code oneOf} therefore has its plain "exactly one branch" meaning. {@code format} is an annotation
 * only (no format assertions); the 2026-04-24 document has no {@code format} keyword anyway.
 *
 * <p>Values that are not a {@link JsonNode} are serialized with {@link OrsJson#mapper()} first, so a model
 * class is checked exactly as the gateway would write it (including its null-omission rules).
 *
 * <p>OpenAI's tool items, tools, tool choices and events that the spec does not define (served, unprefixed, only to
 * clients that send OpenAI's tool types; see {@code docs/REQUEST-MAPPING.md}) are validated against
 * {@code openai/tool-items.schema.json} instead (see the README.md beside it), and the rest of the response or event
 * around them against the spec: {@link #assertValidResponse}, {@link #assertValidEvent}, {@link #responseErrors},
 * {@link #eventErrors} and {@link #inputItemErrors} do this; {@link #errors} and {@link #assertValid} check one spec
 * schema only.
 *
 * <p>This gateway's own extensions (slug {@code ors:}: the events {@link #ORS_EVENT_SCHEMAS} and the
 * {@value #ORS_AUDIO_FIELD} field of {@code output_text} parts) are validated against {@code ors/extensions.schema.json}
 * by the same methods; the parts, items and responses that carry the field are still validated against the spec,
 * which allows extra fields there.
 *
 * <p>Thread-safe; the documents are read and parsed once per class loader.
 */
public final class SpecSchemas {

    /** Classpath location of the spec copy. */
    public static final String RESOURCE = "openresponses/openapi.json";

    /**
     * IRI the document is registered under. It is the published location of the release, but it is served from
     * the classpath copy: the library's default loader, used here, never fetches over the network.
     */
    public static final String DOCUMENT_IRI = "https://openresponses.org/openapi/2026-04-24/openapi.json";

    /** Classpath location of the schema of OpenAI's shapes the spec does not define. */
    public static final String OPENAI_RESOURCE = "openai/tool-items.schema.json";

    /** The IRI the OpenAI schema document is registered under (its {@code $id}; never fetched). */
    public static final String OPENAI_IRI = "https://ors-gateway.dev/test/openai/tool-items.schema.json";

    /** The item types of OpenAI's that the spec does not define, validated against the OpenAI schema. */
    public static final Set<String> OPENAI_ITEM_TYPES = Set.of(
            "custom_tool_call",
            "custom_tool_call_output",
            "tool_search_call",
            "tool_search_output",
            "local_shell_call",
            "local_shell_call_output",
            "shell_call",
            "shell_call_output",
            "apply_patch_call",
            "apply_patch_call_output");

    /** OpenAI's event types that the spec does not define, to the OpenAI schema of each. */
    public static final Map<String, String> OPENAI_EVENT_SCHEMAS = Map.of(
            "response.custom_tool_call_input.delta", "CustomToolCallInputDeltaEvent",
            "response.custom_tool_call_input.done", "CustomToolCallInputDoneEvent");

    /** Classpath location of the schema of this gateway's own extensions. */
    public static final String ORS_RESOURCE = "ors/extensions.schema.json";

    /** The IRI the extensions schema document is registered under (its {@code $id}; never fetched). */
    public static final String ORS_IRI = "https://ors-gateway.dev/test/ors/extensions.schema.json";

    /** This gateway's extension event types, to the schema of each in the extensions schema. */
    public static final Map<String, String> ORS_EVENT_SCHEMAS = Map.of(
            "ors:output_audio.delta", "OutputAudioDeltaEvent",
            "ors:output_audio.done", "OutputAudioDoneEvent");

    /** The extension field of an {@code output_text} part that carries the audio it transcribes. */
    public static final String ORS_AUDIO_FIELD = "ors:output_audio";

    private static final String SCHEMAS_POINTER = "/components/schemas";
    private static final String EVENT_SCHEMA_SUFFIX = "StreamingEvent";

    private SpecSchemas() {}

    private static final class Holder {
        static final Spec SPEC = load();

        private static Spec load() {
            try {
                Class.forName("com.networknt.schema.SchemaRegistry", false, SpecSchemas.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                // Test-scope dependencies of ors-core do not reach modules that use its test-jar.
                throw new IllegalStateException(
                        "SpecSchemas needs com.networknt:json-schema-validator on the test classpath: add it to this"
                                + " module's pom with <scope>test</scope> (the version is managed by ors-parent)",
                        e);
            }
            return Spec.load();
        }
    }

    private static final class Spec {
        final JsonNode document;
        final SchemaRegistry registry;
        final Map<String, String> eventSchemaByType;
        final Map<String, Schema> schemas = new ConcurrentHashMap<>();
        final Map<String, Schema> openAiSchemas = new ConcurrentHashMap<>();
        final Map<String, Schema> orsSchemas = new ConcurrentHashMap<>();

        private Spec(JsonNode document, SchemaRegistry registry, Map<String, String> eventSchemaByType) {
            this.document = document;
            this.registry = registry;
            this.eventSchemaByType = eventSchemaByType;
        }

        static Spec load() {
            String text = readResource(RESOURCE);
            String openAi = readResource(OPENAI_RESOURCE);
            String ors = readResource(ORS_RESOURCE);
            JsonNode document;
            try {
                document = OrsJson.mapper().readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("classpath:" + RESOURCE + " is not valid JSON", e);
            }
            if (!document.at(SCHEMAS_POINTER).isObject()) {
                throw new IllegalStateException("classpath:" + RESOURCE + " has no " + SCHEMAS_POINTER);
            }
            SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                    .formatAssertionsEnabled(false)
                    .pathType(PathType.JSON_PATH)
                    .build();
            // Draft 2020-12, but keywords it does not know (OpenAPI's discriminator and example, x-* extensions)
            // are plain annotations without the library's "Unknown keyword" warning for each of them.
            Dialect dialect = Dialect.builder(Draft202012.getInstance())
                    .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
                    .build();
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                    dialect,
                    builder -> builder.schemaRegistryConfig(config)
                            .schemas(Map.of(DOCUMENT_IRI, text, OPENAI_IRI, openAi, ORS_IRI, ors)));
            return new Spec(document, registry, eventMap(document));
        }

        /** Maps each streaming event type to its schema, from the {@code enum} of each event schema's type. */
        private static Map<String, String> eventMap(JsonNode document) {
            Map<String, String> byType = new TreeMap<>();
            for (Map.Entry<String, JsonNode> entry :
                    document.at(SCHEMAS_POINTER).properties()) {
                String name = entry.getKey();
                if (!name.endsWith(EVENT_SCHEMA_SUFFIX)) {
                    continue;
                }
                JsonNode values = entry.getValue().at("/properties/type/enum");
                if (!values.isArray() || values.isEmpty()) {
                    throw new IllegalStateException(name + " has no properties.type.enum");
                }
                for (JsonNode value : values) {
                    if (!value.isTextual()) {
                        throw new IllegalStateException(name + " has a non-string type enum value " + value);
                    }
                    String previous = byType.putIfAbsent(value.asText(), name);
                    if (previous != null) {
                        throw new IllegalStateException(
                                "event type " + value + " is declared by both " + previous + " and " + name);
                    }
                }
            }
            return Collections.unmodifiableMap(byType);
        }

        Schema schema(String name) {
            if (!document.at(SCHEMAS_POINTER).has(name)) {
                throw new IllegalArgumentException("no schema #" + SCHEMAS_POINTER + "/" + name + " in " + RESOURCE);
            }
            return schemas.computeIfAbsent(name, n -> {
                Schema schema = registry.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + SCHEMAS_POINTER + "/" + n));
                // Resolve every $ref now, so a broken reference fails here rather than mid-validation.
                schema.initializeValidators();
                return schema;
            });
        }

        Schema openAiSchema(String name) {
            return openAiSchemas.computeIfAbsent(name, n -> {
                Schema schema = registry.getSchema(SchemaLocation.of(OPENAI_IRI + "#/$defs/" + n));
                schema.initializeValidators();
                return schema;
            });
        }

        Schema orsSchema(String name) {
            return orsSchemas.computeIfAbsent(name, n -> {
                Schema schema = registry.getSchema(SchemaLocation.of(ORS_IRI + "#/$defs/" + n));
                schema.initializeValidators();
                return schema;
            });
        }

        private static String readResource(String resource) {
            ClassLoader loader = SpecSchemas.class.getClassLoader();
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("classpath:" + resource
                            + " not found; depend on ors-core's test-jar (type test-jar, scope test)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read classpath:" + resource, e);
            }
        }
    }

    /**
     * Validation messages of {@code instance} against {@code #/components/schemas/<schemaName>}; empty when
     * valid. Each message starts with the instance location (a JSON path such as {@code $.output[0].content}).
     *
     * @throws IllegalArgumentException if the document has no such schema
     */
    public static List<String> errors(String schemaName, JsonNode instance) {
        if (instance == null) {
            throw new IllegalArgumentException("instance is null; pass NullNode for a JSON null");
        }
        List<Error> errors = Holder.SPEC.schema(schemaName).validate(instance);
        List<String> messages = new ArrayList<>(errors.size());
        for (Error error : errors) {
            messages.add(error.toString());
        }
        return List.copyOf(messages);
    }

    /**
     * Fails with an {@link AssertionError} listing the JSON and every validation message unless
     * {@code valueOrNode} is valid against {@code #/components/schemas/<schemaName>}. A value that is not a
     * {@link JsonNode} is serialized with {@link OrsJson#mapper()} first (a {@link String} becomes a JSON string;
     * parse JSON text with {@link #json(String)}).
     */
    public static void assertValid(String schemaName, Object valueOrNode) {
        JsonNode node = toNode(valueOrNode);
        List<String> errors = errors(schemaName, node);
        if (!errors.isEmpty()) {
            throw new AssertionError(failure("not a valid " + schemaName, node, errors));
        }
    }

    /**
     * Fails with an {@link AssertionError} if {@code valueOrNode} is valid against {@code schemaName}; returns
     * the validation messages otherwise, for further checks.
     */
    public static List<String> assertInvalid(String schemaName, Object valueOrNode) {
        JsonNode node = toNode(valueOrNode);
        List<String> errors = errors(schemaName, node);
        if (errors.isEmpty()) {
            throw new AssertionError("expected an invalid " + schemaName + " but it is valid:\n" + pretty(node));
        }
        return errors;
    }

    /**
     * Fails unless the response object is valid: against {@code ResponseResource}, with OpenAI's items, tools and
     * tool choice the spec does not define checked against the OpenAI schema instead (see {@link #responseErrors}).
     */
    public static void assertValidResponse(Object responseOrNode) {
        JsonNode node = toNode(responseOrNode);
        List<String> errors = responseErrors(node);
        if (!errors.isEmpty()) {
            throw new AssertionError(failure("not a valid ResponseResource", node, errors));
        }
    }

    /**
     * Validates one streaming event against the schema for its {@code type} (see {@link #eventSchemaByType()}), or,
     * for OpenAI's events and items the spec does not define, against the OpenAI schema (see {@link #eventErrors});
     * fails if the event has no string {@code type} or its type is known to neither.
     */
    public static void assertValidEvent(JsonNode event) {
        List<String> errors = eventErrors(event);
        if (!errors.isEmpty()) {
            String type = event.path("type").asText("");
            String schema = OPENAI_EVENT_SCHEMAS.containsKey(type)
                    ? "OpenAI " + OPENAI_EVENT_SCHEMAS.get(type)
                    : ORS_EVENT_SCHEMAS.containsKey(type)
                            ? "ORS " + ORS_EVENT_SCHEMAS.get(type)
                            : OPENAI_ITEM_TYPES.contains(
                                            event.path("item").path("type").asText(""))
                                    ? "OpenAI OutputItemEvent"
                                    : eventSchemaName(event);
            throw new AssertionError(failure("not a valid " + schema, event, errors));
        }
    }

    /**
     * Validation messages of a response object: OpenAI-only output items ({@link #OPENAI_ITEM_TYPES}), tools of
     * types other than {@code function} and a {@code tool_choice} of another type are checked against the OpenAI
     * schema (messages prefixed with where they are), and the response without them against
     * {@code ResponseResource}.
     */
    public static List<String> responseErrors(JsonNode response) {
        List<String> errors = new ArrayList<>();
        JsonNode stripped = strip(response, errors, "$");
        errors.addAll(errors("ResponseResource", stripped));
        audioFieldErrors(response, "$", errors);
        return List.copyOf(errors);
    }

    /**
     * Validation messages of one streaming event: OpenAI's custom tool input events and {@code output_item} events
     * carrying an OpenAI-only item against the OpenAI schema; this gateway's extension events against the extensions
     * schema; lifecycle events with their response checked as {@link #responseErrors} does; every other event
     * against its spec schema (and any {@value #ORS_AUDIO_FIELD} field in it against the extensions schema).
     */
    public static List<String> eventErrors(JsonNode event) {
        JsonNode type = event == null ? null : event.get("type");
        if (type != null && type.isTextual() && OPENAI_EVENT_SCHEMAS.containsKey(type.asText())) {
            return openAiErrors(OPENAI_EVENT_SCHEMAS.get(type.asText()), event);
        }
        if (type != null && type.isTextual() && ORS_EVENT_SCHEMAS.containsKey(type.asText())) {
            return orsErrors(ORS_EVENT_SCHEMAS.get(type.asText()), event);
        }
        List<String> audio = new ArrayList<>();
        audioFieldErrors(event, "$", audio);
        if (!audio.isEmpty()) {
            List<String> errors = new ArrayList<>(audio);
            errors.addAll(standardEventErrors(event));
            return List.copyOf(errors);
        }
        return standardEventErrors(event);
    }

    private static List<String> standardEventErrors(JsonNode event) {
        String item = event == null ? "" : event.path("item").path("type").asText("");
        if (OPENAI_ITEM_TYPES.contains(item)) {
            return openAiErrors("OutputItemEvent", event);
        }
        String schema = eventSchemaName(event);
        if (event.path("response").isObject()) {
            List<String> errors = new ArrayList<>();
            ObjectNode copy = event.deepCopy();
            copy.set("response", strip(event.get("response"), errors, "$.response"));
            errors.addAll(errors(schema, copy));
            return List.copyOf(errors);
        }
        return errors(schema, event);
    }

    /**
     * Validation messages of an input item as the gateway lists it: an OpenAI-only item against the OpenAI schema,
     * any other against {@code ItemParam}.
     */
    public static List<String> inputItemErrors(JsonNode item) {
        if (OPENAI_ITEM_TYPES.contains(item.path("type").asText(""))) {
            return openAiErrors("Item", item);
        }
        return errors("ItemParam", item);
    }

    /** Validation messages of {@code instance} against the OpenAI schema's {@code $defs/<name>}. */
    public static List<String> openAiErrors(String name, JsonNode instance) {
        List<Error> errors = Holder.SPEC.openAiSchema(name).validate(instance);
        List<String> messages = new ArrayList<>(errors.size());
        for (Error error : errors) {
            messages.add("(OpenAI " + name + ") " + error);
        }
        return List.copyOf(messages);
    }

    /** Validation messages of {@code instance} against the extensions schema's {@code $defs/<name>}. */
    public static List<String> orsErrors(String name, JsonNode instance) {
        List<Error> errors = Holder.SPEC.orsSchema(name).validate(instance);
        List<String> messages = new ArrayList<>(errors.size());
        for (Error error : errors) {
            messages.add("(ORS " + name + ") " + error);
        }
        return List.copyOf(messages);
    }

    /** Checks every {@value #ORS_AUDIO_FIELD} field of an {@code output_text} part within {@code node}. */
    private static void audioFieldErrors(JsonNode node, String at, List<String> errors) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            JsonNode audio = node.get(ORS_AUDIO_FIELD);
            if (audio != null) {
                if (!"output_text".equals(node.path("type").asText(""))) {
                    errors.add(at + ": " + ORS_AUDIO_FIELD + " on a part of type " + node.path("type"));
                }
                prefixed(errors, at + "." + ORS_AUDIO_FIELD, orsErrors("OutputAudio", audio));
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!field.getKey().equals(ORS_AUDIO_FIELD) && field.getValue().isContainerNode()) {
                    audioFieldErrors(field.getValue(), at + "." + field.getKey(), errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                audioFieldErrors(node.get(i), at + "[" + i + "]", errors);
            }
        }
    }

    /** A copy of {@code response} without what the OpenAI schema checks, whose messages go to {@code errors}. */
    private static JsonNode strip(JsonNode response, List<String> errors, String at) {
        if (response == null || !response.isObject()) {
            return response;
        }
        ObjectNode copy = response.deepCopy();
        if (copy.get("output") instanceof ArrayNode output) {
            for (int i = output.size() - 1; i >= 0; i--) {
                if (OPENAI_ITEM_TYPES.contains(output.get(i).path("type").asText(""))) {
                    prefixed(errors, at + ".output[" + i + "]", openAiErrors("Item", output.get(i)));
                    output.remove(i);
                }
            }
        }
        if (copy.get("tools") instanceof ArrayNode tools) {
            for (int i = tools.size() - 1; i >= 0; i--) {
                if (!"function".equals(tools.get(i).path("type").asText(""))) {
                    prefixed(errors, at + ".tools[" + i + "]", openAiErrors("Tool", tools.get(i)));
                    tools.remove(i);
                }
            }
        }
        JsonNode choice = copy.get("tool_choice");
        if (choice != null && choice.isObject()) {
            String type = choice.path("type").asText("");
            if (!type.equals("function") && !type.equals("allowed_tools")) {
                prefixed(errors, at + ".tool_choice", openAiErrors("ToolChoice", choice));
                copy.put("tool_choice", "auto");
            }
        }
        return copy;
    }

    private static void prefixed(List<String> errors, String at, List<String> messages) {
        for (String message : messages) {
            errors.add(at + ": " + message);
        }
    }

    /** {@link #assertValidEvent(JsonNode)} for a model object, serialized with {@link OrsJson#mapper()}. */
    public static void assertValidEvent(Object eventValue) {
        assertValidEvent(toNode(eventValue));
    }

    /**
     * The schema name for a streaming event's {@code type}; fails with an {@link AssertionError} for an event
     * without a string type or with a type the spec does not define.
     */
    public static String eventSchemaName(JsonNode event) {
        JsonNode type = event == null ? null : event.get("type");
        if (type == null || !type.isTextual()) {
            throw new AssertionError("streaming event has no string \"type\": " + event);
        }
        String schema = Holder.SPEC.eventSchemaByType.get(type.asText());
        if (schema == null) {
            throw new AssertionError("unknown streaming event type \"" + type.asText() + "\" (the spec defines "
                    + Holder.SPEC.eventSchemaByType.keySet() + "): " + event);
        }
        return schema;
    }

    /**
     * Event type to schema name for every {@code *StreamingEvent} schema, derived from the {@code enum} of its
     * {@code type} property (24 entries in release 2026-04-24). Sorted by type; unmodifiable.
     */
    public static Map<String, String> eventSchemaByType() {
        return Holder.SPEC.eventSchemaByType;
    }

    /** The names of all component schemas, sorted. */
    public static Set<String> schemaNames() {
        Set<String> names = new TreeSet<>();
        Holder.SPEC.document.at(SCHEMAS_POINTER).fieldNames().forEachRemaining(names::add);
        return Collections.unmodifiableSet(names);
    }

    /** A fresh copy of the whole OpenAPI document, for tests that inspect the spec itself. */
    public static JsonNode document() {
        return Holder.SPEC.document.deepCopy();
    }

    /** Parses JSON text (for test literals); malformed text is an {@link IllegalArgumentException}. */
    public static JsonNode json(String text) {
        try {
            return OrsJson.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode toNode(Object valueOrNode) {
        if (valueOrNode == null) {
            return NullNode.getInstance();
        }
        if (valueOrNode instanceof JsonNode) {
            return (JsonNode) valueOrNode;
        }
        return OrsJson.mapper().valueToTree(valueOrNode);
    }

    private static String failure(String what, JsonNode node, List<String> errors) {
        return what + " (" + errors.size() + " error" + (errors.size() == 1 ? "" : "s") + "):\n"
                + errors.stream().map(e -> "  - " + e).collect(Collectors.joining("\n"))
                + "\nJSON:\n" + pretty(node);
    }

    private static String pretty(JsonNode node) {
        try {
            return OrsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return String.valueOf(node);
        }
    }
}
