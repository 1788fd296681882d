package dev.orsgateway.core.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.UncheckedIOException;

/**
 * The one configured Jackson mapper for every Open Responses and Chat Completions type; no other JSON code exists
 * in the project.
 */
public final class OrsJson {

    // The spec allows 10 MiB strings and 20 MiB data URLs; Jackson's default cap is 20 M chars per string.
    private static final int MAX_STRING_LENGTH = 64 * 1024 * 1024;

    /**
     * The deepest nesting of arrays and objects any JSON read here may have (Jackson's default, made explicit): a
     * ceiling for {@code RequestLimits}, which bounds client requests much lower, and for upstream payloads.
     */
    public static final int MAX_NESTING_DEPTH = 1000;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new BlackbirdModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
            .build();

    static {
        // ALLOW_COERCION_OF_SCALARS does not stop number → string conversions; a 42 where a string belongs is a
        // client error, not a "42". Floats stay readable as integers: providers send token counts like 12.0.
        MAPPER.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        MAPPER.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        for (LogicalType type : new LogicalType[] {LogicalType.POJO, LogicalType.Map, LogicalType.Collection}) {
            MAPPER.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .build());
    }

    private OrsJson() {}

    /** The shared mapper. Do not reconfigure it; it is used concurrently by every module. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes {@code value} as compact JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code value} as compact UTF-8 JSON bytes. */
    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@code json} as {@code type}; a malformed document throws {@link JsonProcessingException}. */
    public static <T> T read(String json, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(json, type);
    }

    /** Converts a value to its JSON tree. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }
}
