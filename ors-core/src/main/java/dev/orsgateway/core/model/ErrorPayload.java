package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * The spec's error object, as sent in an HTTP error body ({@code {"error": ...}}) and in a streamed {@code error}
 * event. {@code code} and {@code param} are always written (the schema requires the keys, nullable).
 *
 * @param type the error type: {@code invalid_request}, {@code not_found}, {@code server_error},
 *     {@code model_error}, {@code too_many_requests}
 * @param code a machine-readable code, or null
 * @param message what went wrong, for people
 * @param param the offending request parameter, or null
 * @param headers response headers that came with the error, or null
 */
@JsonPropertyOrder({"type", "code", "message", "param"})
public record ErrorPayload(
        String type,
        @JsonInclude(JsonInclude.Include.ALWAYS) String code,
        String message,
        @JsonInclude(JsonInclude.Include.ALWAYS) String param,
        Map<String, String> headers) {

    /** Copies {@code headers}. */
    public ErrorPayload {
        headers = headers == null ? null : Map.copyOf(headers);
    }

    /** An error without headers. */
    public ErrorPayload(String type, String code, String message, String param) {
        this(type, code, message, param, null);
    }
}
