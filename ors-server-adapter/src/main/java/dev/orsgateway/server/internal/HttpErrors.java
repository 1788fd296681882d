package dev.orsgateway.server.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.ErrorPayload;
import java.util.List;

/**
 * The errors the HTTP layer itself answers with, as {@link OrsException}s carrying the spec's error object and the
 * status. The gateway's own errors ({@link OrsException} from {@code OrsGateway}) pass through unchanged.
 */
public final class HttpErrors {
    /** A generic message for unexpected failures: their details stay in the server log. */
    public static final String SERVER_ERROR_MESSAGE =
            "The server had an error while processing your request. Retry it, or contact the operator if the"
                    + " error persists.";

    private HttpErrors() {}

    /** 400 {@code invalid_json}: the body is not well-formed JSON (or not UTF-8). */
    public static OrsException invalidJson(String message) {
        return OrsException.invalidRequest(null, "invalid_json", message);
    }

    /** 400 {@code empty_body}: there is no body. */
    public static OrsException emptyBody() {
        return OrsException.invalidRequest(
                null, "empty_body", "The request body is empty; send a JSON object (the request to create).");
    }

    /** 400 {@code invalid_type}: a value (or the whole body, {@code param} null) has the wrong JSON type. */
    public static OrsException invalidType(String param, String message) {
        return OrsException.invalidRequest(param, "invalid_type", message);
    }

    /** 400 {@code invalid_value}: a value of the right type that cannot be accepted. */
    public static OrsException invalidValue(String param, String message) {
        return OrsException.invalidRequest(param, "invalid_value", message);
    }

    /** 415 {@code unsupported_media_type}: the body is not declared {@code application/json}. */
    public static OrsException unsupportedMediaType(String contentType) {
        String got = contentType == null ? "no Content-Type" : "Content-Type '" + clip(contentType) + "'";
        return new OrsException(
                new ErrorPayload(
                        OrsException.INVALID_REQUEST,
                        "unsupported_media_type",
                        "The request body must be JSON sent as 'Content-Type: application/json' (UTF-8); got " + got
                                + ".",
                        null),
                415);
    }

    /** 413 {@code request_too_large}: the body exceeds the configured limit. */
    public static OrsException tooLarge(long limit) {
        return new OrsException(
                new ErrorPayload(
                        OrsException.INVALID_REQUEST,
                        "request_too_large",
                        "The request body is larger than this server accepts (" + limit + " bytes).",
                        null),
                413);
    }

    /** 405 {@code method_not_allowed}. */
    public static OrsException methodNotAllowed(String method, String path, List<String> allowed) {
        return new OrsException(
                new ErrorPayload(
                        OrsException.INVALID_REQUEST,
                        "method_not_allowed",
                        "Method " + clip(method) + " is not allowed on " + clip(path) + "; use "
                                + String.join(" or ", allowed) + ".",
                        null),
                405);
    }

    /** 404 {@code not_found}: no endpoint at this path. */
    public static OrsException unknownPath(String method, String path) {
        return OrsException.notFound(
                "not_found", null, "There is no endpoint " + clip(method) + " " + clip(path) + " on this server.");
    }

    /** 404 {@code response_not_found}: no response with this id (for this caller). */
    public static OrsException responseNotFound(String id) {
        return OrsException.notFound("response_not_found", null, "No response with id '" + clip(id) + "' was found.");
    }

    /** 401 {@code missing_api_key}. */
    public static OrsException missingApiKey() {
        return new OrsException(
                new ErrorPayload(
                        OrsException.INVALID_REQUEST,
                        "missing_api_key",
                        "This server requires an API key: send 'Authorization: Bearer <key>'.",
                        null),
                401);
    }

    /** 401 {@code invalid_api_key}. */
    public static OrsException invalidApiKey() {
        return new OrsException(
                new ErrorPayload(
                        OrsException.INVALID_REQUEST,
                        "invalid_api_key",
                        "The API key is not valid for this server.",
                        null),
                401);
    }

    /** 500 {@code server_error} with the generic message. */
    public static OrsException serverError(Throwable cause) {
        return OrsException.serverError(SERVER_ERROR_MESSAGE, cause);
    }

    /** {@code value} clipped to 100 characters, with control characters replaced, for messages. */
    public static String clip(String value) {
        if (value == null) {
            return "null";
        }
        String clipped = value.length() <= 100 ? value : value.substring(0, 97) + "...";
        StringBuilder out = new StringBuilder(clipped.length());
        clipped.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
