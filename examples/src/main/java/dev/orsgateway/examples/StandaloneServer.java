package dev.orsgateway.examples;

import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import dev.orsgateway.server.OrsServlet;
import dev.orsgateway.server.OrsServletConfig;
import dev.orsgateway.store.sqlite.SqliteResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.transcoder.TranscoderOptions;
import dev.orsgateway.upstream.jdk.JdkHttpChatCompletionsUpstream;
import dev.orsgateway.upstream.okhttp.OkHttpChatCompletionsUpstream;
import jakarta.servlet.ServletRegistration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a standalone HTTP server: embedded Tomcat serving {@link OrsServlet} under {@code /v1}, a SQLite
 * store, and a non-blocking upstream over the JDK's HTTP client (or OkHttp, {@code UPSTREAM_TRANSPORT=okhttp}), all
 * configured by environment variables (see {@link Settings}). Ctrl-C stops it
 * cleanly: new requests are refused, open streams get a few seconds to finish, then the store is closed.
 */
public final class StandaloneServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandaloneServer.class);

    private final Settings settings;
    private final ScriptedChatServer demo;
    private final ChatCompletionsUpstream upstream;
    private final ResponseStore store;
    private final Tomcat tomcat;

    private StandaloneServer(Settings settings) throws LifecycleException {
        this.settings = settings;
        this.demo = settings.isDemo() ? ScriptedChatServer.start() : null;
        String upstreamUrl = demo != null ? demo.baseUrl().toString() : settings.upstreamUrl();
        this.upstream = upstream(settings, upstreamUrl);
        this.store = SqliteResponseStore.builder().jdbcUrl(settings.jdbcUrl()).build();
        OrsGateway gateway = OrsGateway.builder()
                .transcoder(ChatTranscoder.create(TranscoderOptions.DEFAULT.withHostedTools(settings.hostedTools())))
                .upstream(upstream)
                .store(store)
                .defaultModel(settings.defaultModel())
                .maxConcurrentResponses(settings.maxConcurrentResponses())
                .build();
        OrsServletConfig.Builder servletConfig = OrsServletConfig.builder().apiKeys(settings.apiKeys());
        this.tomcat = tomcat(settings, new OrsServlet(gateway, servletConfig.build()));
        tomcat.start();
    }

    /** Starts a server with {@code settings}; it serves until {@link #close()}. */
    public static StandaloneServer start(Settings settings) throws LifecycleException {
        return new StandaloneServer(settings);
    }

    /** Reads the settings from the environment, starts the server, and stops it on Ctrl-C. */
    public static void main(String[] args) throws Exception {
        // The JDK client's read buffer per upstream connection (16 KB by default) is most of an idle stream's upstream
        // memory; 4 KB holds several chunks. JVM-wide, so only this program sets it, and only when not set already.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", "4096");
        }
        Settings settings = Settings.fromEnvironment(System.getenv());
        StandaloneServer server = start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ors-shutdown"));
        log.info(
                "ORS Gateway listening on http://localhost:{}/v1/responses, upstream {}, store {}{}",
                server.port(),
                server.upstream.describe(),
                settings.jdbcUrl(),
                settings.apiKeys().isEmpty()
                        ? " (no authentication)"
                        : ", " + settings.apiKeys().size() + " API key(s)");
        server.tomcat.getServer().await();
    }

    /** The port the server listens on (useful with {@code PORT=0}). */
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** Stops accepting requests, lets open streams finish briefly, and closes the store and upstream. */
    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            log.warn("stopping Tomcat failed", e);
        }
        if (upstream instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("closing the upstream failed", e);
            }
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

    /**
     * The upstream transport. The JDK's client by default: non-blocking, no thread per stream, and the least CPU per
     * token in the load harness (see ors-upstream-jdk's README). OkHttp holds one thread per open stream on Java 17.
     */
    private static ChatCompletionsUpstream upstream(Settings settings, String url) {
        if (settings.transport().equals("okhttp")) {
            return OkHttpChatCompletionsUpstream.builder()
                    .baseUrl(url)
                    .apiKey(settings.upstreamApiKey())
                    .connectTimeout(settings.connectTimeout())
                    .maxRequests(settings.maxConcurrentResponses())
                    .maxRequestsPerHost(settings.maxConcurrentResponses())
                    .build();
        }
        JdkHttpChatCompletionsUpstream.Builder jdk = JdkHttpChatCompletionsUpstream.builder()
                .baseUrl(url)
                .apiKey(settings.upstreamApiKey())
                .connectTimeout(settings.connectTimeout())
                .maxConcurrentStreams(settings.maxConcurrentResponses());
        if (settings.transport().equals("jdk-inline")) {
            // Parsing and transcoding on the clients' selector threads, one per core: the fewest thread hand-offs
            // per token.
            jdk.executor(Runnable::run).selectorThreads(Runtime.getRuntime().availableProcessors());
        }
        return jdk.build();
    }

    private static Tomcat tomcat(Settings settings, OrsServlet servlet) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(settings.workDirectory().toString());
        Connector connector = new Connector();
        connector.setPort(settings.port());
        connector.setProperty("address", settings.host());
        // Give open streams a moment to finish when stopping, instead of cutting them.
        connector.setProperty("connectionTimeout", "20000");
        // Tuned for many long-lived streams. Every stream is asynchronous, so a few container threads serve them
        // all: a fixed pool (no growth under a burst of connections, no idle threads reaped and re-made).
        String threads = Integer.toString(settings.containerThreads());
        connector.setProperty("maxThreads", threads);
        connector.setProperty("minSpareThreads", threads);
        // One connection per open stream: Tomcat's default (8,192) would stop accepting below the gateway's own
        // bound, queueing clients silently in the backlog; the gateway's bound answers 429 instead.
        connector.setProperty("maxConnections", Integer.toString(settings.maxConnections()));
        connector.setProperty("acceptCount", "4096"); // a burst of new connections must not overflow the backlog
        // Clients keep connections for many requests (the default closes them every 100).
        connector.setProperty("maxKeepAliveRequests", "-1");
        connector.setProperty("tcpNoDelay", "true");
        // Memory per open stream (thousands may be held): socket buffers of 4 KB instead of 8 KB each way, and a
        // small buffer for our response heads (a few short headers). Request heads keep the 8 KB default.
        connector.setProperty("socket.appReadBufSize", "4096");
        connector.setProperty("socket.appWriteBufSize", "4096");
        connector.setProperty("maxHttpResponseHeaderSize", "2048");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        // Registered through the standard Servlet API, as any application would mount it.
        context.addServletContainerInitializer(
                (classes, servletContext) -> {
                    ServletRegistration.Dynamic registration = servletContext.addServlet("ors", servlet);
                    registration.setAsyncSupported(true);
                    registration.setLoadOnStartup(1);
                    registration.addMapping("/v1/*");
                },
                null);
        return tomcat;
    }

    /**
     * The server's configuration, read from environment variables.
     *
     * @param upstreamUrl {@code UPSTREAM_URL}: the Chat Completions endpoint ({@code .../v1} or
     *     {@code .../v1/chat/completions}), or {@code demo} for the built-in scripted model; default Ollama's
     *     {@code http://localhost:11434/v1/chat/completions}
     * @param upstreamApiKey {@code OPENAI_API_KEY}: sent upstream as a bearer token, if set
     * @param jdbcUrl {@code DATABASE_URL}: a {@code jdbc:sqlite:} URL or a file path; default {@code ors-gateway.db}
     * @param host {@code HOST}: the address to bind; default {@code 0.0.0.0}
     * @param port {@code PORT}: default 3000 ({@code 0} picks a free port)
     * @param apiKeys {@code ORS_API_KEYS}: comma-separated keys clients must send as {@code Authorization: Bearer};
     *     none means no authentication
     * @param defaultModel {@code ORS_DEFAULT_MODEL}: the model for requests that name none; default none
     * @param connectTimeout {@code UPSTREAM_CONNECT_TIMEOUT_MS}: how long to wait for the upstream to accept a
     *     connection before answering 502; default 5000
     * @param workDirectory {@code ORS_WORK_DIR}: Tomcat's scratch directory; default a temporary directory
     * @param maxConcurrentResponses {@code ORS_MAX_CONCURRENT_RESPONSES}: responses in progress at once; one more is
     *     answered 429 with {@code Retry-After} at once; default {@value #DEFAULT_MAX_CONCURRENT_RESPONSES}
     * @param maxConnections {@code ORS_MAX_CONNECTIONS}: open client connections Tomcat accepts; default
     *     {@value #DEFAULT_MAX_CONNECTIONS}
     * @param containerThreads {@code ORS_CONTAINER_THREADS}: Tomcat's fixed worker pool; default
     *     {@value #DEFAULT_CONTAINER_THREADS}
     * @param transport {@code UPSTREAM_TRANSPORT}: {@code jdk} (default), {@code jdk-inline} (the JDK client with
     *     stream work on its selector thread) or {@code okhttp}
     * @param hostedTools {@code ORS_HOSTED_TOOLS}: {@code drop} (default: hosted tools such as {@code web_search} are
     *     left out of the upstream request, logged at INFO) or {@code reject} (a 400 naming every one)
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
            Path workDirectory,
            int maxConcurrentResponses,
            int maxConnections,
            int containerThreads,
            String transport,
            TranscoderOptions.HostedTools hostedTools) {

        /** The transports {@code UPSTREAM_TRANSPORT} may name. */
        public static final List<String> TRANSPORTS = List.of("jdk", "jdk-inline", "okhttp");

        /** The default of {@code ORS_MAX_CONCURRENT_RESPONSES}. */
        public static final int DEFAULT_MAX_CONCURRENT_RESPONSES = 10_000;

        /** The default of {@code ORS_MAX_CONNECTIONS}: above the response bound, so the bound answers first. */
        public static final int DEFAULT_MAX_CONNECTIONS = 12_000;

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
                Duration connectTimeout,
                Path workDirectory) {
            this(
                    upstreamUrl,
                    upstreamApiKey,
                    jdbcUrl,
                    host,
                    port,
                    apiKeys,
                    defaultModel,
                    connectTimeout,
                    workDirectory,
                    DEFAULT_MAX_CONCURRENT_RESPONSES,
                    DEFAULT_MAX_CONNECTIONS,
                    DEFAULT_CONTAINER_THREADS,
                    "jdk",
                    TranscoderOptions.HostedTools.DROP);
        }

        /** The default upstream: a local Ollama. */
        public static final String DEFAULT_UPSTREAM = "http://localhost:11434/v1/chat/completions";

        /** Copies {@code apiKeys}. */
        public Settings {
            Objects.requireNonNull(upstreamUrl, "upstreamUrl");
            Objects.requireNonNull(hostedTools, "hostedTools");
            apiKeys = List.copyOf(apiKeys);
        }

        /** Whether the built-in scripted model answers. */
        public boolean isDemo() {
            return "demo".equalsIgnoreCase(upstreamUrl.trim());
        }

        /** Reads the settings from an environment map (see the record's parameters). */
        public static Settings fromEnvironment(Map<String, String> env) {
            String database = blankToNull(env.get("DATABASE_URL"));
            String jdbcUrl = database == null
                    ? "jdbc:sqlite:ors-gateway.db"
                    : database.startsWith("jdbc:") ? database : "jdbc:sqlite:" + database;
            List<String> keys = blankToNull(env.get("ORS_API_KEYS")) == null
                    ? List.of()
                    : Arrays.stream(env.get("ORS_API_KEYS").split(","))
                            .map(String::trim)
                            .filter(key -> !key.isEmpty())
                            .toList();
            String work = blankToNull(env.get("ORS_WORK_DIR"));
            return new Settings(
                    Objects.requireNonNullElse(blankToNull(env.get("UPSTREAM_URL")), DEFAULT_UPSTREAM),
                    blankToNull(env.get("OPENAI_API_KEY")),
                    jdbcUrl,
                    Objects.requireNonNullElse(blankToNull(env.get("HOST")), "0.0.0.0"),
                    integer(env, "PORT", 3000),
                    keys,
                    blankToNull(env.get("ORS_DEFAULT_MODEL")),
                    Duration.ofMillis(integer(env, "UPSTREAM_CONNECT_TIMEOUT_MS", 5000)),
                    work == null ? tempDirectory() : Path.of(work),
                    positive(env, "ORS_MAX_CONCURRENT_RESPONSES", DEFAULT_MAX_CONCURRENT_RESPONSES),
                    positive(env, "ORS_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS),
                    positive(env, "ORS_CONTAINER_THREADS", DEFAULT_CONTAINER_THREADS),
                    transport(env.get("UPSTREAM_TRANSPORT")),
                    hostedTools(env.get("ORS_HOSTED_TOOLS")));
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

        private static Path tempDirectory() {
            try {
                return java.nio.file.Files.createTempDirectory("ors-tomcat");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
