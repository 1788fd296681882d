package dev.orsgateway.server;

import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.server.internal.KeyRing;
import dev.orsgateway.server.internal.OrsHandler;
import dev.orsgateway.server.internal.WebSocketTransport;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the Open Responses HTTP API over an {@link OrsGateway}, on any Servlet 6.0+ container (Tomcat 10.1+, Jetty 12
 * ee10/ee11). Register it under a path mapping of your choice, with async support on:
 *
 * <pre>{@code
 * ServletHolder holder = new ServletHolder(new OrsServlet(gateway, OrsServletConfig.builder().apiKey(key).build()));
 * holder.setAsyncSupported(true);
 * context.addServlet(holder, "/v1/*");
 * }</pre>
 *
 * <p>Endpoints, relative to the mount ({@code /v1/*} above):
 *
 * <ul>
 *   <li>{@code POST /responses}: creates a response. The body is {@code application/json} (UTF-8; another content
 *       type is a 415). With {@code "stream": true} the answer is {@code text/event-stream}: one {@code event:}/{@code
 *       data:} frame per event, then {@code data: [DONE]}; otherwise the response as JSON.
 *   <li>{@code GET /responses/{id}}: the stored response.
 *   <li>{@code DELETE /responses/{id}}: deletes it; {@code {"id": ..., "object": "response", "deleted": true}}.
 *   <li>{@code GET /responses/{id}/input_items}: its input items, a page in OpenAI's list shape ({@code after},
 *       {@code before}, {@code limit} 1–100 (20), {@code order} {@code asc}|{@code desc} ({@code desc})).
 *   <li>{@code GET /health}: {@code {"status":"ok"}}, without authentication (path configurable).
 *   <li>WebSocket on {@code /responses} (the spec's WebSocket mode, {@link OrsServletConfig.Builder#webSocket}):
 *       {@code {"type": "response.create", ...}} messages start turns, one at a time, and each event comes back as one
 *       JSON text message. Served where the container provides Jakarta WebSocket (Tomcat's {@code WsSci}, Jetty's
 *       {@code JakartaWebSocketServletContainerInitializer}); the upgrade authenticates as any request.
 * </ul>
 *
 * <p>Errors are the spec's error object, {@code {"error": {"type", "code", "message", "param"}}}, with the status
 * that goes with it: 400 for a request that is malformed or invalid ({@code param} names the JSON path of the
 * offending value), 401 without a valid API key (when keys are configured), 404 for an unknown id or path, 405 (with
 * {@code Allow}) for a wrong method, 413 for a body over the limit, 415 for a body that is not JSON, the upstream's
 * status when it fails before the first output (a 429 stays a 429; an error that says when to retry carries
 * {@code Retry-After}, in seconds), and 500 for anything unexpected (logged with its
 * stack trace; the client sees a generic message).
 *
 * <p>Requests are asynchronous and non-blocking both ways: the body is read with a {@code ReadListener} (up to the
 * configured limit; the rest of a larger body is read and dropped, within a bound, so that the client gets its 413)
 * and events are written with a {@code WriteListener}: at most a small window of events is requested from the
 * gateway ahead of what has been written, events that are ready together are written and flushed at once, and more
 * are requested only once the output is ready again. No thread is held per open stream, and a slow client slows its
 * upstream down. A client that disconnects cancels its upstream call; it is noticed at the next write, which the
 * keep-alive comments ({@link OrsServletConfig.Builder#keepAliveInterval}) guarantee. A client that stays connected but
 * stops reading is given up once a write has been blocked for the write timeout ({@link
 * OrsServletConfig.Builder#writeTimeout}), which cancels its upstream call too.
 */
public final class OrsServlet extends HttpServlet {
    private final OrsGateway gateway;
    private final OrsServletConfig config;
    private final KeyRing keys;
    private static final Logger LOG = LoggerFactory.getLogger(OrsServlet.class);

    private volatile ScheduledExecutorService ticker;
    private volatile OrsHandler handler;
    private volatile WebSocketTransport webSocket;

    /** A servlet over {@code gateway} with {@link OrsServletConfig#defaults()}. */
    public OrsServlet(OrsGateway gateway) {
        this(gateway, OrsServletConfig.defaults());
    }

    /** A servlet over {@code gateway} configured by {@code config}. */
    public OrsServlet(OrsGateway gateway, OrsServletConfig config) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.config = Objects.requireNonNull(config, "config");
        this.keys = new KeyRing(config.apiKeys(), config.clock());
    }

    /**
     * Replaces the API keys while the servlet serves (key rotation): requests from now on authenticate with {@code
     * apiKeys}. A key in both sets keeps what it spent of its limits and budget; a WebSocket connection opened with a
     * key no longer there has its next turn refused (401). A servlet configured without keys starts authenticating.
     *
     * @throws IllegalArgumentException when {@code apiKeys} is empty: that would turn authentication off
     */
    public void replaceApiKeys(Collection<OrsApiKey> apiKeys) {
        List<OrsApiKey> copy = List.copyOf(apiKeys);
        keys.replace(copy.stream().map(OrsServletConfig::spec).toList());
        LOG.info("OrsServlet: API keys replaced, {} key(s)", copy.size());
    }

    /** The configuration this servlet serves with. */
    public OrsServletConfig config() {
        return config;
    }

    @Override
    public void init() throws ServletException {
        long keepAliveNanos = config.keepAliveInterval().toNanos();
        long writeTimeoutNanos = config.writeTimeout().toNanos();
        // Checked by name before the transport's class is touched: it links against Jakarta WebSocket, which a
        // container without WebSocket support does not have.
        boolean webSocketAvailable =
                getServletContext().getAttribute(WebSocketTransport.SERVER_CONTAINER_ATTRIBUTE) != null;
        boolean webSocketOn = config.webSocket().enabled() && webSocketAvailable;
        if (keepAliveNanos > 0 || writeTimeoutNanos > 0 || webSocketOn) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "ors-servlet-timer");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            ticker = executor;
        }
        if (webSocketOn) {
            webSocket = WebSocketTransport.of(getServletContext(), gateway, config.webSocket(), ticker, keys);
        } else if (config.webSocket().enabled()) {
            LOG.info("OrsServlet: no WebSocket mode, the container provides no Jakarta WebSocket ServerContainer");
        }
        handler = new OrsHandler(
                gateway,
                config.maxRequestBytes(),
                keys,
                config.healthPath(),
                keepAliveNanos,
                keepAliveNanos > 0 || writeTimeoutNanos > 0 ? ticker : null,
                webSocket,
                writeTimeoutNanos);
        LOG.info("OrsServlet serving {} with {}", gateway.upstreamDescription(), config);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OrsHandler current = handler;
        if (current == null) {
            throw new IllegalStateException("OrsServlet was not initialized by its container");
        }
        current.service(request, response);
    }

    @Override
    public void destroy() {
        WebSocketTransport transport = webSocket;
        if (transport != null) {
            transport.shutdown();
        }
        ScheduledExecutorService executor = ticker;
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
