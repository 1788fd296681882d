package dev.orsgateway.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orsgateway.core.testing.FakeChatServer;
import dev.orsgateway.core.testing.FakeChatServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The starter in a real Spring Boot application on Tomcat, over HTTP, in front of a scripted upstream. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OrsStarterHttpTest {
    private static final FakeChatServer upstream = TestUpstreams.start();
    private static final Path dir = TestUpstreams.tempDir("ors-starter");

    @SpringBootApplication
    static class App {}

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("ors.upstream.url", () -> upstream.url("/v1"));
        registry.add("ors.store.jdbc-url", () -> "jdbc:sqlite:" + dir.resolve("ors.db"));
        registry.add("ors.api-keys", () -> "client-key");
        registry.add("ors.default-model", () -> "scripted");
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @LocalServerPort
    int port;

    @Test
    void answersAResponseOverHttp() throws Exception {
        upstream.dispatch(recorded -> recorded.body().contains("\"stream\":true")
                ? Reply.sse(TestUpstreams.chunk("{\"role\":\"assistant\",\"content\":\"Hello from \"}", "null")
                        + TestUpstreams.chunk("{\"content\":\"the upstream\"}", "null")
                        + TestUpstreams.chunk("{}", "\"stop\"")
                        + "data: [DONE]\n\n")
                : Reply.json(200, TestUpstreams.completion("Hello from the upstream")));
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> unauthenticated =
                client.send(post("{\"input\":\"Hi\"}", null), HttpResponse.BodyHandlers.ofString());
        assertThat(unauthenticated.statusCode()).isEqualTo(401);

        HttpResponse<String> response =
                client.send(post("{\"input\":\"Hi\"}", "client-key"), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(body.path("output")
                        .get(0)
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("Hello from the upstream");
        // The upstream got the request the gateway translated.
        assertThat(upstream.takeRequest(10, TimeUnit.SECONDS).body()).contains("\"Hi\"");
        assertThat(dir.resolve("ors.db")).exists();
    }

    private HttpRequest post(String json, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/responses"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request.build();
    }
}
