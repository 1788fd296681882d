package dev.orsgateway.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code ORS_HOSTED_TOOLS=reject}: a request with hosted tools is answered 400 {@code unsupported_tool_type} naming
 * every one of them, before any upstream call (the upstream configured here accepts no connection).
 */
@Timeout(60)
class HostedToolsRejectTest {

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withSettings(dir -> Settings.fromEnvironment(Map.of(
            "UPSTREAM_URL", "http://127.0.0.1:9/v1",
            "ORS_HOSTED_TOOLS", "reject",
            "PORT", "0",
            "HOST", "127.0.0.1",
            "DATABASE_URL", dir.resolve("ors-gateway.db").toString(),
            "ORS_WORK_DIR", dir.resolve("tomcat").toString())));

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void codexFirstRequestIsRejectedForItsWebSearch() throws Exception {
        JsonNode error = reject(CodexRequestsTest.fixture("turn-1.json"));
        assertThat(error.get("param").asText()).isEqualTo("tools[4].type");
        assertThat(error.get("message").asText()).contains("tools[4] (web_search)");
    }

    @Test
    void everyHostedToolIsNamedAtOnce() throws Exception {
        JsonNode error = reject("""
                {"model": "m", "input": "Hi", "tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]},
                 {"type": "function", "name": "f"}, {"type": "code_interpreter", "container": {"type": "auto"}},
                 {"type": "image_generation"}, {"type": "mcp", "server_label": "deepwiki"}]}
                """);
        assertThat(error.get("param").asText()).isEqualTo("tools");
        assertThat(error.get("message").asText())
                .contains(
                        "tools[0] (file_search)",
                        "tools[2] (code_interpreter)",
                        "tools[3] (image_generation)",
                        "tools[4] (mcp 'deepwiki')");
    }

    private static JsonNode reject(String body) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode error = CodexRequestsTest.json(answer.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request");
        assertThat(error.get("code").asText()).isEqualTo("unsupported_tool_type");
        return error;
    }
}
