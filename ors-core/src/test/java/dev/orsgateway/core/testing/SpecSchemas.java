package dev.orsgateway.core.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
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
 * <p>Thread-safe; the document is read and parsed once per class loader.
 */
public final class SpecSchemas {

    /** Classpath location of the spec copy. */
    public static final String RESOURCE = "openresponses/openapi.json";

    /**
     * IRI the document is registered under. It is the published location of the release, but it is served from
     * the classpath copy: the library's default loader, used here, never fetches over the network.
     */
    public static final String DOCUMENT_IRI = "https://openresponses.org/openapi/2026-04-24/openapi.json";

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

        private Spec(JsonNode document, SchemaRegistry registry, Map<String, String> eventSchemaByType) {
            this.document = document;
            this.registry = registry;
            this.eventSchemaByType = eventSchemaByType;
        }

        static Spec load() {
            String text = readResource();
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
                    dialect, builder -> builder.schemaRegistryConfig(config).schemas(Map.of(DOCUMENT_IRI, text)));
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

        private static String readResource() {
            ClassLoader loader = SpecSchemas.class.getClassLoader();
            try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("classpath:" + RESOURCE
                            + " not found; depend on ors-core's test-jar (type test-jar, scope test)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read classpath:" + RESOURCE, e);
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

    /** {@link #assertValid} against {@code ResponseResource}, the response object. */
    public static void assertValidResponse(Object responseOrNode) {
        assertValid("ResponseResource", responseOrNode);
    }

    /**
     * Validates one streaming event against the schema for its {@code type} (see {@link #eventSchemaByType()});
     * fails if the event has no string {@code type} or the type is not a spec event type.
     */
    public static void assertValidEvent(JsonNode event) {
        assertValid(eventSchemaName(event), event);
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
