package dev.orsgateway.spring.boot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The {@code ors.*} properties of {@link OrsAutoConfiguration}. The {@code @param} texts are plain: the configuration
 * processor copies them into the IDE metadata as they are.
 *
 * @param upstream the one Chat Completions upstream, when there are no named upstreams
 * @param upstreams named upstreams, for routes by model with fallbacks; instead of upstream
 * @param routes which upstreams serve which models, in order: the first route whose model matches serves (an exact
 *     name wins over globs); with named upstreams and no routes, every model goes to the first upstream
 * @param retry how requests are retried over a route's upstreams when all of them failed before any output
 * @param store where responses are kept
 * @param defaultModel the model for requests that name none; by default such requests are rejected
 * @param maxConcurrentResponses responses in progress at once; one more is answered 429
 * @param limits bounds on what a client's request may hold, each a 400 naming the field
 * @param apiKeys keys clients must send as Authorization: Bearer; none: no authentication
 * @param compactionKey the base64 of the 32-byte key that seals compaction items, the same on every instance; by
 *     default a key for this run only
 * @param servlet how the servlet is registered
 * @param websocket the spec's WebSocket mode on /responses
 */
@ConfigurationProperties("ors")
public record OrsProperties(
        @DefaultValue Upstream upstream,
        Map<String, NamedUpstream> upstreams,
        List<RouteSpec> routes,
        @DefaultValue Retry retry,
        @DefaultValue Store store,
        String defaultModel,
        @DefaultValue("10000") int maxConcurrentResponses,
        @DefaultValue Limits limits,
        @DefaultValue List<String> apiKeys,
        String compactionKey,
        @DefaultValue Servlet servlet,
        @DefaultValue Websocket websocket) {

    /** Empty collections for absent ones. */
    public OrsProperties {
        upstreams = upstreams == null ? Map.of() : upstreams;
        routes = routes == null ? List.of() : routes;
    }

    /**
     * The Chat Completions upstream.
     *
     * @param url the endpoint (.../v1 or .../v1/chat/completions); required unless named upstreams are set
     * @param apiKey sent upstream as a bearer token, if set
     * @param transport the HTTP client: jdk (the JDK's HttpClient) or okhttp (needs ors-upstream-okhttp)
     */
    public record Upstream(
            String url, String apiKey, @DefaultValue("jdk") String transport) {
        @Override
        public String toString() {
            return "Upstream[url=" + url + ", apiKey=" + (apiKey == null ? null : "****") + ", transport=" + transport
                    + "]";
        }
    }

    /**
     * A named upstream.
     *
     * @param url the endpoint (.../v1 or .../v1/chat/completions); required
     * @param apiKey the provider's key, if it needs one
     * @param auth how the key is sent: bearer (Authorization: Bearer, the default) or azure (the api-key header)
     * @param apiVersion Azure OpenAI's api-version query parameter, if the url has none
     * @param headers more headers sent with every request
     * @param transport the HTTP client: jdk (the default) or okhttp (needs ors-upstream-okhttp)
     * @param connectTimeout how long to wait for a connection; the transport's default when unset
     * @param readTimeout the longest silence between two reads; the transport's default when unset
     * @param callTimeout the longest call; the transport's default when unset
     * @param toolCallIds mistral: rewrite tool-call ids to the 9 letters and digits Mistral requires; none by default
     * @param thoughtSignatures gemini: add the signature Gemini 3 requires on tool calls that lack one; none by default
     */
    public record NamedUpstream(
            String url,
            String apiKey,
            @DefaultValue("bearer") String auth,
            String apiVersion,
            Map<String, String> headers,
            @DefaultValue("jdk") String transport,
            Duration connectTimeout,
            Duration readTimeout,
            Duration callTimeout,
            @DefaultValue("none") String toolCallIds,
            @DefaultValue("none") String thoughtSignatures) {
        /** An empty map for absent headers. */
        public NamedUpstream {
            headers = headers == null ? Map.of() : headers;
        }

        @Override
        public String toString() {
            return "NamedUpstream[url=" + url + ", apiKey=" + (apiKey == null ? null : "****") + ", auth=" + auth
                    + ", headers=" + headers.keySet() + ", transport=" + transport + "]";
        }
    }

    /**
     * A route.
     *
     * @param model the model name it serves, exact or a glob with * (e.g. gpt-*)
     * @param to its upstreams, tried in order
     * @param firstByteTimeout how long an upstream may take to its first output before the next one is tried; none by
     *     default
     * @param thinkTags reasoning between think tags becomes reasoning items: off (the default), leading, or prefilled
     *     (for templates that open the block themselves)
     */
    public record RouteSpec(
            String model,
            List<TargetSpec> to,
            Duration firstByteTimeout,
            @DefaultValue("off") String thinkTags) {}

    /**
     * One upstream of a route.
     *
     * @param upstream the name of the upstream
     * @param model the model name sent to it; by default the one the client asked for
     */
    public record TargetSpec(String upstream, String model) {}

    /**
     * Retries over a route's upstreams.
     *
     * @param retries how many more rounds over all of a route's upstreams after the first
     * @param initialBackoff the longest wait before the first retry round (full jitter, doubling per round)
     * @param maxBackoff the longest wait between rounds
     * @param deadline no attempt starts later than this after the request
     */
    public record Retry(
            @DefaultValue("2") int retries,
            @DefaultValue("250ms") Duration initialBackoff,
            @DefaultValue("8s") Duration maxBackoff,
            @DefaultValue("60s") Duration deadline) {}

    /**
     * Where responses are kept.
     *
     * @param jdbcUrl a jdbc:sqlite: or jdbc:postgresql: URL; default the SQLite file ors-gateway.db in the working
     *     directory
     * @param retention how long stored responses are kept before a background purge deletes them (never one a younger
     *     response continues); forever by default
     */
    public record Store(
            @DefaultValue("jdbc:sqlite:ors-gateway.db") String jdbcUrl, Duration retention) {
        @Override
        public String toString() {
            // Only the scheme: a PostgreSQL URL may hold a password.
            return "Store[jdbcUrl=" + jdbcUrl.substring(0, Math.min(jdbcUrl.length(), 16)) + "..., retention="
                    + retention + "]";
        }
    }

    /**
     * Bounds on what a client's request may hold; a request over one is answered 400 naming the field.
     *
     * @param maxInputItems input items
     * @param maxNestingDepth JSON nesting depth
     * @param maxStringLength characters of a string (but inline data)
     * @param maxInlineDataLength characters of an inline image, file or audio (base64 or data: URL)
     * @param maxTools tools
     * @param maxToolBytes bytes of one tool's JSON (its schema)
     * @param maxMetadataPairs metadata pairs
     * @param maxMetadataKeyLength characters of a metadata key
     * @param maxMetadataValueLength characters of a metadata value
     */
    public record Limits(
            @DefaultValue("50000") int maxInputItems,
            @DefaultValue("128") int maxNestingDepth,
            @DefaultValue("10485760") int maxStringLength,
            @DefaultValue("33554432") int maxInlineDataLength,
            @DefaultValue("1024") int maxTools,
            @DefaultValue("1048576") int maxToolBytes,
            @DefaultValue("16") int maxMetadataPairs,
            @DefaultValue("64") int maxMetadataKeyLength,
            @DefaultValue("512") int maxMetadataValueLength) {}

    /**
     * How the servlet is registered.
     *
     * @param path the servlet's URL mapping; default /v1/*, so the API is at /v1/responses
     * @param maxRequestSize the largest request body; a larger one is answered 413
     * @param writeTimeout how long a write to an event stream may stay blocked (a client that stopped reading) before
     *     the stream is given up and its upstream call cancelled; 0 for none
     */
    public record Servlet(
            @DefaultValue("/v1/*") String path,
            @DefaultValue("32MB") DataSize maxRequestSize,
            @DefaultValue("30s") Duration writeTimeout) {}

    /**
     * The spec's WebSocket mode on {@code /responses}, served where the container provides Jakarta WebSocket.
     *
     * @param enabled whether the servlet upgrades such requests; default true
     */
    public record Websocket(@DefaultValue("true") boolean enabled) {}

    @Override
    public String toString() {
        return "OrsProperties[upstream=" + upstream + ", upstreams=" + upstreams + ", routes=" + routes + ", store="
                + store + ", defaultModel=" + defaultModel + ", maxConcurrentResponses=" + maxConcurrentResponses
                + ", apiKeys=" + apiKeys.size() + ", compactionKey=" + (compactionKey == null ? null : "****")
                + ", servlet=" + servlet + ", websocket=" + websocket + "]";
    }
}
