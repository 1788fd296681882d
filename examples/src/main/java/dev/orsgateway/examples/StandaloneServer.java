package dev.orsgateway.examples;

import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.RequestLimits;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.upstream.GeminiThoughtSignatures;
import dev.orsgateway.core.upstream.MistralToolCallIds;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import dev.orsgateway.server.OrsApiKey;
import dev.orsgateway.server.OrsServlet;
import dev.orsgateway.server.OrsServletConfig;
import dev.orsgateway.server.OrsWebSocketConfig;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.transcoder.TranscoderOptions;
import dev.orsgateway.upstream.jdk.JdkHttpChatCompletionsUpstream;
import dev.orsgateway.upstream.okhttp.OkHttpChatCompletionsUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a standalone HTTP server: embedded Jetty 12 serving {@link OrsServlet} under {@code /v1}, a SQLite
 * store, and a non-blocking upstream over the JDK's HTTP client (or OkHttp, {@code UPSTREAM_TRANSPORT=okhttp}), all
 * configured by environment variables (see {@link Settings}). Ctrl-C or SIGTERM stops it cleanly: new connections
 * and requests are refused, open responses get the drain time ({@code ORS_DRAIN_SECONDS}, default 5) to finish, those
 * still open then are cancelled (each stream ends with {@code error} and {@code response.failed}, code {@code
 * server_shutting_down}), then the store is closed.
 */
public final class StandaloneServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandaloneServer.class);

    /** The default drain time. */
    public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(5);

    /** After the drain time, how long the cancelled responses get to send their last events. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(2);

    private final Settings settings;
    private final ScriptedChatServer demo;
    private final List<ChatCompletionsUpstream> upstreams = new ArrayList<>();
    private final OrsGateway gateway;
    private final MetricsEndpoint metrics;
    private final ResponseStore store;
    private final Server jetty;
    private final ServerConnector connector;
    private final UpstreamDrain drain = new UpstreamDrain();
    private final Duration drainTime;
    private final ApiKeysFile.Watcher keysFile;
    private final int apiKeyCount;

    private StandaloneServer(Settings settings, Duration drainTime) throws Exception {
        this.settings = settings;
        this.drainTime = Objects.requireNonNull(drainTime, "drainTime");
        if (drainTime.isNegative()) {
            throw new IllegalArgumentException("drainTime must not be negative, was " + drainTime);
        }
        settings.requireAuthenticationWhenExposed();
        // First: a mistake in the keys file stops the start before anything is opened.
        List<OrsApiKey> fixedKeys = settings.apiKeys().stream()
                .map(key -> OrsApiKey.of(key).build())
                .toList();
        List<OrsApiKey> keys = new ArrayList<>(fixedKeys);
        byte[] keysFileBytes = null;
        if (settings.apiKeysFile() != null) {
            try {
                keysFileBytes = Files.readAllBytes(settings.apiKeysFile());
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "ORS_API_KEYS_FILE " + settings.apiKeysFile() + " cannot be read: " + e, e);
            }
            keys.addAll(ApiKeysFile.parse(keysFileBytes, settings.apiKeysFile().toString()));
        }
        this.apiKeyCount = keys.size();
        RoutingConfig routing = settings.routing();
        boolean demoWanted = routing == null
                ? settings.isDemo()
                : routing.upstreams().stream().anyMatch(RoutingConfig.UpstreamSpec::isDemo);
        this.demo = demoWanted ? ScriptedChatServer.start() : null;
        Router router;
        try {
            router = router(settings, routing);
        } catch (RuntimeException e) {
            close(upstreams);
            if (demo != null) {
                demo.close();
            }
            throw e;
        }
        JdbcResponseStore.Builder storeBuilder = JdbcResponseStore.builder().jdbcUrl(settings.jdbcUrl());
        if (settings.retention() != null) {
            storeBuilder.retention(settings.retention());
        }
        this.store = storeBuilder.build();
        this.metrics = settings.metricsPort() < 0 ? null : new MetricsEndpoint(settings.host(), settings.metricsPort());
        OrsGateway.Builder builder = OrsGateway.builder()
                .transcoder(ChatTranscoder.create(TranscoderOptions.DEFAULT.withHostedTools(settings.hostedTools())))
                .router(router)
                .store(store)
                .defaultModel(settings.defaultModel())
                .maxConcurrentResponses(settings.maxConcurrentResponses())
                .compactionKey(CompactionKeys.load(settings))
                .requestLimits(settings.requestLimits());
        if (metrics != null) {
            builder.observer(metrics.observer());
        }
        this.gateway = builder.build();
        OrsServletConfig.Builder servletConfig =
                OrsServletConfig.builder().webSocket(settings.webSocket()).writeTimeout(settings.writeTimeout());
        keys.forEach(servletConfig::apiKey);
        OrsServlet servlet = new OrsServlet(gateway, servletConfig.build());
        this.keysFile = settings.apiKeysFile() == null
                ? null
                : new ApiKeysFile.Watcher(settings.apiKeysFile(), fixedKeys, servlet, keysFileBytes);
        this.jetty = jetty(settings, servlet);
        this.connector = (ServerConnector) jetty.getConnectors()[0];
        try {
            jetty.start();
        } catch (Exception e) {
            close();
            throw e;
        }
        if (keysFile != null) {
            keysFile.start(settings.apiKeysReloadSeconds());
        }
    }

    /**
     * Reads {@code ORS_API_KEYS_FILE} again now (as the poller does every {@code ORS_API_KEYS_RELOAD_SECONDS}): a
     * changed, valid file replaces the keys; returns whether it did.
     */
    boolean reloadApiKeys() {
        return keysFile != null && keysFile.reload();
    }

    /** Starts a server with {@code settings} and the {@link #DEFAULT_DRAIN_TIME}; it serves until {@link #close()}. */
    public static StandaloneServer start(Settings settings) throws Exception {
        return new StandaloneServer(settings, DEFAULT_DRAIN_TIME);
    }

    /**
     * Starts a server with {@code settings}; it serves until {@link #close()}, which gives open responses {@code
     * drainTime} to finish before it cancels them.
     */
    public static StandaloneServer start(Settings settings, Duration drainTime) throws Exception {
        return new StandaloneServer(settings, drainTime);
    }

    /**
     * Reads the settings from the environment, starts the server, and stops it on Ctrl-C or SIGTERM. With the argument
     * {@code --health-check}: asks the server this environment configures for {@code /v1/health} instead, and exits 0
     * if it answers 200, else 1 (a container's health check).
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--health-check")) {
            System.exit(HealthCheck.run(System.getenv(), System.err));
            return;
        }
        // jOOQ prints a banner and tips on first use unless told not to (the exec:exec run passes these too).
        for (String property : List.of("org.jooq.no-logo", "org.jooq.no-tips")) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "true");
            }
        }
        // The JDK client's read buffer per upstream connection (16 KB by default) is most of an idle stream's upstream
        // memory; 4 KB holds several chunks. JVM-wide, so only this program sets it, and only when not set already.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", "4096");
        }
        Settings settings;
        Duration drainTime;
        try {
            settings = Settings.fromEnvironment(System.getenv());
            settings.requireAuthenticationWhenExposed();
            drainTime = drainTime(System.getenv());
        } catch (IllegalArgumentException e) {
            // A configuration mistake: the message names the variable or the file's key; a stack trace would bury it.
            log.error("ORS Gateway cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        if (settings.jdbcUrl().startsWith("jdbc:sqlite:")) {
            // A killed run leaves its copy of SQLite's native library behind; the next start removes it.
            NativeLibraryDirectory.prepare(Path.of(System.getProperty("java.io.tmpdir")));
        }
        StandaloneServer server = start(settings, drainTime);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ors-shutdown"));
        String address = urlHost(settings.host());
        if (settings.noAuthentication()) {
            // Before the start line, which tells scripts the server is up.
            log.warn(
                    "Authentication is off (ORS_AUTH=none): anyone who can reach {}:{} uses the upstream's key and reads"
                            + " every stored response",
                    address,
                    server.port());
        }
        log.info(
                "ORS Gateway listening on http://{}:{}/v1/responses{}, {}, upstream {}, store {}{}",
                address,
                server.port(),
                settings.webSocket().enabled() ? " (and ws://)" : "",
                settings.authenticationSummary(server.apiKeyCount),
                server.gateway.upstreamDescription(),
                settings.redactedJdbcUrl(),
                server.metricsPort() < 0
                        ? ""
                        : ", metrics on http://" + address + ":" + server.metricsPort() + "/metrics");
        server.jetty.join();
    }

    /** {@code host} as a URL writes it: an IPv6 address in brackets. */
    static String urlHost(String host) {
        String name = host.trim();
        return name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name;
    }

    /** The port the server listens on (useful with {@code PORT=0}). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The gateway this server serves (for tests: what is in progress). */
    OrsGateway gateway() {
        return gateway;
    }

    /** The port Prometheus scrapes ({@code GET /metrics}), or -1 without {@code METRICS_PORT}. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    /**
     * Stops accepting connections and requests, gives open responses the drain time to finish, cancels those still
     * open (each ends with its terminal event), then closes the server, the upstreams and the store.
     */
    @Override
    public void close() {
        if (keysFile != null) {
            keysFile.close();
        }
        try {
            drainAndStop();
        } catch (Exception e) {
            log.warn("stopping Jetty failed", e);
        }
        close(upstreams);
        if (metrics != null) {
            metrics.close();
        }
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("closing the store failed", e);
            }
        }
        if (demo != null) {
            demo.close();
        }
        log.info("ORS Gateway stopped");
    }

    private void drainAndStop() throws Exception {
        if (jetty.isStarted()) {
            // The connectors close their listening sockets (new connections are refused), the GracefulHandler answers
            // 503 to new requests on open connections, and the future completes when no request is in flight.
            CompletableFuture<Void> idle = Graceful.shutdown(jetty);
            if (!finishes(idle, drainTime)) {
                int cancelled = drain.cancelAll();
                log.info(
                        "drain time ({} ms) is over: cancelled {} upstream call(s) still in progress",
                        drainTime.toMillis(),
                        cancelled);
                if (!finishes(idle, CANCEL_GRACE)) {
                    log.warn(
                            "requests still in progress {} ms after they were cancelled: closing their connections",
                            CANCEL_GRACE.toMillis());
                }
            }
        }
        jetty.stop();
    }

    private static boolean finishes(CompletableFuture<Void> future, Duration within) {
        try {
            future.get(within.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // no more waiting: cancel what is open, then stop
            return false;
        } catch (ExecutionException e) {
            log.warn("graceful shutdown failed", e.getCause());
            return true;
        }
    }

    /** {@code ORS_DRAIN_SECONDS}: how long open responses may go on once the server is asked to stop; default 5. */
    static Duration drainTime(Map<String, String> env) {
        int seconds = Settings.integer(env, "ORS_DRAIN_SECONDS", (int) DEFAULT_DRAIN_TIME.toSeconds());
        if (seconds < 0) {
            throw new IllegalArgumentException("ORS_DRAIN_SECONDS must be 0 or more, was " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    private static void close(List<ChatCompletionsUpstream> upstreams) {
        for (ChatCompletionsUpstream upstream : upstreams) {
            if (upstream instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("closing the upstream {} failed", upstream.describe(), e);
                }
            }
        }
    }

    /**
     * The router: one upstream from {@code UPSTREAM_URL}, or the upstreams and routes of the {@code ORS_CONFIG} file.
     * The upstreams it builds are added to {@link #upstreams}, for {@link #close()}.
     */
    private Router router(Settings settings, RoutingConfig routing) {
        if (routing == null) {
            String url = demo != null ? demo.baseUrl().toString() : settings.upstreamUrl();
            ChatCompletionsUpstream upstream = upstream(
                    settings,
                    settings.transport(),
                    url,
                    settings.upstreamApiKey(),
                    Map.of(),
                    settings.connectTimeout(),
                    null,
                    null);
            upstreams.add(upstream);
            return Router.single(drain.track(upstream));
        }
        for (String key : routing.literalSecrets()) {
            log.warn("{} is written in the routing file itself; prefer ${ENV_VAR} so the key stays out of it", key);
        }
        Router.Builder router = Router.builder().retry(routing.retry());
        for (RoutingConfig.UpstreamSpec spec : routing.upstreams()) {
            Map<String, String> headers = new LinkedHashMap<>(spec.headers());
            String bearer = spec.apiKey();
            if (spec.auth().equals("azure")) {
                headers.put("api-key", spec.apiKey());
                bearer = null;
            }
            ChatCompletionsUpstream upstream = upstream(
                    settings,
                    spec.transport() != null ? spec.transport() : settings.transport(),
                    spec.isDemo() ? demo.baseUrl().toString() : spec.url(),
                    bearer,
                    headers,
                    spec.connectTimeout() != null ? spec.connectTimeout() : settings.connectTimeout(),
                    spec.readTimeout(),
                    spec.callTimeout());
            upstreams.add(upstream);
            ChatCompletionsUpstream routed = spec.mistralToolCallIds() ? MistralToolCallIds.wrap(upstream) : upstream;
            router.upstream(
                    spec.name(),
                    drain.track(spec.geminiThoughtSignatures() ? GeminiThoughtSignatures.wrap(routed) : routed));
        }
        routing.routes().forEach(router::route);
        return router.build();
    }

    /**
     * An upstream over {@code transport}. The JDK's client by default: non-blocking, no thread per stream, and the
     * least CPU per token in the load harness (see ors-upstream-jdk's README). OkHttp holds one thread per open stream
     * on Java 17. Null timeouts keep the transport's defaults.
     */
    private static ChatCompletionsUpstream upstream(
            Settings settings,
            String transport,
            String url,
            String apiKey,
            Map<String, String> headers,
            Duration connectTimeout,
            Duration readTimeout,
            Duration callTimeout) {
        if (transport.equals("okhttp")) {
            OkHttpChatCompletionsUpstream.Builder okhttp = OkHttpChatCompletionsUpstream.builder()
                    .baseUrl(url)
                    .apiKey(apiKey)
                    .headers(headers)
                    .connectTimeout(connectTimeout)
                    .maxRequests(settings.maxConcurrentResponses())
                    .maxRequestsPerHost(settings.maxConcurrentResponses());
            if (readTimeout != null) {
                okhttp.readTimeout(readTimeout);
            }
            if (callTimeout != null) {
                okhttp.callTimeout(callTimeout);
            }
            return okhttp.build();
        }
        JdkHttpChatCompletionsUpstream.Builder jdk = JdkHttpChatCompletionsUpstream.builder()
                .baseUrl(url)
                .apiKey(apiKey)
                .headers(headers)
                .connectTimeout(connectTimeout)
                .maxConcurrentStreams(settings.maxConcurrentResponses());
        if (readTimeout != null) {
            jdk.readTimeout(readTimeout);
        }
        if (callTimeout != null) {
            jdk.callTimeout(callTimeout);
        }
        if (transport.equals("jdk-inline")) {
            // Parsing and transcoding on the clients' selector threads, one per core: the fewest thread hand-offs
            // per token.
            jdk.executor(Runnable::run).selectorThreads(Runtime.getRuntime().availableProcessors());
        }
        return jdk.build();
    }

    /**
     * Jetty, tuned for many long-lived streams. Measured with the load harness's {@code hold} scenario (8,000 open
     * streams, 2 vCPUs): about 28 KB of live heap per open stream, against 105 KB for Tomcat 11 tuned as far as its
     * connector allows (Catalina keeps fixed 8 KB byte and 8 K-char buffers each way for every request in flight; Jetty
     * takes its buffers from a pool only while bytes move), at the same CPU per token.
     */
    private static Server jetty(Settings settings, OrsServlet servlet) {
        // Every stream is asynchronous, so a few worker threads serve them all: a fixed pool (no growth under a burst
        // of connections, no idle threads reaped and re-made), plus the acceptor and selector threads Jetty leases.
        int selectors = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        int threads = settings.containerThreads() + 1 + selectors;
        QueuedThreadPool pool = new QueuedThreadPool(threads, threads);
        pool.setName("ors-http");
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // The servlet writes each batch of events once and flushes it: a small aggregation buffer is enough, and it
        // is pooled memory per writing stream.
        http.setOutputBufferSize(4096);
        ServerConnector connector = new ServerConnector(server, 1, selectors, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setAcceptQueueSize(4096); // a burst of new connections must not overflow the backlog
        // Idle keep-alive connections and stalled writes to a client that stopped reading end after 30 s. A request
        // waiting for its upstream writes nothing and is not idle in this sense (keep-alive comments cover streams).
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);
        // One connection per open stream; above the limit Jetty stops accepting, so the limit sits above the
        // gateway's own bound, which answers 429 first.
        server.addBean(new NetworkConnectionLimit(settings.maxConnections(), connector));

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder("ors", servlet);
        holder.setAsyncSupported(true);
        holder.setInitOrder(1);
        context.addServlet(holder, "/v1/*");
        // Jakarta WebSocket for the servlet's WebSocket mode on /v1/responses (it upgrades the requests itself).
        JakartaWebSocketServletContainerInitializer.configure(context, null);
        // On stop, close() waits for the GracefulHandler's in-flight requests itself (the drain time), so Jetty's own
        // wait is off. WebSocket connections are closed with 1001, their turns cancelled.
        server.setHandler(new GracefulHandler(context));
        server.setStopTimeout(0);
        server.setStopAtShutdown(false); // main's own hook closes the server, then the store
        return server;
    }

    /**
     * The server's configuration, read from environment variables.
     *
     * @param upstreamUrl {@code UPSTREAM_URL}: the Chat Completions endpoint ({@code .../v1} or
     *     {@code .../v1/chat/completions}), or {@code demo} for the built-in scripted model; default Ollama's
     *     {@code http://localhost:11434/v1/chat/completions}
     * @param upstreamApiKey {@code OPENAI_API_KEY}: sent upstream as a bearer token, if set
     * @param jdbcUrl {@code DATABASE_URL}: a SQLite file path or {@code jdbc:sqlite:} URL (default {@code
     *     ors-gateway.db}), or a PostgreSQL database, {@code postgresql://user:password@host:5432/db} ({@code
     *     postgres://} too, user and password percent-encoded) or a {@code jdbc:postgresql:} URL; held here as the
     *     JDBC URL, with the credentials as its {@code user} and {@code password} parameters (see {@link
     *     #redactedJdbcUrl()} for logs)
     * @param host {@code HOST}: the address to bind; default {@code 127.0.0.1} (this machine only). On any other
     *     address ({@code 0.0.0.0}, say) the server refuses to start without {@code apiKeys}, unless {@code
     *     noAuthentication}
     * @param port {@code PORT}: default 3000 ({@code 0} picks a free port)
     * @param apiKeys {@code ORS_API_KEYS}: comma-separated keys clients must send as {@code Authorization: Bearer};
     *     none means no authentication, allowed on a loopback {@code host} only unless {@code noAuthentication}
     * @param defaultModel {@code ORS_DEFAULT_MODEL}: the model for requests that name none; default none
     * @param connectTimeout {@code UPSTREAM_CONNECT_TIMEOUT_MS}: how long to wait for the upstream to accept a
     *     connection before answering 502; default 5000
     * @param maxConcurrentResponses {@code ORS_MAX_CONCURRENT_RESPONSES}: responses in progress at once; one more is
     *     answered 429 with {@code Retry-After} at once; default {@value #DEFAULT_MAX_CONCURRENT_RESPONSES}
     * @param maxConnections {@code ORS_MAX_CONNECTIONS}: open client connections the server accepts; default
     *     {@value #DEFAULT_MAX_CONNECTIONS}
     * @param containerThreads {@code ORS_CONTAINER_THREADS}: the server's fixed pool of worker threads; default
     *     {@value #DEFAULT_CONTAINER_THREADS}
     * @param transport {@code UPSTREAM_TRANSPORT}: {@code jdk} (default), {@code jdk-inline} (the JDK client with
     *     stream work on its selector thread) or {@code okhttp}
     * @param hostedTools {@code ORS_HOSTED_TOOLS}: {@code drop} (default: hosted tools such as {@code web_search} are
     *     left out of the upstream request, logged at INFO) or {@code reject} (a 400 naming every one)
     * @param compactionKey {@code ORS_COMPACTION_KEY}: the base64 of the 32-byte key sealing compaction items; default
     *     the key in {@code compactionKeyFile}
     * @param compactionKeyFile {@code ORS_COMPACTION_KEY_FILE}: where the key is kept when {@code compactionKey} is not
     *     given, made on first start (owner-only permissions); default the database file's path plus
     *     {@code .compaction-key}, or none for an in-memory database (then a key for this run only)
     * @param routing {@code ORS_CONFIG}: the path of a routing file (YAML or JSON: several upstreams, routes by model,
     *     fallbacks and retries; see {@link RoutingConfig}), read at start; null (the default) for the one upstream of
     *     {@code UPSTREAM_URL}, which must then not be set
     * @param metricsPort {@code METRICS_PORT}: where Prometheus scrapes the gateway's metrics ({@code GET /metrics},
     *     on {@code HOST}); -1 (unset, the default) for none, 0 for a free port
     * @param webSocket WebSocket mode on {@code /v1/responses}: {@code ORS_WEBSOCKET} ({@code on}, the default, or
     *     {@code off}), {@code ORS_WEBSOCKET_MAX_CONNECTION_SECONDS} (3600), {@code ORS_WEBSOCKET_IDLE_TIMEOUT_SECONDS}
     *     (600) and {@code ORS_WEBSOCKET_ALLOWED_ORIGINS} (origins of browser pages that may connect without an API
     *     key, comma-separated; none by default)
     * @param retention {@code ORS_RETENTION_DAYS}: how long stored responses are kept after they were created
     *     before a background purge deletes them, except those a younger response continues; null (the default)
     *     keeps them forever. OpenAI keeps stored responses 30 days.
     * @param noAuthentication {@code ORS_AUTH=none}: serve without authentication on any address, a non-loopback
     *     one included (a warning is logged at start); not with {@code apiKeys}. Default false
     * @param apiKeysFile {@code ORS_API_KEYS_FILE}: a file of API keys, one a line with its name and limits (see
     *     {@link ApiKeysFile}), used with those of {@code ORS_API_KEYS}; re-read when it changes, so keys rotate
     *     without a restart (a file with a mistake keeps the keys as they were, with a warning); null: none
     * @param apiKeysReloadSeconds {@code ORS_API_KEYS_RELOAD_SECONDS}: how often the keys file is checked for
     *     changes; default {@value #DEFAULT_API_KEYS_RELOAD_SECONDS}, 0 for never
     * @param writeTimeout {@code ORS_WRITE_TIMEOUT_MS}: how long a write to an event stream may stay blocked (a client
     *     that stopped reading) before the stream is given up and its upstream call cancelled; default 30000, 0 for
     *     none (Jetty's 30 s idle timeout still ends such a connection)
     * @param requestLimits the bounds on what clients send, each a 400 naming the field: {@code ORS_MAX_INPUT_ITEMS},
     *     {@code ORS_MAX_JSON_DEPTH}, {@code ORS_MAX_STRING_CHARS}, {@code ORS_MAX_INLINE_DATA_CHARS}, {@code
     *     ORS_MAX_TOOLS}, {@code ORS_MAX_TOOL_BYTES}, {@code ORS_MAX_METADATA_PAIRS}, {@code
     *     ORS_MAX_METADATA_KEY_CHARS}, {@code ORS_MAX_METADATA_VALUE_CHARS}; defaults {@link RequestLimits#defaults()}
     */
    public record Settings(
            String upstreamUrl,
            String upstreamApiKey,
            String jdbcUrl,
            String host,
            int port,
            List<String> apiKeys,
            String defaultModel,
            Duration connectTimeout,
            int maxConcurrentResponses,
            int maxConnections,
            int containerThreads,
            String transport,
            TranscoderOptions.HostedTools hostedTools,
            String compactionKey,
            Path compactionKeyFile,
            OrsWebSocketConfig webSocket,
            RoutingConfig routing,
            int metricsPort,
            Duration retention,
            boolean noAuthentication,
            Path apiKeysFile,
            int apiKeysReloadSeconds,
            Duration writeTimeout,
            RequestLimits requestLimits) {

        /** The default of {@code HOST}: loopback, reachable from this machine only. */
        public static final String DEFAULT_HOST = "127.0.0.1";

        /** The transports {@code UPSTREAM_TRANSPORT} may name. */
        public static final List<String> TRANSPORTS = List.of("jdk", "jdk-inline", "okhttp");

        /** The default of {@code ORS_MAX_CONCURRENT_RESPONSES}. */
        public static final int DEFAULT_MAX_CONCURRENT_RESPONSES = 10_000;

        /** The default of {@code ORS_MAX_CONNECTIONS}: above the response bound, so the bound answers first. */
        public static final int DEFAULT_MAX_CONNECTIONS = 12_000;

        /** The default of {@code ORS_API_KEYS_RELOAD_SECONDS}. */
        public static final int DEFAULT_API_KEYS_RELOAD_SECONDS = 5;

        /** The default of {@code ORS_CONTAINER_THREADS}. */
        public static final int DEFAULT_CONTAINER_THREADS = 8;

        /** Settings with the default limits. */
        public Settings(
                String upstreamUrl,
                String upstreamApiKey,
                String jdbcUrl,
                String host,
                int port,
                List<String> apiKeys,
                String defaultModel,
                Duration connectTimeout) {
            this(
                    upstreamUrl,
                    upstreamApiKey,
                    jdbcUrl,
                    host,
                    port,
                    apiKeys,
                    defaultModel,
                    connectTimeout,
                    DEFAULT_MAX_CONCURRENT_RESPONSES,
                    DEFAULT_MAX_CONNECTIONS,
                    DEFAULT_CONTAINER_THREADS,
                    "jdk",
                    TranscoderOptions.HostedTools.DROP,
                    null,
                    null);
        }

        /** Settings with WebSocket mode on, with its default limits. */
        public Settings(
                String upstreamUrl,
                String upstreamApiKey,
                String jdbcUrl,
                String host,
                int port,
                List<String> apiKeys,
                String defaultModel,
                Duration connectTimeout,
                int maxConcurrentResponses,
                int maxConnections,
                int containerThreads,
                String transport,
                TranscoderOptions.HostedTools hostedTools,
                String compactionKey,
                Path compactionKeyFile) {
            this(
                    upstreamUrl,
                    upstreamApiKey,
                    jdbcUrl,
                    host,
                    port,
                    apiKeys,
                    defaultModel,
                    connectTimeout,
                    maxConcurrentResponses,
                    maxConnections,
                    containerThreads,
                    transport,
                    hostedTools,
                    compactionKey,
                    compactionKeyFile,
                    OrsWebSocketConfig.defaults(),
                    null,
                    -1,
                    null,
                    false,
                    null,
                    DEFAULT_API_KEYS_RELOAD_SECONDS,
                    OrsServletConfig.DEFAULT_WRITE_TIMEOUT,
                    RequestLimits.defaults());
        }

        /** The default upstream: a local Ollama. */
        public static final String DEFAULT_UPSTREAM = "http://localhost:11434/v1/chat/completions";

        /** Copies {@code apiKeys}. */
        public Settings {
            Objects.requireNonNull(requestLimits, "requestLimits");
            Objects.requireNonNull(upstreamUrl, "upstreamUrl");
            Objects.requireNonNull(hostedTools, "hostedTools");
            Objects.requireNonNull(webSocket, "webSocket");
            Objects.requireNonNull(writeTimeout, "writeTimeout");
            apiKeys = List.copyOf(apiKeys);
            if (noAuthentication && (!apiKeys.isEmpty() || apiKeysFile != null)) {
                throw new IllegalArgumentException(
                        "ORS_AUTH=none and API keys (ORS_API_KEYS or ORS_API_KEYS_FILE) are both set: unset one of them");
            }
            if (apiKeysReloadSeconds < 0) {
                throw new IllegalArgumentException(
                        "ORS_API_KEYS_RELOAD_SECONDS must be 0 or more, was " + apiKeysReloadSeconds);
            }
        }

        /** Whether clients must authenticate: keys in {@code ORS_API_KEYS} or a {@code ORS_API_KEYS_FILE}. */
        public boolean authenticationConfigured() {
            return !apiKeys.isEmpty() || apiKeysFile != null;
        }

        /** Whether the built-in scripted model answers. */
        public boolean isDemo() {
            return "demo".equalsIgnoreCase(upstreamUrl.trim());
        }

        /** Reads the settings from an environment map (see the record's parameters). */
        public static Settings fromEnvironment(Map<String, String> env) {
            String jdbcUrl = jdbcUrl(blankToNull(env.get("DATABASE_URL")));
            List<String> keys = blankToNull(env.get("ORS_API_KEYS")) == null
                    ? List.of()
                    : Arrays.stream(env.get("ORS_API_KEYS").split(","))
                            .map(String::trim)
                            .filter(key -> !key.isEmpty())
                            .toList();
            String configFile = blankToNull(env.get("ORS_CONFIG"));
            RoutingConfig routing = null;
            if (configFile != null) {
                if (blankToNull(env.get("UPSTREAM_URL")) != null) {
                    throw new IllegalArgumentException("ORS_CONFIG and UPSTREAM_URL are both set: the routing file"
                            + " names the upstreams, so unset UPSTREAM_URL (or ORS_CONFIG)");
                }
                routing = RoutingConfig.read(Path.of(configFile.trim()), env);
            }
            return new Settings(
                    Objects.requireNonNullElse(blankToNull(env.get("UPSTREAM_URL")), DEFAULT_UPSTREAM),
                    blankToNull(env.get("OPENAI_API_KEY")),
                    jdbcUrl,
                    Objects.requireNonNullElse(blankToNull(env.get("HOST")), DEFAULT_HOST),
                    integer(env, "PORT", 3000),
                    keys,
                    blankToNull(env.get("ORS_DEFAULT_MODEL")),
                    Duration.ofMillis(integer(env, "UPSTREAM_CONNECT_TIMEOUT_MS", 5000)),
                    positive(env, "ORS_MAX_CONCURRENT_RESPONSES", DEFAULT_MAX_CONCURRENT_RESPONSES),
                    positive(env, "ORS_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS),
                    positive(env, "ORS_CONTAINER_THREADS", DEFAULT_CONTAINER_THREADS),
                    transport(env.get("UPSTREAM_TRANSPORT")),
                    hostedTools(env.get("ORS_HOSTED_TOOLS")),
                    blankToNull(env.get("ORS_COMPACTION_KEY")),
                    blankToNull(env.get("ORS_COMPACTION_KEY_FILE")) == null
                            ? null
                            : Path.of(env.get("ORS_COMPACTION_KEY_FILE").trim()),
                    webSocket(env),
                    routing,
                    metricsPort(env),
                    blankToNull(env.get("ORS_RETENTION_DAYS")) == null
                            ? null
                            : Duration.ofDays(positive(env, "ORS_RETENTION_DAYS", 1)),
                    noAuthentication(env.get("ORS_AUTH")),
                    apiKeysFile(env),
                    integer(env, "ORS_API_KEYS_RELOAD_SECONDS", DEFAULT_API_KEYS_RELOAD_SECONDS),
                    writeTimeout(env),
                    requestLimits(env));
        }

        private static boolean noAuthentication(String value) {
            if (blankToNull(value) == null) {
                return false;
            }
            if (!value.trim().equalsIgnoreCase("none")) {
                throw new IllegalArgumentException("ORS_AUTH must be 'none' (serve without authentication on any"
                        + " address) or unset (clients send one of ORS_API_KEYS), was '" + value + "'");
            }
            return true;
        }

        /**
         * Refuses settings that would serve every client of a reachable address unauthenticated: a {@link #host} that is
         * not loopback with no {@link #apiKeys}, unless {@link #noAuthentication} says so. The upstream key and every
         * stored conversation would be open to anyone who can reach the port.
         *
         * @throws IllegalArgumentException naming what to set
         */
        public void requireAuthenticationWhenExposed() {
            if (!authenticationConfigured() && !noAuthentication && !isLoopback(host)) {
                throw new IllegalArgumentException("HOST=" + host + " is reachable from other machines and no"
                        + " ORS_API_KEYS are set: set ORS_API_KEYS or ORS_API_KEYS_FILE (clients send a key as"
                        + " Authorization: Bearer), or"
                        + " ORS_AUTH=none to serve without authentication, or HOST=127.0.0.1");
            }
        }

        /**
         * How clients authenticate, for the start line: by key ({@code keyCount} keys, from the environment and the
         * keys file), not at all (loopback), or explicitly not at all.
         */
        public String authenticationSummary(int keyCount) {
            if (authenticationConfigured()) {
                return "authentication on (" + keyCount + " API key" + (keyCount == 1 ? "" : "s")
                        + (apiKeysFile == null ? "" : ", keys file " + apiKeysFile) + ")";
            }
            return noAuthentication
                    ? "authentication OFF (ORS_AUTH=none)"
                    : "no authentication (loopback only; set ORS_API_KEYS to require keys)";
        }

        /**
         * Whether every address {@code host} names is a loopback address (127.0.0.0/8, ::1). A name that does not
         * resolve counts as not loopback: binding it fails anyway.
         */
        static boolean isLoopback(String host) {
            String name = host.trim();
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
            }
            if (name.isEmpty()) {
                return false; // Jetty binds every address for an empty host
            }
            try {
                return Arrays.stream(InetAddress.getAllByName(name)).allMatch(InetAddress::isLoopbackAddress);
            } catch (UnknownHostException e) {
                return false;
            }
        }

        /** {@code ORS_API_KEYS_FILE}, read once here so that a mistake in it is a configuration error. */
        private static Path apiKeysFile(Map<String, String> env) {
            String value = blankToNull(env.get("ORS_API_KEYS_FILE"));
            if (value == null) {
                return null;
            }
            Path file = Path.of(value.trim());
            ApiKeysFile.read(file);
            return file;
        }

        private static Duration writeTimeout(Map<String, String> env) {
            int millis = integer(env, "ORS_WRITE_TIMEOUT_MS", (int) OrsServletConfig.DEFAULT_WRITE_TIMEOUT.toMillis());
            if (millis < 0) {
                throw new IllegalArgumentException("ORS_WRITE_TIMEOUT_MS must be 0 or more, was " + millis);
            }
            return Duration.ofMillis(millis);
        }

        private static int metricsPort(Map<String, String> env) {
            if (blankToNull(env.get("METRICS_PORT")) == null) {
                return -1;
            }
            int port = integer(env, "METRICS_PORT", -1);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("METRICS_PORT must be a port (0 for a free one), was " + port);
            }
            return port;
        }

        /** The settings without their secrets (API keys, the upstream key, the compaction key, the database password). */
        @Override
        public String toString() {
            return "Settings[upstreamUrl=" + (routing == null ? upstreamUrl : "(ORS_CONFIG)")
                    + ", upstreamApiKey=" + (upstreamApiKey == null ? "none" : "***")
                    + ", jdbcUrl=" + redactedJdbcUrl()
                    + ", host=" + host + ", port=" + port
                    + ", apiKeys=" + apiKeys.size()
                    + ", apiKeysFile=" + apiKeysFile
                    + ", defaultModel=" + defaultModel
                    + ", transport=" + transport
                    + ", compactionKey=" + (compactionKey == null ? "none" : "***")
                    + ", metricsPort=" + metricsPort
                    + ", retention=" + retention
                    + ", noAuthentication=" + noAuthentication + "]";
        }

        /** {@link #jdbcUrl()} with its password masked, for logs. */
        public String redactedJdbcUrl() {
            return redact(jdbcUrl);
        }

        /** {@code url} with the value of a {@code password} parameter and a password in user info masked. */
        static String redact(String url) {
            if (url == null) {
                return null;
            }
            return url.replaceAll("(?i)([?&;]password=)[^&;#]*", "$1***")
                    .replaceAll("(//[^/@:?#]*:)[^/@?#]*@", "$1***@");
        }

        /** The JDBC URL of {@code DATABASE_URL} (null: the default SQLite file). */
        static String jdbcUrl(String database) {
            if (database == null) {
                return "jdbc:sqlite:ors-gateway.db";
            }
            String trimmed = database.trim();
            String lower = trimmed.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
                return postgresJdbcUrl(trimmed);
            }
            return trimmed.startsWith("jdbc:") ? trimmed : "jdbc:sqlite:" + trimmed;
        }

        /**
         * {@code postgresql://user:password@host:port/db?params} (libpq's URI form, as Heroku and others hand it
         * out) as pgJDBC's {@code jdbc:postgresql://host:port/db?params&user=...&password=...}. pgJDBC takes no
         * user info in the URL, and form-decodes parameter values, so the credentials are re-encoded that way.
         */
        private static String postgresJdbcUrl(String url) {
            String rest = url.substring(url.indexOf("://") + 3);
            int authorityEnd = rest.length();
            for (char c : new char[] {'/', '?'}) {
                int at = rest.indexOf(c);
                if (at >= 0 && at < authorityEnd) {
                    authorityEnd = at;
                }
            }
            String authority = rest.substring(0, authorityEnd);
            String tail = rest.substring(authorityEnd);
            int at = authority.lastIndexOf('@');
            String hosts = authority.substring(at + 1);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException(
                        "DATABASE_URL names no host: postgresql://user:password@host:5432/db");
            }
            int query = tail.indexOf('?');
            String path = query < 0 ? tail : tail.substring(0, query);
            List<String> params = new ArrayList<>();
            if (query >= 0 && query + 1 < tail.length()) {
                params.add(tail.substring(query + 1));
            }
            if (at >= 0) {
                String userInfo = authority.substring(0, at);
                int colon = userInfo.indexOf(':');
                String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
                if (!user.isEmpty()) {
                    params.add("user=" + formEncode(percentDecode(user)));
                }
                if (colon >= 0) {
                    params.add("password=" + formEncode(percentDecode(userInfo.substring(colon + 1))));
                }
            }
            return "jdbc:postgresql://" + hosts + (path.isEmpty() ? "/" : path)
                    + (params.isEmpty() ? "" : "?" + String.join("&", params));
        }

        // RFC 3986 decoding: unlike form decoding, a '+' stays a '+'.
        private static String percentDecode(String value) {
            try {
                return java.net.URLDecoder.decode(value.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // Not chained: the decoder's message quotes the password.
                throw new IllegalArgumentException("DATABASE_URL has a malformed %-escape in its user or password");
            }
        }

        private static String formEncode(String value) {
            return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
        }

        private static OrsWebSocketConfig webSocket(Map<String, String> env) {
            String mode = blankToNull(env.get("ORS_WEBSOCKET")) == null
                    ? "on"
                    : env.get("ORS_WEBSOCKET").trim().toLowerCase(java.util.Locale.ROOT);
            if (!mode.equals("on") && !mode.equals("off")) {
                throw new IllegalArgumentException(
                        "ORS_WEBSOCKET must be 'on' or 'off', was '" + env.get("ORS_WEBSOCKET") + "'");
            }
            OrsWebSocketConfig.Builder config = OrsWebSocketConfig.builder()
                    .enabled(mode.equals("on"))
                    .maxConnectionDuration(
                            Duration.ofSeconds(positive(env, "ORS_WEBSOCKET_MAX_CONNECTION_SECONDS", (int)
                                    OrsWebSocketConfig.DEFAULT_MAX_CONNECTION_DURATION.toSeconds())))
                    .idleTimeout(Duration.ofSeconds(positive(env, "ORS_WEBSOCKET_IDLE_TIMEOUT_SECONDS", (int)
                            OrsWebSocketConfig.DEFAULT_IDLE_TIMEOUT.toSeconds())));
            String origins = blankToNull(env.get("ORS_WEBSOCKET_ALLOWED_ORIGINS"));
            if (origins != null) {
                Arrays.stream(origins.split(","))
                        .map(String::trim)
                        .filter(origin -> !origin.isEmpty())
                        .forEach(config::allowedOrigin);
            }
            return config.build();
        }

        private static TranscoderOptions.HostedTools hostedTools(String value) {
            String name = blankToNull(value) == null ? "drop" : value.trim().toLowerCase(java.util.Locale.ROOT);
            return switch (name) {
                case "drop" -> TranscoderOptions.HostedTools.DROP;
                case "reject" -> TranscoderOptions.HostedTools.REJECT;
                default ->
                    throw new IllegalArgumentException(
                            "ORS_HOSTED_TOOLS must be 'drop' or 'reject', was '" + value + "'");
            };
        }

        private static int integer(Map<String, String> env, String name, int fallback) {
            String value = blankToNull(env.get(name));
            if (value == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'", e);
            }
        }

        private static String transport(String value) {
            String name = blankToNull(value) == null ? "jdk" : value.trim().toLowerCase(java.util.Locale.ROOT);
            if (!TRANSPORTS.contains(name)) {
                throw new IllegalArgumentException(
                        "UPSTREAM_TRANSPORT must be one of " + TRANSPORTS + ", was '" + value + "'");
            }
            return name;
        }

        /** The {@code ORS_MAX_*} bounds on what clients send; each unset one keeps its default. */
        private static RequestLimits requestLimits(Map<String, String> env) {
            RequestLimits d = RequestLimits.defaults();
            int depth = positive(env, "ORS_MAX_JSON_DEPTH", d.maxNestingDepth());
            if (depth > OrsJson.MAX_NESTING_DEPTH) {
                throw new IllegalArgumentException(
                        "ORS_MAX_JSON_DEPTH can be at most " + OrsJson.MAX_NESTING_DEPTH + ", was " + depth);
            }
            return RequestLimits.builder()
                    .maxInputItems(positive(env, "ORS_MAX_INPUT_ITEMS", d.maxInputItems()))
                    .maxNestingDepth(depth)
                    .maxStringLength(positive(env, "ORS_MAX_STRING_CHARS", d.maxStringLength()))
                    .maxInlineDataLength(positive(env, "ORS_MAX_INLINE_DATA_CHARS", d.maxInlineDataLength()))
                    .maxTools(positive(env, "ORS_MAX_TOOLS", d.maxTools()))
                    .maxToolBytes(positive(env, "ORS_MAX_TOOL_BYTES", d.maxToolBytes()))
                    .maxMetadataPairs(positive(env, "ORS_MAX_METADATA_PAIRS", d.maxMetadataPairs()))
                    .maxMetadataKeyLength(positive(env, "ORS_MAX_METADATA_KEY_CHARS", d.maxMetadataKeyLength()))
                    .maxMetadataValueLength(positive(env, "ORS_MAX_METADATA_VALUE_CHARS", d.maxMetadataValueLength()))
                    .build();
        }

        private static int positive(Map<String, String> env, String name, int fallback) {
            int value = integer(env, name, fallback);
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }
}
