package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.examples.StandaloneServer.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's "Set-up" and "Try it" sections, run: the server is configured from the environment exactly as the
 * README's run command sets it (its {@code NAME=value} prefix, read from README.md), with only the port, address
 * and file locations changed for the test; then the README's curl bodies (also read from README.md, in order) are
 * sent over {@code java.net.http.HttpClient}, with the {@code resp_...} and {@code call_...} placeholders filled in as
 * a reader would, and the answers checked; the two WebSocket messages of "Over a WebSocket" are sent on one socket.
 */
@Timeout(60)
class ReadmeCommandsTest {

    private static final Path README = Path.of(System.getProperty("user.dir")).resolveSibling("README.md");

    private static final String TEXT = read(README);

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withSettings(dir -> {
        Map<String, String> environment = new HashMap<>(runCommandEnvironment());
        // The test's own choices: a free port on loopback, and files in a temporary directory.
        environment.put("PORT", "0");
        environment.put("HOST", "127.0.0.1");
        environment.put("DATABASE_URL", dir.resolve("ors-gateway.db").toString());
        return Settings.fromEnvironment(environment);
    });

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The bodies of the README's curl requests, in order. */
    private static final List<String> BODIES = curlBodies();

    @Test
    void theReadmeHasTheTwoCommandsAndFiveRequestBodies() {
        assertThat(runCommandEnvironment()).containsEntry("UPSTREAM_URL", "demo");
        assertThat(TEXT).contains("./mvnw -B verify");
        assertThat(BODIES).hasSize(5);
    }

    @Test
    void aResponse() throws Exception {
        JsonNode response = postJson(BODIES.get(0));

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(outputText(response)).isEqualTo("You said: Say hello in three words");
    }

    @Test
    void theSameStreamed() throws Exception {
        HttpResponse<String> answer = post(BODIES.get(1));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> problems = new ArrayList<>();
        WireRules.SseStream stream = WireRules.sse(gateway.exchanges().get(0), problems);
        assertThat(problems).isEmpty();
        StringBuilder text = new StringBuilder();
        stream.events().stream()
                .filter(event -> event.path("type").asText().equals("response.output_text.delta"))
                .forEach(event -> text.append(event.path("delta").asText()));
        assertThat(text).hasToString("You said: Count to three");
        assertThat(stream.terminalEvent().path("type").asText()).isEqualTo("response.completed");
        assertThat(answer.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void aFollowUp() throws Exception {
        JsonNode first = postJson(BODIES.get(0));

        JsonNode followUp =
                postJson(BODIES.get(2).replace("resp_...", first.path("id").asText()));

        assertThat(followUp.path("status").asText()).isEqualTo("completed");
        assertThat(followUp.path("previous_response_id").asText())
                .isEqualTo(first.path("id").asText());
        assertThat(outputText(followUp)).isEqualTo("You said: And in French?");
    }

    @Test
    void aToolRoundTrip() throws Exception {
        JsonNode call = postJson(BODIES.get(3));
        JsonNode item = call.path("output").get(0);
        assertThat(item.path("type").asText()).isEqualTo("function_call");
        assertThat(item.path("name").asText()).isEqualTo("get_weather");
        assertThat(item.path("arguments").asText()).isEqualTo("{\"location\":\"San Francisco, CA\"}");

        JsonNode answer = postJson(BODIES.get(4)
                .replace("resp_...", call.path("id").asText())
                .replace("call_...", item.path("call_id").asText()));

        assertThat(answer.path("status").asText()).isEqualTo("completed");
        assertThat(outputText(answer)).isEqualTo("The tool returned: {\"temperature_c\":18}");
    }

    @Test
    void retrieveListItsInputItemsDelete() throws Exception {
        JsonNode created = postJson(BODIES.get(0));
        String id = created.path("id").asText();

        HttpResponse<String> retrieved = send("GET", "/responses/" + id);
        HttpResponse<String> items = send("GET", "/responses/" + id + "/input_items");
        HttpResponse<String> deleted = send("DELETE", "/responses/" + id);
        HttpResponse<String> gone = send("GET", "/responses/" + id);

        assertThat(retrieved.statusCode()).isEqualTo(200);
        assertThat(OrsJson.mapper().readTree(retrieved.body())).isEqualTo(created);
        assertThat(items.statusCode()).isEqualTo(200);
        assertThat(OrsJson.mapper()
                        .readTree(items.body())
                        .at("/data/0/content/0/text")
                        .asText())
                .isEqualTo("Say hello in three words");
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(gone.statusCode()).isEqualTo(404);
    }

    @Test
    void theWebSocketTurns() throws Exception {
        List<String> messages = TEXT.lines()
                .filter(line -> line.startsWith("{\"type\":\"response.create\""))
                .toList();
        assertThat(messages).hasSize(2);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = HTTP.newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + gateway.server().port() + "/v1/responses"),
                        new WebSocket.Listener() {
                            private final StringBuilder partial = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                partial.append(data);
                                if (last) {
                                    received.add(partial.toString());
                                    partial.setLength(0);
                                }
                                webSocket.request(1);
                                return null;
                            }
                        })
                .get(30, TimeUnit.SECONDS);
        try {
            JsonNode first = webSocketTurn(socket, received, messages.get(0));
            JsonNode second = webSocketTurn(
                    socket,
                    received,
                    messages.get(1).replace("resp_...", first.path("id").asText()));

            assertThat(outputText(first)).isEqualTo("You said: Say hello");
            assertThat(second.path("previous_response_id").asText())
                    .isEqualTo(first.path("id").asText());
            assertThat(outputText(second)).isEqualTo("You said: Again, in French");
        } finally {
            socket.abort();
        }
    }

    /** Sends one message and reads the turn's messages up to its terminal event; returns its response. */
    private static JsonNode webSocketTurn(WebSocket socket, BlockingQueue<String> received, String message)
            throws Exception {
        socket.sendText(message, true).get(30, TimeUnit.SECONDS);
        while (true) {
            String text = received.poll(30, TimeUnit.SECONDS);
            assertThat(text).as("a message of the turn").isNotNull();
            JsonNode event = OrsJson.mapper().readTree(text);
            assertThat(event.path("type").asText()).isNotEqualTo("error");
            if (event.path("type").asText().equals("response.completed")) {
                return event.path("response");
            }
        }
    }

    // ---- the README -------------------------------------------------------------------------------------------

    /** The {@code NAME=value} assignments in front of the README's run command (the line with {@code exec:exec}). */
    static Map<String, String> runCommandEnvironment() {
        String command = TEXT.lines()
                .filter(line -> line.contains("./mvnw") && line.contains("exec:"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("README.md has no run command (./mvnw ... exec:...)"));
        Map<String, String> environment = new HashMap<>();
        for (String token : command.trim().split("\\s+")) {
            if (token.startsWith("./mvnw")) {
                break;
            }
            int equals = token.indexOf('=');
            assertThat(equals).as("a NAME=value token before ./mvnw: " + token).isPositive();
            environment.put(token.substring(0, equals), token.substring(equals + 1));
        }
        return environment;
    }

    /** The {@code -d '...'} bodies of the README's curl requests (all of them POSTs to /v1/responses), in order. */
    private static List<String> curlBodies() {
        List<String> bodies = new ArrayList<>();
        // A shell single-quoted string holds no quote, and keeps JSON's \" escapes as they are.
        Matcher matcher = Pattern.compile("-d '([^']*)'").matcher(TEXT);
        while (matcher.find()) {
            bodies.add(matcher.group(1));
        }
        return List.copyOf(bodies);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    private static JsonNode postJson(String body) throws Exception {
        HttpResponse<String> response = post(body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        return OrsJson.mapper().readTree(response.body());
    }

    /** As {@code curl -s localhost:3000/v1/responses -H 'Content-Type: application/json' -d '<body>'}. */
    private static HttpResponse<String> post(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private static String outputText(JsonNode response) {
        StringBuilder text = new StringBuilder();
        for (JsonNode item : response.path("output")) {
            for (JsonNode part : item.path("content")) {
                if (part.path("type").asText().equals("output_text")) {
                    text.append(part.path("text").asText());
                }
            }
        }
        return text.toString();
    }
}
