package dev.orsgateway.server.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.RequestLimits;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CompactRequest;
import dev.orsgateway.core.model.CreateResponseRequest;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a request body into a {@link CreateResponseRequest}, turning every way it can be wrong into a 400 in the
 * spec's error shape: {@code param} is the JSON path of the offending value ({@code input[0].role}) and the message
 * names the expected and the received JSON type, never a Java class.
 */
public final class RequestParser {
    private static final ObjectReader TREE_READER =
            OrsJson.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern LIMIT_SOURCE = Pattern.compile("\\s*\\([^`()]*`[^`]*`\\)");
    private static final ObjectReader REQUEST_READER = OrsJson.mapper().readerFor(CreateResponseRequest.class);
    private static final ObjectReader COMPACT_READER = OrsJson.mapper().readerFor(CompactRequest.class);

    private RequestParser() {}

    /** Parses {@code body} (UTF-8 JSON); throws {@link OrsException} (400) when it is not a valid request. */
    public static CreateResponseRequest parse(byte[] body, int length) {
        return parse(body, length, REQUEST_READER);
    }

    /** Parses a {@code /responses/compact} body, as {@link #parse(byte[], int)} does a create body. */
    public static CompactRequest parseCompact(byte[] body, int length) {
        return parse(body, length, COMPACT_READER);
    }

    /** {@link #parse(byte[], int)}, refusing (400) a request over {@code limits} before it is bound. */
    public static CreateResponseRequest parse(byte[] body, int length, RequestLimits limits) {
        JsonNode tree = readTree(body, length);
        limits.check(tree);
        return bind(tree, REQUEST_READER);
    }

    /** {@link #parseCompact(byte[], int)}, refusing (400) a request over {@code limits} before it is bound. */
    public static CompactRequest parseCompact(byte[] body, int length, RequestLimits limits) {
        JsonNode tree = readTree(body, length);
        limits.check(tree);
        return bind(tree, COMPACT_READER);
    }

    /**
     * The JSON object of {@code body} (UTF-8); throws {@link OrsException} (400) when it is empty, not UTF-8, not JSON
     * or not an object. With {@link #parse(JsonNode)}, for a transport that looks at the object before binding it.
     */
    public static ObjectNode readObject(byte[] body, int length) {
        return (ObjectNode) readTree(body, length);
    }

    /** Binds a request object read by {@link #readObject}; throws {@link OrsException} (400) as {@link #parse(byte[], int)} does. */
    public static CreateResponseRequest parse(JsonNode tree) {
        return bind(tree, REQUEST_READER);
    }

    private static <T> T parse(byte[] body, int length, ObjectReader reader) {
        return bind(readTree(body, length), reader);
    }

    private static JsonNode readTree(byte[] body, int length) {
        if (isBlank(body, length)) {
            throw HttpErrors.emptyBody();
        }
        checkUtf8(body, length);
        JsonNode tree;
        try {
            tree = TREE_READER.readTree(body, 0, length);
        } catch (JsonProcessingException e) {
            throw HttpErrors.invalidJson(describeSyntaxError(e));
        } catch (IOException e) {
            throw HttpErrors.invalidJson("The request body could not be read as JSON.");
        }
        if (tree == null || tree.isMissingNode()) {
            throw HttpErrors.emptyBody();
        }
        if (!tree.isObject()) {
            throw HttpErrors.invalidType(null, "The request body must be a JSON object, got " + describe(tree) + ".");
        }
        return tree;
    }

    private static <T> T bind(JsonNode tree, ObjectReader reader) {
        try {
            return reader.readValue(tree);
        } catch (DatabindException e) {
            throw translate((JsonMappingException) e, tree);
        } catch (IOException e) {
            throw HttpErrors.invalidValue(null, "The request body does not have the shape of a request.");
        }
    }

    // ---- syntax

    private static boolean isBlank(byte[] body, int length) {
        for (int i = 0; i < length; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Rejects bytes that are not UTF-8 (overlong forms and encoded surrogates included), naming the offset. */
    private static void checkUtf8(byte[] body, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body, 0, length);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw HttpErrors.invalidJson(
                        "The request body is not valid UTF-8 (at byte offset " + in.position() + ").");
            }
            if (result.isUnderflow()) {
                break;
            }
            out.clear();
        }
        out.clear();
        CoderResult flushed = decoder.flush(out);
        if (flushed.isError()) {
            try {
                flushed.throwException();
            } catch (CharacterCodingException e) {
                throw HttpErrors.invalidJson("The request body is not valid UTF-8.");
            }
        }
    }

    private static String describeSyntaxError(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where = location == null || location.getLineNr() < 1
                ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        if (e instanceof MismatchedInputException) {
            // FAIL_ON_TRAILING_TOKENS: a second value after the object.
            return "The request body has data after its JSON value" + where + ".";
        }
        String detail = e.getOriginalMessage();
        if (detail != null && e instanceof StreamConstraintsException) {
            // "Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints...`)"
            detail = LIMIT_SOURCE.matcher(detail).replaceAll("");
        }
        if (detail == null || !isReadable(detail)) {
            detail = "malformed JSON";
        }
        detail = HttpErrors.clip(detail.lines().findFirst().orElse(detail));
        return "The request body is not valid JSON" + where + ": " + detail;
    }

    // ---- shape

    private static OrsException translate(JsonMappingException e, JsonNode tree) {
        List<JsonMappingException.Reference> path = e.getPath();
        String param = pathOf(path);
        JsonNode value = nodeAt(tree, path);
        String subject = param == null ? "The request" : param;

        if (e instanceof ValueInstantiationException) {
            Throwable cause = rootCause(e);
            if (cause instanceof NullPointerException) {
                Optional<String> nullPath = value == null ? Optional.empty() : firstNullElement(value, param);
                if (nullPath.isPresent()) {
                    return HttpErrors.invalidValue(nullPath.get(), nullPath.get() + " must not be null.");
                }
                return HttpErrors.invalidValue(param, subject + " contains a null where a value is required.");
            }
            String reason = cause.getMessage();
            if (reason != null && isReadable(reason)) {
                return HttpErrors.invalidValue(param, subject + " is invalid: " + HttpErrors.clip(reason) + ".");
            }
            return HttpErrors.invalidValue(param, subject + " has an invalid value.");
        }
        if (e instanceof InvalidFormatException format) {
            return HttpErrors.invalidValue(
                    param,
                    subject + " has an invalid value" + quoted(format.getValue()) + expectation(format.getTargetType())
                            + ".");
        }
        if (e instanceof MismatchedInputException mismatch) {
            String original = mismatch.getOriginalMessage();
            if (original != null && isReadable(original)) {
                // A deserializer of ours reported it in words (e.g. an unknown tool_choice).
                return HttpErrors.invalidValue(param, HttpErrors.clip(original) + ".");
            }
            String got = value == null ? "" : ", got " + describe(value);
            String expected = expectedType(mismatch.getTargetType());
            if (expected != null) {
                return HttpErrors.invalidType(param, subject + " must be " + expected + got + ".");
            }
            return HttpErrors.invalidType(param, subject + " has the wrong type" + got + ".");
        }
        Throwable cause = rootCause(e);
        if (cause instanceof JsonProcessingException processing
                && processing.getOriginalMessage() != null
                && isReadable(processing.getOriginalMessage())) {
            // e.g. "Numeric value (99999999999999) out of range of int (-2147483648 - 2147483647)"
            return HttpErrors.invalidValue(
                    param, subject + " is invalid: " + HttpErrors.clip(processing.getOriginalMessage()) + ".");
        }
        return HttpErrors.invalidValue(param, subject + " does not have the expected shape.");
    }

    /** {@code input[0].role} from Jackson's reference path; null for the root. */
    static String pathOf(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                out.append('[').append(reference.getIndex()).append(']');
            }
        }
        return out.length() == 0 ? null : out.toString();
    }

    private static JsonNode nodeAt(JsonNode tree, List<JsonMappingException.Reference> path) {
        JsonNode node = tree;
        for (JsonMappingException.Reference reference : path) {
            if (node == null) {
                return null;
            }
            if (reference.getFieldName() != null) {
                node = node.get(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                node = node.get(reference.getIndex());
            }
        }
        return node;
    }

    /** The path of the first null array element within {@code node} (depth first), if any. */
    private static Optional<String> firstNullElement(JsonNode node, String base) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String here = (base == null ? "" : base) + "[" + i + "]";
                JsonNode element = node.get(i);
                if (element.isNull()) {
                    return Optional.of(base == null ? "[" + i + "]" : here);
                }
                Optional<String> inner = firstNullElement(element, here);
                if (inner.isPresent()) {
                    return inner;
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String here = base == null ? field.getKey() : base + "." + field.getKey();
                Optional<String> inner = firstNullElement(field.getValue(), here);
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        return Optional.empty();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Whether a message is fit for a client: no Java class or package names. */
    private static boolean isReadable(String message) {
        return !message.isBlank()
                && !message.contains("`")
                && !message.contains("java.")
                && !message.contains("dev.orsgateway")
                && !message.contains("com.fasterxml")
                && !message.contains("$")
                && !message.contains("Cannot ")
                && !message.contains("(through reference chain");
    }

    private static String quoted(Object value) {
        return value == null ? "" : " '" + HttpErrors.clip(String.valueOf(value)) + "'";
    }

    private static String expectation(Class<?> target) {
        String expected = expectedType(target);
        return expected == null ? "" : "; expected " + expected;
    }

    private static String expectedType(JavaType type) {
        if (type == null) {
            return null;
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return "an array";
        }
        if (type.isMapLikeType()) {
            return "an object";
        }
        return expectedType(type.getRawClass());
    }

    /** The JSON type a Java target reads from, in words; null when it cannot be told. */
    private static String expectedType(Type target) {
        if (!(target instanceof Class<?> raw)) {
            return null;
        }
        if (raw == String.class || raw == char.class || raw == Character.class) {
            return "a string";
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return "a boolean";
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(raw) || raw == double.class || raw == float.class) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            return "an array";
        }
        if (raw.isEnum()) {
            return "a string";
        }
        if (raw == Object.class || raw == JsonNode.class) {
            return null;
        }
        if (raw.isRecord() || Map.class.isAssignableFrom(raw) || raw.isInterface()) {
            return "an object";
        }
        return null;
    }

    /** A JSON value's type in words: "a string", "an array", "null", ... */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isIntegralNumber()) {
            return "an integer";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
