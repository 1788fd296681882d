package dev.orsgateway.core.upstream;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatError;
import dev.orsgateway.core.model.ErrorPayload;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns everything that can go wrong with one upstream into an {@link OrsException}: HTTP errors keep the status class
 * and the provider's message, transport failures become 502/504 naming the upstream. Every text taken from the upstream
 * goes through the {@link Redactor} first.
 *
 * <p>Transports read at most {@link #MAX_ERROR_BODY_BYTES} of an error body and pass it here as text; timeouts are
 * recognized as {@link InterruptedIOException}s (OkHttp, blocking sockets) and {@link HttpTimeoutException}s (the JDK's
 * client).
 */
public final class UpstreamErrors {

    /** The upstream could not be connected to (refused, unknown host, no route, TLS handshake): 502. */
    public static final String UNREACHABLE = "upstream_unreachable";
    /** The upstream did not answer, or stopped sending, within the timeouts: 504. */
    public static final String TIMEOUT = "upstream_timeout";
    /** A stream ended or broke off before {@code [DONE]} or a {@code finish_reason}: 502. */
    public static final String TRUNCATED = "upstream_stream_truncated";
    /** A successful answer that is not what was asked for (content type, not JSON, not a chunk): 502. */
    public static final String BAD_RESPONSE = "upstream_bad_response";
    /** An upstream server error, or a transport failure other than connecting: the status is kept, else 502. */
    public static final String ERROR = "upstream_error";
    /** The upstream rejected the gateway's own credentials (401/403, status kept). */
    public static final String UNAUTHORIZED = "upstream_unauthorized";
    /** Default code of an upstream 4xx when the provider sent none. */
    public static final String INVALID_REQUEST = "upstream_invalid_request";
    /** Default code of an upstream 429 when the provider sent none. */
    public static final String RATE_LIMITED = "upstream_rate_limited";

    /** A stream was refused because a concurrency limit of the gateway's upstream transport was reached: 429. */
    public static final String CONCURRENCY_LIMIT = "upstream_concurrency_limit";

    /** Error bodies are read up to this size; the rest is left unread. */
    public static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    /** Plain-text and HTML bodies are quoted up to this many characters. */
    public static final int MAX_SNIPPET_CHARS = 300;

    /** Response headers worth passing on with an error (lower case). */
    private static final String[] KEPT_HEADERS = {"retry-after", "retry-after-ms"};

    private static final Pattern HTML_BLOCKS = Pattern.compile("(?is)<(script|style|head)\\b[^>]*>.*?</\\1\\s*>");
    private static final Pattern HTML_TAGS = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern NUMERIC = Pattern.compile("-?\\d+");

    private final String upstream;
    private final Redactor redactor;

    /**
     * Errors naming an upstream.
     *
     * @param upstream the upstream's description, e.g. an {@link Endpoint#describe()}
     * @param redactor masks credentials in every message
     */
    public UpstreamErrors(String upstream, Redactor redactor) {
        this.upstream = upstream;
        this.redactor = redactor;
    }

    /**
     * The error for a non-2xx response.
     *
     * @param status the HTTP status
     * @param contentType the response's {@code Content-Type}, or {@code null}
     * @param body (up to {@link #MAX_ERROR_BODY_BYTES} of) the body as text, possibly empty or not JSON
     * @param headers the response's header values by name (any case), {@code null} where absent; {@code retry-after}
     *     and {@code retry-after-ms} are kept in the error's headers
     * @return the error
     */
    public OrsException fromHttp(int status, String contentType, String body, Function<String, String> headers) {
        Optional<ChatError> parsed = ChatError.parse(body);
        String detail =
                parsed.map(ChatError::message).filter(m -> !m.isBlank()).orElseGet(() -> snippet(body, contentType));
        String code = parsed.map(ChatError::codeText).orElse(null);
        String param = parsed.map(ChatError::param).orElse(null);
        return map(status, detail, code, param, keptHeaders(headers), "HTTP " + status);
    }

    /** An error object the provider sent as a stream event ({@code data: {"error":{...}}}). */
    public OrsException streamed(ChatError error) {
        return providerError(error, "error in the stream");
    }

    /**
     * An error object the provider sent where data was expected ({@code where}: "error in the stream", "error in a 200
     * response"). A numeric {@code code} in the HTTP error range is taken as the status; otherwise it is a 502.
     */
    public OrsException providerError(ChatError error, String where) {
        String code = error.codeText();
        int status = 502;
        if (code != null && NUMERIC.matcher(code).matches()) {
            int numeric = Integer.parseInt(code);
            if (numeric >= 400 && numeric <= 599) {
                status = numeric; // OpenRouter and vLLM put the HTTP status in the code
            }
        }
        return map(status, error.message(), code, error.param(), null, where);
    }

    /** A failure before any response arrived: connecting, sending, or waiting for the headers. */
    public OrsException beforeResponse(Throwable e) {
        if (isTimeout(e)) {
            return error(
                    OrsException.SERVER_ERROR,
                    TIMEOUT,
                    504,
                    "The upstream " + upstream + " did not answer in time (" + describe(e) + ")",
                    e);
        }
        if (e instanceof ConnectException
                || e instanceof NoRouteToHostException
                || e instanceof UnknownHostException
                || e instanceof PortUnreachableException
                || e instanceof SSLException) {
            return error(
                    OrsException.SERVER_ERROR,
                    UNREACHABLE,
                    502,
                    "The upstream " + upstream + " is unreachable (" + describe(e) + ")",
                    e);
        }
        return error(
                OrsException.SERVER_ERROR,
                ERROR,
                502,
                "The connection to the upstream " + upstream + " failed before a response (" + describe(e) + ")",
                e);
    }

    /** A stream that failed after it opened: an idle timeout (504) or a broken connection (502). */
    public OrsException streamBroken(Throwable e, long chunks) {
        if (isTimeout(e)) {
            return error(
                    OrsException.SERVER_ERROR,
                    TIMEOUT,
                    504,
                    "The upstream " + upstream + " stopped sending within the read timeout after " + chunks
                            + " chunks (" + describe(e) + ")",
                    e);
        }
        return error(
                OrsException.SERVER_ERROR,
                TRUNCATED,
                502,
                "The stream from the upstream " + upstream + " broke off after " + chunks + " chunks (" + describe(e)
                        + ")",
                e);
    }

    /** A stream that ended cleanly but had neither {@code [DONE]} nor a {@code finish_reason}. */
    public OrsException truncated(long chunks) {
        return error(
                OrsException.SERVER_ERROR,
                TRUNCATED,
                502,
                "The stream from the upstream " + upstream + " ended after " + chunks
                        + " chunks without [DONE] or a finish_reason",
                null);
    }

    /** A stream that received nothing for longer than {@code timeout} (504). */
    public OrsException idle(Duration timeout, long chunks) {
        return error(
                OrsException.SERVER_ERROR,
                TIMEOUT,
                504,
                "The upstream " + upstream + " stopped sending within the read timeout (" + timeout.toMillis()
                        + " ms) after " + chunks + " chunks",
                null);
    }

    /**
     * A 2xx answer to a streaming request that is not {@code text/event-stream}.
     *
     * @param contentType its {@code Content-Type}, or {@code null}
     * @param body (up to {@link #MAX_ERROR_BODY_BYTES} of) its body
     * @return a 502 {@code upstream_bad_response}
     */
    public OrsException notEventStream(String contentType, String body) {
        String detail = ChatError.parse(body)
                .map(ChatError::message)
                .filter(m -> !m.isBlank())
                .orElseGet(() -> snippet(body, contentType));
        return error(
                OrsException.SERVER_ERROR,
                BAD_RESPONSE,
                502,
                "The upstream " + upstream + " answered a streaming request with Content-Type "
                        + (contentType == null ? "(none)" : contentType) + " instead of text/event-stream"
                        + (detail.isEmpty() ? "" : ": " + redactor.redact(detail)),
                null);
    }

    /** A stream event whose data is not a chat completion chunk. */
    public OrsException badChunk(String data, Throwable cause) {
        return error(
                OrsException.SERVER_ERROR,
                BAD_RESPONSE,
                502,
                "The upstream " + upstream + " sent an event that is not a chat completion chunk: "
                        + snippet(data, null),
                cause);
    }

    /** Reading a non-streaming response body failed: a timeout (504) or a broken connection (502). */
    public OrsException bodyFailed(Throwable e) {
        if (isTimeout(e)) {
            return error(
                    OrsException.SERVER_ERROR,
                    TIMEOUT,
                    504,
                    "The upstream " + upstream + " did not finish its answer in time (" + describe(e) + ")",
                    e);
        }
        return error(
                OrsException.SERVER_ERROR,
                ERROR,
                502,
                "The connection to the upstream " + upstream + " broke while reading the answer (" + describe(e) + ")",
                e);
    }

    /** A 2xx answer to a non-streaming request that is not a chat completion. */
    public OrsException badCompletion(String body, Throwable cause) {
        return error(
                OrsException.SERVER_ERROR,
                BAD_RESPONSE,
                502,
                "The upstream " + upstream + " sent a body that is not a chat completion: " + snippet(body, null),
                cause);
    }

    /** A 2xx answer to {@code GET /models} that is not a model list. */
    public OrsException badModelList(String body, Throwable cause) {
        return error(
                OrsException.SERVER_ERROR,
                BAD_RESPONSE,
                502,
                "The upstream " + upstream + " sent a model list that is not a list of models: " + snippet(body, null),
                cause);
    }

    /**
     * A stream or call refused at once because {@code limit} of them are open: a 429 {@code too_many_requests} with a
     * {@code Retry-After} of one second, never a silent queue.
     */
    public OrsException overLimit(String what, int limit) {
        return OrsException.tooManyRequests(
                CONCURRENCY_LIMIT,
                "The gateway has " + limit + " " + what + " open to the upstream " + upstream
                        + ", its limit; retry shortly",
                Duration.ofSeconds(1));
    }

    /** An unexpected failure inside the gateway while talking to the upstream (500). */
    public OrsException internal(String what, Throwable cause) {
        return error(OrsException.SERVER_ERROR, "server_error", 500, what + " (upstream " + upstream + ")", cause);
    }

    // ---- The status table ----

    private OrsException map(
            int status, String detail, String providerCode, String param, Map<String, String> headers, String where) {
        String message = detail == null || detail.isBlank() ? null : redactor.redact(detail.strip());
        String code = providerCode == null || NUMERIC.matcher(providerCode).matches() ? null : providerCode;
        if (status == 401 || status == 403) {
            // The client cannot fix this: the gateway's own key is wrong or lacks access.
            return new OrsException(
                    new ErrorPayload(
                            OrsException.SERVER_ERROR,
                            UNAUTHORIZED,
                            "The upstream " + upstream + " rejected the gateway's credentials (" + where + ")"
                                    + (message == null ? "" : ": " + message),
                            null,
                            headers),
                    status);
        }
        if (status == 429) {
            return new OrsException(
                    new ErrorPayload(
                            OrsException.TOO_MANY_REQUESTS,
                            code == null ? RATE_LIMITED : code,
                            message == null ? "The upstream " + upstream + " is rate limiting requests" : message,
                            param,
                            headers),
                    429);
        }
        if (status == 408) {
            return new OrsException(
                    new ErrorPayload(
                            OrsException.SERVER_ERROR,
                            TIMEOUT,
                            "The upstream " + upstream + " timed out (" + where + ")"
                                    + (message == null ? "" : ": " + message),
                            null,
                            headers),
                    504);
        }
        if (status >= 400 && status <= 499) {
            return new OrsException(
                    new ErrorPayload(
                            OrsException.INVALID_REQUEST,
                            code == null ? INVALID_REQUEST : code,
                            message == null
                                    ? "The upstream " + upstream + " rejected the request (" + where + ")"
                                    : message,
                            param,
                            headers),
                    status);
        }
        if (status >= 500 && status <= 599) {
            return new OrsException(
                    new ErrorPayload(
                            OrsException.SERVER_ERROR,
                            code == null ? ERROR : code,
                            "The upstream " + upstream + " failed (" + where + ")"
                                    + (message == null ? "" : ": " + message),
                            null,
                            headers),
                    status);
        }
        return new OrsException(
                new ErrorPayload(
                        OrsException.SERVER_ERROR,
                        BAD_RESPONSE,
                        "The upstream " + upstream + " answered with unexpected status " + status
                                + (message == null ? "" : ": " + message),
                        null,
                        headers),
                502);
    }

    private OrsException error(String type, String code, int status, String message, Throwable cause) {
        return new OrsException(new ErrorPayload(type, code, redactor.redact(message), null), status, cause);
    }

    // ---- Helpers ----

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank()
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }

    /** Whether a transport failure is a timeout: blocking sockets' and the JDK client's. */
    private static boolean isTimeout(Throwable e) {
        return e instanceof InterruptedIOException || e instanceof HttpTimeoutException;
    }

    private static Map<String, String> keptHeaders(Function<String, String> headers) {
        if (headers == null) {
            return null;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : KEPT_HEADERS) {
            String value = headers.apply(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        return kept.isEmpty() ? null : kept;
    }

    /**
     * A one-line, length-capped quote of a body that is not an error object: HTML loses its markup (error pages from
     * proxies and load balancers are mostly markup), whitespace collapses.
     */
    public static String snippet(String body, String contentType) {
        if (body == null) {
            return "";
        }
        String text = body;
        boolean html =
                (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("html"))
                        || text.stripLeading().startsWith("<");
        if (html) {
            text = HTML_BLOCKS.matcher(text).replaceAll(" ");
            text = HTML_TAGS.matcher(text).replaceAll(" ");
            text = text.replace("&nbsp;", " ")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&");
        }
        text = WHITESPACE.matcher(text).replaceAll(" ").strip();
        if (text.length() > MAX_SNIPPET_CHARS) {
            text = text.substring(0, MAX_SNIPPET_CHARS) + "...";
        }
        return text;
    }
}
