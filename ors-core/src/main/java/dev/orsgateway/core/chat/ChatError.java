package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.internal.Extras;
import dev.orsgateway.core.json.OrsJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A provider error: the inner object of the OpenAI body {@code {"error":{"message","type","param","code"}}}. Use
 * {@link #parse(String)} to read any of the body shapes seen in the wild; {@link #toEnvelope()} writes the OpenAI
 * shape.
 *
 * @param message the human-readable message; {@code null} when absent
 * @param type the error type, e.g. {@code invalid_request_error}; {@code null} when absent
 * @param param the offending request parameter; {@code null} when absent
 * @param code the error code as sent: a string for OpenAI, a number for OpenRouter, vLLM and others; {@code null}
 *     when absent (see {@link #codeText()})
 * @param extra unknown fields (e.g. OpenRouter's {@code metadata}, Google's {@code status}), kept for forwarding
 */
@JsonPropertyOrder({"message", "type", "param", "code"})
public record ChatError(
        @JsonProperty("message") String message,
        @JsonProperty("type") String type,
        @JsonProperty("param") String param,
        @JsonProperty("code") JsonNode code,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /**
     * Copies {@code extra}; a JSON {@code null} {@code code} counts as absent.
     *
     * @param message the human-readable message; {@code null} when absent
     * @param type the error type, e.g. {@code invalid_request_error}; {@code null} when absent
     * @param param the offending request parameter; {@code null} when absent
     * @param code the error code as sent: a string for OpenAI, a number for OpenRouter, vLLM and others; {@code null}
     *     when absent (see {@link #codeText()})
     * @param extra unknown fields (e.g. OpenRouter's {@code metadata}, Google's {@code status}), kept for forwarding
     */
    public ChatError {
        code = Copies.node(code);
        extra = Extras.copy(extra);
    }

    /**
     * An error without unknown fields.
     *
     * @param message the message
     * @param type the error type, or {@code null}
     * @param param the offending parameter, or {@code null}
     * @param code the code as a string, or {@code null}
     */
    public ChatError(String message, String type, String param, String code) {
        this(
                message,
                type,
                param,
                code == null ? null : OrsJson.mapper().getNodeFactory().textNode(code),
                null);
    }

    /**
     * The code as text, whether it was sent as a string or a number.
     *
     * @return the code, or {@code null} when absent
     */
    public String codeText() {
        return text(code);
    }

    /**
     * This error in the OpenAI body shape {@code {"error":{...}}}.
     *
     * @return a new JSON object
     */
    public ObjectNode toEnvelope() {
        ObjectNode envelope = OrsJson.mapper().createObjectNode();
        envelope.set("error", OrsJson.tree(this));
        return envelope;
    }

    /**
     * Reads an error response body in any known shape: OpenAI's {@code {"error":{...}}}, Ollama's
     * {@code {"error":"text"}}, FastAPI's {@code {"detail":...}}, a top-level {@code {"message":...}} (older vLLM),
     * or any of these wrapped in a one-element array (Google's OpenAI-compatible endpoint). Never throws.
     *
     * @param body the response body, possibly not JSON at all
     * @return the error, or empty when the body matches none of the shapes
     */
    public static Optional<ChatError> parse(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return fromBody(OrsJson.mapper().readTree(body));
        } catch (JacksonException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Like {@link #parse(String)}, for a body that is already a JSON tree. Never throws.
     *
     * @param body the body, or {@code null}
     * @return the error, or empty when the body matches none of the shapes
     */
    public static Optional<ChatError> fromBody(JsonNode body) {
        if (body == null) {
            return Optional.empty();
        }
        if (body.isArray()) {
            return body.size() == 1 ? fromBody(body.get(0)) : Optional.empty();
        }
        if (!body.isObject()) {
            return Optional.empty();
        }
        JsonNode error = body.get("error");
        if (error != null && !error.isNull()) {
            return fromErrorValue(error);
        }
        JsonNode detail = body.get("detail");
        if (detail != null && !detail.isNull()) {
            Map<String, JsonNode> extra = new LinkedHashMap<>();
            extra.put("detail", detail);
            return Optional.of(new ChatError(detailText(detail), null, null, null, extra));
        }
        if (body.hasNonNull("message")) {
            return fromErrorValue(body);
        }
        return Optional.empty();
    }

    /** Reads the value of an {@code error} field: an OpenAI error object or a bare message string. */
    static Optional<ChatError> fromErrorValue(JsonNode error) {
        if (error.isTextual()) {
            return Optional.of(new ChatError(error.textValue(), null, null, null, null));
        }
        if (!error.isObject()) {
            return Optional.empty();
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        error.properties().forEach(e -> extra.put(e.getKey(), e.getValue()));
        String message = text(extra.remove("message"));
        String type = text(extra.remove("type"));
        String param = text(extra.remove("param"));
        JsonNode code = extra.remove("code");
        return Optional.of(new ChatError(message, type, param, code, extra));
    }

    /** FastAPI sends a string, or a list of validation errors each with a {@code msg}. */
    private static String detailText(JsonNode detail) {
        if (detail.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode item : detail) {
                String msg = text(item.get("msg"));
                if (msg != null) {
                    text.append(text.length() == 0 ? "" : "; ").append(msg);
                }
            }
            if (text.length() > 0) {
                return text.toString();
            }
        }
        return text(detail);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
