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
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter with two named upstreams and a route from properties, in a real Spring Boot application on Tomcat: a
 * request falls back from an upstream that answers 503 to the next, over HTTP and over the spec's WebSocket mode.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OrsStarterRoutingHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FakeChatServer down = TestUpstreams.start();
    private static final FakeChatServer up = TestUpstreams.start();
    private static final Path dir = TestUpstreams.tempDir("ors-starter-routing");

    @SpringBootApplication
    static class App {}

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("ors.upstreams.down.url", () -> down.url("/v1"));
        registry.add("ors.upstreams.up.url", () -> up.url("/v1"));
        registry.add("ors.routes[0].model", () -> "gpt-*");
        registry.add("ors.routes[0].to[0].upstream", () -> "down");
        registry.add("ors.routes[0].to[1].upstream", () -> "up");
        registry.add("ors.routes[0].to[1].model", () -> "llama3.2");
        registry.add("ors.retry.retries", () -> "0");
        registry.add("ors.store.jdbc-url", () -> "jdbc:sqlite:" + dir.resolve("ors.db"));
        registry.add("ors.api-keys", () -> "client-key");
    }

    @AfterAll
    static void stopUpstreams() {
        down.close();
        up.close();
    }

    @LocalServerPort
    int port;

    @Test
    void fallsBackToTheNextUpstreamOfTheRouteOverHttp() throws Exception {
        down.dispatch(
                recorded -> Reply.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        up.dispatch(recorded -> Reply.json(200, TestUpstreams.completion("Served by the fallback")));
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/responses"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer client-key")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"input\":\"Hi\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(body.at("/output/0/content/0/text").asText()).isEqualTo("Served by the fallback");
        assertThat(down.takeRequest(10, TimeUnit.SECONDS).body()).contains("\"model\":\"gpt-4o\"");
        assertThat(up.takeRequest(10, TimeUnit.SECONDS).body()).contains("\"model\":\"llama3.2\"");
    }

    @Test
    void servesTheWebSocketModeUnderTheSamePathAndContinuesAConversation() throws Exception {
        down.dispatch(
                recorded -> Reply.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        up.dispatch(recorded -> Reply.sse(TestUpstreams.chunk("{\"role\":\"assistant\",\"content\":\"Hello \"}", "null")
                + TestUpstreams.chunk("{\"content\":\"over a socket\"}", "null")
                + TestUpstreams.chunk("{}", "\"stop\"")
                + "data: [DONE]\n\n"));
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Authorization", "Bearer client-key")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/responses"), new Collector(messages))
                .get(10, TimeUnit.SECONDS);

        socket.sendText("{\"type\":\"response.create\",\"model\":\"gpt-4o\",\"input\":\"Hi\"}", true)
                .get(10, TimeUnit.SECONDS);
        JsonNode first = completed(messages);
        assertThat(first.at("/output/0/content/0/text").asText()).isEqualTo("Hello over a socket");

        socket.sendText(
                        "{\"type\":\"response.create\",\"model\":\"gpt-4o\",\"input\":\"Again\","
                                + "\"previous_response_id\":\""
                                + first.path("id").asText() + "\"}",
                        true)
                .get(10, TimeUnit.SECONDS);
        JsonNode second = completed(messages);
        assertThat(second.path("previous_response_id").asText())
                .isEqualTo(first.path("id").asText());
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);

        // The second turn's upstream request replays the first: its question and its answer.
        up.takeRequest(10, TimeUnit.SECONDS);
        String replayed = up.takeRequest(10, TimeUnit.SECONDS).body();
        assertThat(replayed).contains("\"Hi\"", "Hello over a socket", "\"Again\"", "\"model\":\"llama3.2\"");
    }

    /** The response of the next {@code response.completed} event, checking the events before it are a turn's. */
    private static JsonNode completed(BlockingQueue<String> messages) throws Exception {
        List<String> types = new ArrayList<>();
        while (true) {
            String message = messages.poll(30, TimeUnit.SECONDS);
            assertThat(message).as("events so far: %s", types).isNotNull();
            JsonNode event = JSON.readTree(message);
            types.add(event.path("type").asText());
            if (event.path("type").asText().equals("response.completed")) {
                assertThat(types).startsWith("response.created", "response.in_progress");
                return event.path("response");
            }
            assertThat(event.path("type").asText()).as(message).isNotIn("error", "response.failed");
        }
    }

    /** Collects whole text messages. */
    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<String> messages;
        private final StringBuilder partial = new StringBuilder();

        Collector(BlockingQueue<String> messages) {
            this.messages = messages;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
