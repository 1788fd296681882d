package dev.orsgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.examples.StandaloneServer.Settings;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.Script;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket mode end to end through the standalone server (Jetty, SQLite, the JDK upstream client, configured from
 * environment variables) in front of the scripted Chat Completions server: a real WebSocket client on
 * {@code ws://127.0.0.1:<port>/v1/responses}, every message validated against {@code openapi.json}.
 */
@Timeout(60)
class StandaloneWebSocketTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String KEY = "sk-e2e";
    private static final Set<String> TERMINAL = Set.of("response.completed", "response.incomplete", "response.failed");

    @Test
    void turnsContinueOnASocketAndStoredOnesReachHttp(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start();
                StandaloneServer server = StandaloneServer.start(settings(upstream, dir))) {
            upstream.enqueue(Script.text("Hello", " Ada."));
            upstream.enqueue(Script.text("Your name ", "is Ada."));
            upstream.enqueue(Script.text("Stored", "."));
            HttpClient http = HttpClient.newHttpClient();
            Socket socket = Socket.connect(http, server);

            List<JsonNode> first = socket.create(
                    "{\"type\":\"response.create\",\"model\":\"m\",\"input\":\"I am Ada.\",\"store\":false}");
            String firstId = last(first).path("id").asText();
            List<JsonNode> second = socket.create("{\"type\":\"response.create\",\"model\":\"m\",\"store\":false,"
                    + "\"previous_response_id\":\"" + firstId + "\",\"input\":\"Who am I?\"}");
            List<JsonNode> third =
                    socket.create("{\"type\":\"response.create\",\"model\":\"m\",\"input\":\"Keep this one.\"}");
            socket.close();

            for (List<JsonNode> turn : List.of(first, second, third)) {
                assertThat(turn.get(0).path("type").asText()).isEqualTo("response.created");
                assertThat(turn)
                        .filteredOn(m -> m.path("type").asText().equals("error"))
                        .isEmpty();
                assertThat(last(turn).path("status").asText()).isEqualTo("completed");
            }
            assertThat(last(second).at("/output/0/content/0/text").asText()).isEqualTo("Your name is Ada.");

            // What the upstream received: the second turn replayed the first from the socket's memory.
            List<RecordedRequest> requests = upstream.requests();
            assertThat(requests).hasSize(3);
            assertThat(requests.get(1).json().path("messages").toString())
                    .isEqualTo("[{\"role\":\"user\",\"content\":\"I am Ada.\"},"
                            + "{\"role\":\"assistant\",\"content\":\"Hello Ada.\"},"
                            + "{\"role\":\"user\",\"content\":\"Who am I?\"}]");
            assertThat(requests.get(1).isStreaming()).isTrue();

            // Only the stored turn is there over HTTP, for the same key.
            assertThat(get(http, server, "/responses/" + firstId).statusCode()).isEqualTo(404);
            HttpResponse<String> stored =
                    get(http, server, "/responses/" + last(third).path("id").asText());
            assertThat(stored.statusCode()).isEqualTo(200);
            SpecSchemas.assertValidResponse(SpecSchemas.json(stored.body()));
        }
    }

    @Test
    void stoppingTheServerClosesSocketsAndCancelsTheirUpstreamCalls(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start()) {
            StandaloneServer server = StandaloneServer.start(settings(upstream, dir));
            upstream.enqueue(Script.stallAfter(3));
            Socket socket = Socket.connect(HttpClient.newHttpClient(), server);
            socket.send("{\"type\":\"response.create\",\"model\":\"m\",\"input\":\"Wait.\"}");
            while (!socket.next().path("type").asText().equals("response.output_text.delta")) {
                // the turn is under way
            }

            server.close();

            assertThat(socket.closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(1001);
            assertThat(upstream.awaitClientDisconnect(TIMEOUT)).isTrue();
        }
    }

    private static Settings settings(ScriptedChatServer upstream, Path dir) {
        return Settings.fromEnvironment(Map.of(
                "UPSTREAM_URL", upstream.baseUrl().toString(),
                "DATABASE_URL", dir.resolve("ors.db").toString(),
                "HOST", "127.0.0.1",
                "PORT", "0",
                "ORS_API_KEYS", KEY,
                "ORS_WEBSOCKET_MAX_CONNECTION_SECONDS", "600",
                "ORS_WEBSOCKET_IDLE_TIMEOUT_SECONDS", "60"));
    }

    private static HttpResponse<String> get(HttpClient http, StandaloneServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1" + path))
                        .header("Authorization", "Bearer " + KEY)
                        .timeout(TIMEOUT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode last(List<JsonNode> turn) {
        JsonNode terminal = turn.get(turn.size() - 1);
        assertThat(TERMINAL).contains(terminal.path("type").asText());
        return terminal.path("response");
    }

    /** A JDK WebSocket on the server's {@code /v1/responses}; each message is checked against the spec as read. */
    private static final class Socket implements WebSocket.Listener {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private WebSocket webSocket;

        static Socket connect(HttpClient http, StandaloneServer server) throws Exception {
            Socket socket = new Socket();
            socket.webSocket = http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + KEY)
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/v1/responses"), socket)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return socket;
        }

        void send(String text) throws Exception {
            webSocket.sendText(text, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        JsonNode next() throws InterruptedException {
            String text = messages.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(text).as("a message within %s", TIMEOUT).isNotNull();
            JsonNode message = SpecSchemas.json(text);
            if (message.path("type").asText().equals("error") && message.has("status")) {
                SpecSchemas.assertValid("WebSocketErrorEvent", message);
            } else {
                SpecSchemas.assertValidEvent(message);
            }
            return message;
        }

        List<JsonNode> create(String json) throws Exception {
            send(json);
            List<JsonNode> turn = new ArrayList<>();
            while (true) {
                JsonNode message = next();
                turn.add(message);
                String type = message.path("type").asText();
                if (TERMINAL.contains(type) || type.equals("error")) {
                    return turn;
                }
            }
        }

        void close() throws Exception {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
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

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
