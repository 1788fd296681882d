package dev.orsgateway.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How an {@link OrsServlet} serves the spec's WebSocket mode on {@code /responses}: whether it does, and the limits of
 * a connection. Immutable; build one with {@link #builder()}, or take {@link #defaults()} (on) or {@link #disabled()}.
 * The servlet serves it only when its container provides Jakarta WebSocket (Tomcat 10.1+, Jetty 12 ee10 with its
 * WebSocket support initialized); see the module's README.
 */
public final class OrsWebSocketConfig {
    /** The spec's limit of a connection's life: 60 minutes. */
    public static final Duration DEFAULT_MAX_CONNECTION_DURATION = Duration.ofMinutes(60);

    /** The default time a connection may stay silent between turns before it is closed: 10 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /** The default limit of one client message: 32 MiB, as for an HTTP request body. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 32L * 1024 * 1024;

    /** The default time one message may take to leave for a client that does not read: 30 s. */
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);

    private static final OrsWebSocketConfig DEFAULTS = builder().build();
    private static final OrsWebSocketConfig DISABLED = builder().enabled(false).build();

    private final boolean enabled;
    private final Duration maxConnectionDuration;
    private final Duration idleTimeout;
    private final long maxMessageBytes;
    private final Duration sendTimeout;
    private final List<String> allowedOrigins;

    private OrsWebSocketConfig(Builder builder) {
        this.enabled = builder.enabled;
        this.maxConnectionDuration = builder.maxConnectionDuration;
        this.idleTimeout = builder.idleTimeout;
        this.maxMessageBytes = builder.maxMessageBytes;
        this.sendTimeout = builder.sendTimeout;
        this.allowedOrigins = List.copyOf(builder.allowedOrigins);
    }

    /** WebSocket mode on, with the default limits. */
    public static OrsWebSocketConfig defaults() {
        return DEFAULTS;
    }

    /** WebSocket mode off: an upgrade request is answered as any {@code GET /responses}, 405. */
    public static OrsWebSocketConfig disabled() {
        return DISABLED;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the servlet accepts WebSocket connections on {@code /responses}. */
    public boolean enabled() {
        return enabled;
    }

    /** How long a connection lives; then it gets a {@code websocket_connection_limit_reached} error and is closed. */
    public Duration maxConnectionDuration() {
        return maxConnectionDuration;
    }

    /** How long a connection may stay without a turn and without a message before it is closed. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The largest client message accepted, in UTF-8 bytes; a larger one is answered with a 413 error message. */
    public long maxMessageBytes() {
        return maxMessageBytes;
    }

    /** How long sending one message may take before the connection is given up as gone. */
    public Duration sendTimeout() {
        return sendTimeout;
    }

    /** The {@code Origin}s of browser pages allowed to connect without an API key ({@code *}: any). */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "OrsWebSocketConfig[disabled]";
        }
        return "OrsWebSocketConfig[maxConnectionDuration=" + maxConnectionDuration + ", idleTimeout=" + idleTimeout
                + ", maxMessageBytes=" + maxMessageBytes + ", sendTimeout=" + sendTimeout + ", allowedOrigins="
                + allowedOrigins + "]";
    }

    /** Builds an {@link OrsWebSocketConfig}. */
    public static final class Builder {
        private boolean enabled = true;
        private Duration maxConnectionDuration = DEFAULT_MAX_CONNECTION_DURATION;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
        private final List<String> allowedOrigins = new ArrayList<>();

        private Builder() {}

        /** Whether WebSocket mode is on (default true). */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * How long a connection lives (default 60 minutes, the spec's limit). When it is up, a turn in flight is
         * cancelled, the client gets a {@code websocket_connection_limit_reached} error and the connection is closed.
         */
        public Builder maxConnectionDuration(Duration duration) {
            this.maxConnectionDuration = positive(duration, "maxConnectionDuration");
            return this;
        }

        /**
         * How long a connection may stay without a turn in flight and without a client message before it is closed
         * (code 1001; default 10 minutes). A turn that waits for its model is never idle.
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idleTimeout");
            return this;
        }

        /**
         * The largest client message accepted, in UTF-8 bytes (default 32 MiB). A larger message is read to its end
         * and dropped, and answered with a 413 {@code request_too_large} error; the connection stays open.
         */
        public Builder maxMessageBytes(long bytes) {
            if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "maxMessageBytes must be between 1 and " + (Integer.MAX_VALUE - 8) + ", was " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * How long sending one message may take (default 30 s). A client that reads nothing for that long is given up:
         * its turn and upstream call are cancelled and the connection is closed. A slower reader only slows the
         * upstream down.
         */
        public Builder sendTimeout(Duration timeout) {
            this.sendTimeout = positive(timeout, "sendTimeout");
            return this;
        }

        /**
         * Allows browser pages of {@code origin} (e.g. {@code https://app.example.com}; {@code *} for any) to connect
         * without an {@code Authorization} header. By default such connections are refused (403): a browser cannot
         * set that header, so an {@code Origin} without it is a web page, and any page the user visits could
         * otherwise drive a gateway it can reach (one on localhost, one without API keys).
         */
        public Builder allowedOrigin(String origin) {
            Objects.requireNonNull(origin, "origin");
            if (origin.isBlank()) {
                throw new IllegalArgumentException("an origin must not be blank");
            }
            allowedOrigins.add(origin.strip().toLowerCase(Locale.ROOT));
            return this;
        }

        /** Allows several origins; see {@link #allowedOrigin}. */
        public Builder allowedOrigins(Collection<String> origins) {
            origins.forEach(this::allowedOrigin);
            return this;
        }

        /** Builds the configuration. */
        public OrsWebSocketConfig build() {
            return new OrsWebSocketConfig(this);
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + duration);
            }
            return duration;
        }
    }
}
