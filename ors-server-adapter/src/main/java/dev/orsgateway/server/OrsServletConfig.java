package dev.orsgateway.server;

import dev.orsgateway.server.internal.ApiKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How an {@link OrsServlet} serves: the request body limit, optional API keys, the health path, the keep-alive
 * interval of event streams and WebSocket mode. Immutable; build one with {@link #builder()}, or take {@link #defaults()}.
 */
public final class OrsServletConfig {
    /** The default limit of a request body: 32 MiB (the spec allows 10 MiB strings and 32 MiB files). */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 32L * 1024 * 1024;

    /** The default interval of {@code : keep-alive} comments on an event stream that has nothing to send: 15 s. */
    public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(15);

    /**
     * The default write timeout of event streams: 30 s (as WebSocket mode's send timeout, and Jetty's default idle
     * timeout).
     */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

    /** The default health path, relative to the servlet's mount: {@code /health}. */
    public static final String DEFAULT_HEALTH_PATH = "/health";

    private static final OrsServletConfig DEFAULTS = builder().build();

    private final long maxRequestBytes;
    private final List<ApiKeys.Spec> apiKeys;
    private final LongSupplier clock;
    private final String healthPath;
    private final Duration keepAliveInterval;
    private final OrsWebSocketConfig webSocket;
    private final Duration writeTimeout;

    private OrsServletConfig(Builder builder) {
        this.maxRequestBytes = builder.maxRequestBytes;
        this.apiKeys = builder.apiKeys.stream().map(OrsServletConfig::spec).toList();
        this.clock = builder.clock;
        this.healthPath = builder.healthPath;
        this.keepAliveInterval = builder.keepAliveInterval;
        this.webSocket = builder.webSocket;
        this.writeTimeout = builder.writeTimeout;
    }

    /**
     * No authentication, a 32 MiB body limit, {@code GET /health}, keep-alive comments every 15 s, WebSocket mode on
     * (where the container provides it).
     */
    public static OrsServletConfig defaults() {
        return DEFAULTS;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The owner under which the servlet stores the responses of a caller that authenticates with {@code apiKey}: a
     * stable, one-way hash of the key (32 hex digits). Use it to reach those responses through {@link
     * dev.orsgateway.core.OrsGateway} in-process.
     */
    public static String ownerOf(String apiKey) {
        return ApiKeys.ownerOf(Objects.requireNonNull(apiKey, "apiKey"));
    }

    /** The largest request body accepted, in bytes; larger ones are answered with 413. */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    /** Whether requests must carry one of the configured API keys ({@code Authorization: Bearer <key>}). */
    public boolean authenticationEnabled() {
        return !apiKeys.isEmpty();
    }

    /** The health endpoint's path relative to the servlet's mount, or null when there is none. */
    public String healthPath() {
        return healthPath;
    }

    /** How long an event stream may stay silent before a {@code : keep-alive} comment; zero disables them. */
    public Duration keepAliveInterval() {
        return keepAliveInterval;
    }

    /** How WebSocket mode is served on {@code /responses}, and whether it is. */
    public OrsWebSocketConfig webSocket() {
        return webSocket;
    }

    /**
     * How long a write to an event stream may stay blocked (the client reads nothing, its TCP window is full) before
     * the stream is aborted and its upstream call cancelled; zero for no limit but the container's.
     */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /** The API keys, hashed; not API. */
    List<ApiKeys.Spec> apiKeys() {
        return apiKeys;
    }

    /** The clock of rate limits, in nanoseconds; not API. */
    LongSupplier clock() {
        return clock;
    }

    static ApiKeys.Spec spec(OrsApiKey key) {
        return new ApiKeys.Spec(
                key.sha256(),
                key.id(),
                key.requestsPerMinute(),
                key.tokensPerMinute(),
                key.tokenBudget(),
                key.models());
    }

    @Override
    public String toString() {
        return "OrsServletConfig[maxRequestBytes=" + maxRequestBytes + ", apiKeys=" + apiKeys.size() + ", healthPath="
                + healthPath + ", keepAliveInterval=" + keepAliveInterval + ", webSocket=" + webSocket
                + ", writeTimeout=" + writeTimeout + "]";
    }

    /** Builds an {@link OrsServletConfig}. */
    public static final class Builder {
        private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private final List<OrsApiKey> apiKeys = new ArrayList<>();
        private LongSupplier clock = System::nanoTime;
        private String healthPath = DEFAULT_HEALTH_PATH;
        private Duration keepAliveInterval = DEFAULT_KEEP_ALIVE_INTERVAL;
        private OrsWebSocketConfig webSocket = OrsWebSocketConfig.defaults();
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;

        private Builder() {}

        /** The largest request body accepted, in bytes (at least 1); larger ones are answered with 413. */
        public Builder maxRequestBytes(long maxRequestBytes) {
            if (maxRequestBytes < 1 || maxRequestBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxRequestBytes must be between 1 and " + (Integer.MAX_VALUE - 8)
                        + ", was " + maxRequestBytes);
            }
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        /**
         * Adds an API key: once any key is configured, every request but the health check needs {@code Authorization:
         * Bearer <key>} with one of them, and responses are stored per key (see {@link #ownerOf}).
         */
        public Builder apiKey(String apiKey) {
            return apiKey(OrsApiKey.of(apiKey).build());
        }

        /** Adds an API key with its name and limits; see {@link #apiKey(String)} and {@link OrsApiKey}. */
        public Builder apiKey(OrsApiKey apiKey) {
            apiKeys.add(Objects.requireNonNull(apiKey, "apiKey"));
            return this;
        }

        /** Adds API keys; see {@link #apiKey(String)}. */
        public Builder apiKeys(Collection<String> apiKeys) {
            apiKeys.forEach(this::apiKey);
            return this;
        }

        /** The clock rate limits are measured by (tests); not API. */
        Builder clock(Clock clock) {
            Objects.requireNonNull(clock, "clock");
            this.clock = () -> clock.millis() * 1_000_000L;
            return this;
        }

        /**
         * The health endpoint's path relative to the servlet's mount (default {@code /health}), answered to
         * unauthenticated {@code GET}s with {@code {"status":"ok"}}; null disables it.
         */
        public Builder healthPath(String healthPath) {
            if (healthPath != null && (!healthPath.startsWith("/") || healthPath.startsWith("/responses"))) {
                throw new IllegalArgumentException(
                        "healthPath must start with '/' and not collide with /responses, was " + healthPath);
            }
            this.healthPath = healthPath;
            return this;
        }

        /**
         * How long an event stream may stay silent before the servlet writes a {@code : keep-alive} comment (default
         * 15 s; zero disables them). The comments keep proxies from closing a stream that waits for the model, and
         * they are how a client that left is noticed. Until the first event, the first comment is also what commits
         * the stream's 200 status; an upstream failure after that point ends the stream with an {@code error} event.
         */
        public Builder keepAliveInterval(Duration keepAliveInterval) {
            Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
            if (keepAliveInterval.isNegative()) {
                throw new IllegalArgumentException("keepAliveInterval must not be negative");
            }
            this.keepAliveInterval = keepAliveInterval;
            return this;
        }

        /**
         * WebSocket mode on {@code /responses} (default {@link OrsWebSocketConfig#defaults()}: on, where the container
         * provides Jakarta WebSocket; {@link OrsWebSocketConfig#disabled()} turns it off). Connections authenticate
         * as requests do, with the API keys above.
         */
        public Builder webSocket(OrsWebSocketConfig webSocket) {
            this.webSocket = Objects.requireNonNull(webSocket, "webSocket");
            return this;
        }

        /**
         * How long a write to an event stream may stay blocked before the stream is given up (default {@link
         * #DEFAULT_WRITE_TIMEOUT}; zero: no limit of the servlet's own). A client that keeps its connection open but
         * stops reading would otherwise hold its upstream call, its connection and their buffers for as long as the
         * container lets it (Jetty's connector idle timeout, Tomcat's {@code connectionTimeout}, which also bound
         * blocked writes). At the timeout the stream is aborted as for a client that left: the upstream call is
         * cancelled, and a response whose upstream had not finished is not stored (one already complete stays
         * stored). Checked a few times per timeout, so it fires within about a quarter of it past the limit.
         */
        public Builder writeTimeout(Duration writeTimeout) {
            Objects.requireNonNull(writeTimeout, "writeTimeout");
            if (writeTimeout.isNegative()) {
                throw new IllegalArgumentException("writeTimeout must not be negative");
            }
            this.writeTimeout = writeTimeout;
            return this;
        }

        /** Builds the configuration. */
        public OrsServletConfig build() {
            return new OrsServletConfig(this);
        }
    }
}
