package dev.orsgateway.server.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ErrorPayload;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** JSON answers: bodies, error bodies in the spec's shape, and their heads; written at once or through an exchange. */
public final class Responses {
    /** The content type of every JSON answer. */
    public static final String JSON = "application/json; charset=utf-8";

    private Responses() {}

    /** The body of an error answer: {@code {"error": {type, code, message, param}}}. */
    public static byte[] errorBody(ErrorPayload error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        return OrsJson.writeBytes(body);
    }

    /**
     * The headers an error answer carries besides the body: {@code Retry-After}, in whole seconds rounded up, when the
     * error says when to retry ({@link OrsException#retryAfter()}), else as the upstream sent it.
     */
    public static Map<String, String> errorHeaders(OrsException error) {
        Map<String, String> headers = new LinkedHashMap<>();
        Optional<Duration> retryAfter = error.retryAfter();
        if (retryAfter.isPresent()) {
            headers.put("Retry-After", Long.toString(retryAfterSeconds(retryAfter.get())));
            return headers;
        }
        Map<String, String> upstream = error.error().headers();
        if (upstream != null) {
            upstream.forEach((name, value) -> {
                if ("retry-after".equalsIgnoreCase(name) && value != null) {
                    headers.put("Retry-After", value);
                }
            });
        }
        return headers;
    }

    /** {@code delay} in whole seconds, rounded up (a client told "0" would retry at once), never negative. */
    static long retryAfterSeconds(Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            return 0;
        }
        long seconds = delay.getSeconds();
        return delay.getNano() > 0 ? seconds + 1 : seconds;
    }

    /** The HTTP status of {@code error}, or 500 if it carries none that is an error status. */
    public static int statusOf(OrsException error) {
        int status = error.httpStatus();
        return status >= 400 && status <= 599 ? status : 500;
    }

    /** Sends {@code error} as the whole answer of {@code exchange}. */
    public static void sendError(Exchange exchange, OrsException error) {
        sendError(exchange, error, Map.of());
    }

    /** Sends {@code error} as the whole answer of {@code exchange}, with extra headers. */
    public static void sendError(Exchange exchange, OrsException error, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(errorHeaders(error));
        headers.putAll(extraHeaders);
        exchange.send(new Exchange.Head(statusOf(error), JSON, headers), errorBody(error.error()));
    }

    /** Sends {@code body} as a 200 JSON answer of {@code exchange}. */
    public static void sendJson(Exchange exchange, byte[] body) {
        exchange.send(new Exchange.Head(200, JSON, Map.of()), body);
    }

    /** Writes a JSON answer at once (blocking), for the small synchronous endpoints. */
    public static void writeJson(HttpServletResponse response, int status, byte[] body, Map<String, String> headers)
            throws IOException {
        response.setStatus(status);
        response.setContentType(JSON);
        headers.forEach(response::setHeader);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Writes {@code error} at once (blocking), with extra headers. */
    public static void writeError(HttpServletResponse response, OrsException error, Map<String, String> extraHeaders)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(errorHeaders(error));
        headers.putAll(extraHeaders);
        writeJson(response, statusOf(error), errorBody(error.error()), headers);
    }
}
