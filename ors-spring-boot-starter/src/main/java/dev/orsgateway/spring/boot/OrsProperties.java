package dev.orsgateway.spring.boot;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code ors.*} properties of {@link OrsAutoConfiguration}. The {@code @param} texts are plain: the configuration
 * processor copies them into the IDE metadata as they are.
 *
 * @param upstream the Chat Completions upstream
 * @param store where responses are kept
 * @param defaultModel the model for requests that name none; by default such requests are rejected
 * @param maxConcurrentResponses responses in progress at once; one more is answered 429
 * @param apiKeys keys clients must send as Authorization: Bearer; none: no authentication
 * @param servlet how the servlet is registered
 * @param websocket the spec's WebSocket mode on /responses
 */
@ConfigurationProperties("ors")
public record OrsProperties(
        @DefaultValue Upstream upstream,
        @DefaultValue Store store,
        String defaultModel,
        @DefaultValue("10000") int maxConcurrentResponses,
        @DefaultValue List<String> apiKeys,
        @DefaultValue Servlet servlet,
        @DefaultValue Websocket websocket) {

    /**
     * The Chat Completions upstream.
     *
     * @param url the endpoint (.../v1 or .../v1/chat/completions); required
     * @param apiKey sent upstream as a bearer token, if set
     * @param transport the HTTP client: jdk (the JDK's HttpClient), the only one for now
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
     * Where responses are kept.
     *
     * @param jdbcUrl a jdbc:sqlite: or jdbc:postgresql: URL; default the SQLite file
     *     ors-gateway.db in the working directory
     */
    public record Store(
            @DefaultValue("jdbc:sqlite:ors-gateway.db") String jdbcUrl) {
        @Override
        public String toString() {
            // Only the scheme: a PostgreSQL URL may hold a password.
            return "Store[jdbcUrl=" + jdbcUrl.substring(0, Math.min(jdbcUrl.length(), 16)) + "...]";
        }
    }

    /**
     * How the servlet is registered.
     *
     * @param path the servlet's URL mapping; default /v1/*, so the API is at /v1/responses
     */
    public record Servlet(@DefaultValue("/v1/*") String path) {}

    /**
     * The spec's WebSocket mode on {@code /responses}, served where the container provides Jakarta WebSocket.
     *
     * @param enabled whether the servlet upgrades such requests; default true
     */
    public record Websocket(@DefaultValue("true") boolean enabled) {}

    @Override
    public String toString() {
        return "OrsProperties[upstream=" + upstream + ", store=" + store + ", defaultModel=" + defaultModel
                + ", maxConcurrentResponses=" + maxConcurrentResponses + ", apiKeys=" + apiKeys.size() + ", servlet="
                + servlet + ", websocket=" + websocket + "]";
    }
}
