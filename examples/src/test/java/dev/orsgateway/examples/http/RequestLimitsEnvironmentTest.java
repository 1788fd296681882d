package dev.orsgateway.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.RequestLimits;
import dev.orsgateway.examples.StandaloneServer.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code ORS_MAX_*} variables reach the standalone server's limits: a request over one is a 400 naming the field,
 * before any upstream call (the upstream here accepts no connection), and the defaults let Codex's requests through.
 */
@Timeout(60)
class RequestLimitsEnvironmentTest {

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withSettings(dir -> Settings.fromEnvironment(Map.of(
            "UPSTREAM_URL", "http://127.0.0.1:9/v1",
            "ORS_MAX_TOOLS", "2",
            "ORS_MAX_STRING_CHARS", "100",
            "PORT", "0",
            "HOST", "127.0.0.1",
            "DATABASE_URL", dir.resolve("ors-gateway.db").toString())));

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void theVariablesSetTheServersLimits() throws Exception {
        JsonNode tools = reject("""
                {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "a"},
                 {"type": "function", "name": "b"}, {"type": "function", "name": "c"}]}
                """);
        assertThat(tools.get("code").asText()).isEqualTo("array_above_max_length");
        assertThat(tools.get("param").asText()).isEqualTo("tools");

        JsonNode text = reject("{\"model\": \"m\", \"input\": \"" + "x".repeat(101) + "\"}");
        assertThat(text.get("code").asText()).isEqualTo("string_above_max_length");
        assertThat(text.get("param").asText()).isEqualTo("input");
    }

    @Test
    void unsetVariablesKeepTheDefaultsWhichPassCodexsRequests() throws Exception {
        Settings settings = Settings.fromEnvironment(Map.of());
        RequestLimits limits = settings.requestLimits();
        assertThat(limits.toString()).isEqualTo(RequestLimits.defaults().toString());
        for (String fixture :
                new String[] {"turn-1.json", "turn-3.json", "tool-search-2.json", "recorded-0.171.0/turn-2.json"}) {
            limits.check(CodexRequestsTest.json(CodexRequestsTest.fixture(fixture)));
        }
    }

    @Test
    void aDepthAboveTheReadersBoundIsRefusedAtStart() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("ORS_MAX_JSON_DEPTH", "5000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ORS_MAX_JSON_DEPTH");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("ORS_MAX_TOOLS", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ORS_MAX_TOOLS");
    }

    private static JsonNode reject(String body) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        JsonNode error = CodexRequestsTest.json(answer.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request");
        return error;
    }
}
