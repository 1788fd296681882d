package dev.orsgateway.server.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.Usage;
import dev.orsgateway.core.spi.ResponseObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one log line of a request, which is also its audit record: method, path, status, duration, JSON or stream,
 * response id, and for a response its status, model, upstream and token counts (never its text), the caller's key id
 * (never the key), and for failures, what went wrong. INFO when the request was served (client errors included), WARN
 * when it failed: an upstream or server error, a stream that ended {@code failed}, a client that left mid-stream.
 * Unexpected exceptions carry their stack trace; nothing is logged per event.
 */
public final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.orsgateway.server.OrsServlet");

    private final String method;
    private final String path;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean written = new AtomicBoolean();
    private volatile int status = 200;
    private volatile boolean streaming;
    private volatile boolean webSocket;
    private volatile String responseId;
    private volatile String responseStatus;
    private volatile String model;
    private volatile String upstream;
    private volatile Usage usage;
    private volatile String errorCode;
    private volatile boolean failure;
    private volatile Throwable unexpected;
    private volatile ApiKeys.Key key;

    /** A log for a request to {@code path}. */
    public RequestLog(String method, String path) {
        this.method = method;
        this.path = path;
    }

    /** The status sent (or about to be). */
    public void status(int status) {
        this.status = status;
    }

    /** The request asked for a stream. */
    public void streaming() {
        this.streaming = true;
    }

    /** The request opened a WebSocket connection, or is a turn on one. */
    public void webSocket() {
        this.webSocket = true;
    }

    /** The API key the request authenticated with: its id is logged, and the tokens of its responses charged to it. */
    public void key(ApiKeys.Key key) {
        this.key = key;
    }

    /** The tokens of a compaction: logged, and charged to the key. */
    public void used(Usage usage) {
        this.usage = usage;
        charge(usage);
    }

    // Here because every transport reports each finished response here, once.
    private void charge(Usage usage) {
        ApiKeys.Key caller = key;
        if (caller != null && usage != null) {
            caller.charge(usage.totalTokens());
        }
    }

    /** The id of the response being created, retrieved or deleted. */
    public void responseId(String id) {
        if (id != null) {
            this.responseId = id;
        }
    }

    /** What the gateway tells of the response's course: here, the upstream attempted last (the one that served). */
    public ResponseObserver.Watch watch() {
        return new ResponseObserver.Watch() {
            @Override
            public void attempt(String name) {
                upstream = name;
            }
        };
    }

    /** The response the request ended with (completed, incomplete or failed): its id, status, model and tokens. */
    public void ended(Response response) {
        responseId(response.id());
        this.model = response.model();
        this.usage = response.usage();
        this.responseStatus = response.status();
        charge(response.usage());
        if ("failed".equals(response.status())) {
            this.failure = true;
        }
    }

    /**
     * The request was answered with {@code error} (as its status, or as an event of a stream already under way);
     * {@code failure} when it is not the client's fault. The status logged is the one sent.
     */
    public void error(OrsException error, boolean failure) {
        this.errorCode = error.error().code() != null
                ? error.error().code()
                : error.error().type();
        this.failure |= failure || error.httpStatus() >= 500;
    }

    /** An unexpected exception: logged with its stack trace. */
    public void unexpected(Throwable e) {
        this.unexpected = e;
        this.failure = true;
    }

    /** An exception inside the exchange's machinery; logged at once, with its stack trace. */
    void internalError(RuntimeException e) {
        LOG.error("{} {}: internal error", method, path, e);
    }

    /** The response was written completely. */
    public void finished() {
        write(null, null, false);
    }

    /** The exchange was aborted by {@code cause}, reported by {@code source}, after the status was sent or not. */
    public void aborted(String source, Throwable cause, boolean committed) {
        write(source, cause, committed);
    }

    /** A WebSocket turn was cancelled before its end, for {@code reason} (the connection closed, the server stops). */
    public void cancelled(String reason) {
        write(reason, null, true);
    }

    private void write(String abortSource, Throwable abortCause, boolean committed) {
        if (!written.compareAndSet(false, true)) {
            return;
        }
        String line = line(abortSource, abortCause, committed);
        if (abortSource != null) {
            LOG.warn("{}", line);
        } else if (unexpected != null) {
            LOG.warn("{}", line, unexpected);
        } else if (failure) {
            LOG.warn("{}", line);
        } else {
            LOG.info("{}", line);
        }
    }

    /** The line {@link #finished} or {@link #aborted} logs. */
    String line(String abortSource, Throwable abortCause, boolean committed) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        StringBuilder line = new StringBuilder()
                .append(method)
                .append(' ')
                .append(HttpErrors.clip(path))
                .append(" -> ");
        boolean aborted = abortSource != null;
        if (aborted) {
            line.append(committed ? status + " aborted" : "aborted before a status was sent");
        } else {
            line.append(status);
        }
        line.append(" in ")
                .append(millis)
                .append(" ms (")
                .append(webSocket ? "websocket" : streaming ? "stream" : "json");
        if (responseId != null) {
            line.append(", ").append(responseId);
        }
        if (responseStatus != null) {
            line.append(", ").append(responseStatus);
        }
        if (model != null) {
            line.append(", model ").append(HttpErrors.clip(model));
        }
        String servedBy = upstream;
        if (servedBy != null) {
            line.append(", upstream ").append(HttpErrors.clip(servedBy));
        }
        Usage tokens = usage;
        if (tokens != null) {
            line.append(", tokens ")
                    .append(tokens.inputTokens())
                    .append(" in ")
                    .append(tokens.outputTokens())
                    .append(" out");
        }
        if (errorCode != null) {
            line.append(", error ").append(errorCode);
        }
        ApiKeys.Key caller = key;
        if (caller != null) {
            line.append(", key ").append(caller.id());
        }
        line.append(')');
        if (aborted) {
            line.append(": ").append(abortSource);
            if (abortCause != null) {
                line.append(": ").append(describe(abortCause));
            }
        }
        return line.toString();
    }

    /** Logs a request answered synchronously with {@code status}. */
    public void finishedWith(int status) {
        this.status = status;
        finished();
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        String name = cause.getClass().getSimpleName();
        return message == null ? name : name + ": " + HttpErrors.clip(message);
    }
}
