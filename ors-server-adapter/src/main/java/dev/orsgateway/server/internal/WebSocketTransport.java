package dev.orsgateway.server.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.server.OrsWebSocketConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spec's WebSocket mode as a second transport over the gateway: {@code GET /responses} with {@code Upgrade:
 * websocket}, authenticated as any request, is upgraded through the container's Jakarta WebSocket {@link
 * ServerContainer#upgradeHttpToWebSocket} to a {@link ResponsesSocket}, one per connection. This class holds what
 * the connections share and closes them all on shutdown.
 *
 * <p>Only this class and {@link ResponsesSocket} touch the Jakarta WebSocket API, and the servlet loads them only when
 * the container provides it, so the servlet runs in containers without it.
 */
public final class WebSocketTransport {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketTransport.class);

    /** The attribute under which a Jakarta WebSocket container publishes its {@link ServerContainer}. */
    public static final String SERVER_CONTAINER_ATTRIBUTE = "jakarta.websocket.server.ServerContainer";

    /** How long shutdown waits for the connections to close. */
    private static final long SHUTDOWN_WAIT_MILLIS = 5_000;

    private final OrsGateway gateway;
    private final OrsWebSocketConfig config;
    private final ServerContainer container;
    private final ScheduledExecutorService timer;
    private final KeyRing keys;
    private final Set<ResponsesSocket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean shutDown;

    private WebSocketTransport(
            OrsGateway gateway,
            OrsWebSocketConfig config,
            ServerContainer container,
            ScheduledExecutorService timer,
            KeyRing keys) {
        this.gateway = gateway;
        this.keys = keys;
        this.config = config;
        this.container = container;
        this.timer = timer;
    }

    /**
     * The transport over {@code context}'s WebSocket container, or null when the container provides none (the
     * servlet then answers upgrade requests as plain {@code GET}s).
     */
    public static WebSocketTransport of(
            ServletContext context,
            OrsGateway gateway,
            OrsWebSocketConfig config,
            ScheduledExecutorService timer,
            KeyRing keys) {
        Object container = context.getAttribute(SERVER_CONTAINER_ATTRIBUTE);
        if (!(container instanceof ServerContainer server)) {
            return null;
        }
        return new WebSocketTransport(gateway, config, server, timer, keys);
    }

    /** Whether {@code request} asks to become a WebSocket connection. */
    public static boolean isUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.strip().equalsIgnoreCase("websocket");
    }

    /**
     * Upgrades {@code request} of the caller {@code owner} with {@code key} (already authenticated; both null without
     * authentication) to a connection; throws {@link
     * OrsException} (403) for a browser page whose origin is not allowed. The container itself answers a malformed
     * handshake (400, or 426 for another protocol version).
     */
    public void upgrade(
            HttpServletRequest request, HttpServletResponse response, String owner, ApiKeys.Key key, RequestLog log)
            throws IOException {
        log.webSocket();
        String origin = request.getHeader("Origin");
        if (origin != null && request.getHeader("Authorization") == null && !allowed(origin)) {
            throw originNotAllowed(origin);
        }
        if (shutDown) {
            throw shuttingDown();
        }
        String path = request.getRequestURI();
        ResponsesSocket socket = new ResponsesSocket(this, owner, key, path);
        ServerEndpointConfig endpoint = ServerEndpointConfig.Builder.create(ResponsesSocket.class, path)
                .configurator(new OneSocket(socket))
                .build();
        try {
            container.upgradeHttpToWebSocket(request, response, endpoint, Map.of());
        } catch (DeploymentException e) {
            throw HttpErrors.serverError(e);
        }
        log.finishedWith(response.getStatus() == 200 ? 101 : response.getStatus());
    }

    /**
     * Closes every connection (code 1001, a turn in flight cancelled with its upstream call) and refuses new ones;
     * waits a few seconds at most for them to close.
     */
    public void shutdown() {
        shutDown = true;
        List<CompletableFuture<Void>> closing =
                open.stream().map(ResponsesSocket::shutdown).toList();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(SHUTDOWN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} WebSocket connection(s) did not close on shutdown", open.size());
        }
    }

    // ---- for the connections

    OrsGateway gateway() {
        return gateway;
    }

    OrsWebSocketConfig config() {
        return config;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    KeyRing keys() {
        return keys;
    }

    /** Registers an opened connection; false when the transport is shut down (the connection closes at once). */
    boolean opened(ResponsesSocket socket) {
        open.add(socket);
        if (shutDown) {
            open.remove(socket);
            return false;
        }
        return true;
    }

    void closed(ResponsesSocket socket) {
        open.remove(socket);
    }

    private boolean allowed(String origin) {
        List<String> allowed = config.allowedOrigins();
        return allowed.contains("*") || allowed.contains(origin.strip().toLowerCase(Locale.ROOT));
    }

    private static OrsException originNotAllowed(String origin) {
        return new OrsException(
                new ErrorPayload(
                        OrsException.INVALID_REQUEST,
                        "origin_not_allowed",
                        "WebSocket connections from browser pages of origin '" + HttpErrors.clip(origin)
                                + "' are not allowed without an API key.",
                        null),
                403);
    }

    private static OrsException shuttingDown() {
        return new OrsException(
                new ErrorPayload(
                        OrsException.SERVER_ERROR, "server_shutting_down", "The server is shutting down.", null),
                503);
    }

    /** Hands the container the connection made for this upgrade, so that it carries its caller. */
    private static final class OneSocket extends ServerEndpointConfig.Configurator {
        private final ResponsesSocket socket;

        OneSocket(ResponsesSocket socket) {
            this.socket = socket;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(socket);
        }
    }
}
