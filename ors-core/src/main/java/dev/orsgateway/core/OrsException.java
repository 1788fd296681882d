package dev.orsgateway.core;

import dev.orsgateway.core.model.ErrorPayload;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type of the gateway: it carries the spec's error object and the HTTP status a server answers
 * with. Invalid requests are 400, unknown ids 404, upstream failures keep the upstream's status class.
 */
public final class OrsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Error {@code type} of a request the client can fix (HTTP 400). */
    public static final String INVALID_REQUEST = "invalid_request";
    /** Error {@code type} of an unknown resource (HTTP 404). */
    public static final String NOT_FOUND = "not_found";
    /** Error {@code type} of an internal failure (HTTP 500). */
    public static final String SERVER_ERROR = "server_error";
    /** Error {@code type} of a model failure on a valid request (HTTP 500). */
    public static final String MODEL_ERROR = "model_error";
    /** Error {@code type} of rate limiting (HTTP 429). */
    public static final String TOO_MANY_REQUESTS = "too_many_requests";

    private final transient ErrorPayload error;
    private final int httpStatus;
    private final transient Duration retryAfter;

    /** An exception with the given error object and HTTP status. */
    public OrsException(ErrorPayload error, int httpStatus) {
        this(error, httpStatus, null);
    }

    /** An exception with the given error object, HTTP status and cause. */
    public OrsException(ErrorPayload error, int httpStatus, Throwable cause) {
        this(error, httpStatus, cause, null);
    }

    private OrsException(ErrorPayload error, int httpStatus, Throwable cause, Duration retryAfter) {
        super(error.message(), cause);
        this.error = error;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    /**
     * A 429 {@code too_many_requests} that a client may retry after {@code retryAfter}: a concurrency limit of the
     * gateway (or of its upstream) was reached. Servers send the delay as a {@code Retry-After} header.
     */
    public static OrsException tooManyRequests(String code, String message, Duration retryAfter) {
        return new OrsException(
                new ErrorPayload(TOO_MANY_REQUESTS, code, message, null),
                429,
                null,
                Objects.requireNonNull(retryAfter, "retryAfter"));
    }

    /** This exception with a {@code Retry-After} delay (e.g. the upstream's own). */
    public OrsException withRetryAfter(Duration delay) {
        OrsException copy = new OrsException(error, httpStatus, getCause(), delay);
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** A 400 {@code invalid_request} naming the offending {@code param} (may be null). */
    public static OrsException invalidRequest(String param, String message) {
        return new OrsException(new ErrorPayload(INVALID_REQUEST, "invalid_request", message, param), 400);
    }

    /** A 400 {@code invalid_request} with a specific {@code code}. */
    public static OrsException invalidRequest(String param, String code, String message) {
        return new OrsException(new ErrorPayload(INVALID_REQUEST, code, message, param), 400);
    }

    /** A 404 {@code not_found} with the given code, e.g. {@code previous_response_not_found}. */
    public static OrsException notFound(String code, String param, String message) {
        return new OrsException(new ErrorPayload(NOT_FOUND, code, message, param), 404);
    }

    /** A 500 {@code server_error}. */
    public static OrsException serverError(String message, Throwable cause) {
        return new OrsException(new ErrorPayload(SERVER_ERROR, "server_error", message, null), 500, cause);
    }

    /** The spec's error object. */
    public ErrorPayload error() {
        return error;
    }

    /** How long a client should wait before retrying, when known; servers send it as {@code Retry-After}. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The HTTP status a server answers with. */
    public int httpStatus() {
        return httpStatus;
    }
}
