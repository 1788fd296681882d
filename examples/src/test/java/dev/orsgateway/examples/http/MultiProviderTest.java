package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.examples.StandaloneServer.Settings;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.Script;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two scripted providers behind one standalone server configured by a routing file ({@code ORS_CONFIG}), over real
 * HTTP: routing by exact name and pattern, renaming, fallback on 503, 429, a refused connection and a stall before the
 * first byte, no retry once output began, a conversation that moves between providers, the model list, and the
 * upstream recorded with each stored response.
 */
@Timeout(60)
class MultiProviderTest {
    private static final ScriptedChatServer PRIMARY = ScriptedChatServer.start();
    private static final ScriptedChatServer SECONDARY = ScriptedChatServer.start();
    private static final int REFUSED_PORT = closedPort();
    private static Path directory;

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withSettings(dir -> {
        directory = dir;
        Path config = dir.resolve("gateway.yaml");
        try {
            Files.writeString(config, """
                    upstreams:
                      primary:
                        url: ${PRIMARY_URL}
                        api_key: ${PRIMARY_KEY}
                      secondary:
                        url: ${SECONDARY_URL}
                      mistral:
                        url: ${SECONDARY_URL}
                        tool_call_ids: mistral
                      gemini:
                        url: ${SECONDARY_URL}
                        thought_signatures: gemini
                      down:
                        url: http://127.0.0.1:%d/v1
                        connect_timeout: 2s
                    routes:
                      - model: fast
                        to: [{upstream: secondary, model: "llama3.2:3b"}]
                      - model: gpt-*
                        to: [primary, {upstream: secondary, model: qwen3}]
                        first_byte_timeout: 1s
                      - model: refused
                        to: [down, secondary]
                      - model: big
                        to: [primary]
                      - model: mistral-small
                        to: [mistral]
                      - model: gemini-3-flash-preview
                        to: [gemini]
                      - model: qwen3-thinking
                        to: [secondary]
                        think_tags: leading
                      - model: deepseek-r1
                        to: [secondary]
                        think_tags: prefilled
                      - model: "*"
                        to: [secondary]
                    retry:
                      retries: 0
                    """.formatted(REFUSED_PORT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Settings.fromEnvironment(Map.of(
                "ORS_CONFIG", config.toString(),
                "PRIMARY_URL", PRIMARY.baseUrl().toString(),
                "PRIMARY_KEY", "sk-primary-123456",
                "SECONDARY_URL", SECONDARY.baseUrl().toString(),
                "DATABASE_URL", dir.resolve("ors.db").toString(),
                "HOST", "127.0.0.1",
                "PORT", "0"));
    });

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private int primaryMark;
    private int secondaryMark;

    @BeforeEach
    void mark() {
        primaryMark = PRIMARY.requestCount();
        secondaryMark = SECONDARY.requestCount();
    }

    @AfterAll
    static void stopUpstreams() {
        PRIMARY.close();
        SECONDARY.close();
    }

    @Test
    void anExactNameIsRenamedForItsUpstreamAndTheResponseKeepsTheClientsName() throws Exception {
        SECONDARY.enqueue(Script.text("Quick ", "answer."));

        JsonNode response = completed(stream("{\"model\":\"fast\",\"input\":\"Hi\",\"stream\":true}"));

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Quick answer.");
        assertThat(response.path("model").asText()).isEqualTo("fast");
        RecordedRequest sent = only(SECONDARY, secondaryMark);
        assertThat(sent.json().path("model").asText()).isEqualTo("llama3.2:3b");
        assertThat(sent.header("Authorization")).isNull(); // the secondary has no key
        assertThat(PRIMARY.requestCount()).isEqualTo(primaryMark);
        assertThat(storedUpstream(response.path("id").asText())).isEqualTo("secondary");
    }

    @Test
    void aPatternRoutesToItsFirstUpstreamWithItsOwnKey() throws Exception {
        PRIMARY.enqueue(Script.text("From ", "primary."));

        JsonNode response = completed(stream("{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"stream\":true}"));

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("From primary.");
        RecordedRequest sent = only(PRIMARY, primaryMark);
        assertThat(sent.json().path("model").asText()).isEqualTo("gpt-4o");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-primary-123456");
        assertThat(SECONDARY.requestCount()).isEqualTo(secondaryMark);
        assertThat(storedUpstream(response.path("id").asText())).isEqualTo("primary");
    }

    @Test
    void a503BeforeAnyOutputFallsBackToTheNextUpstream() throws Exception {
        PRIMARY.enqueue(Script.httpError(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        SECONDARY.enqueue(Script.text("Fallback ", "answer."));

        JsonNode response = completed(stream("{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"stream\":true}"));

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Fallback answer.");
        assertThat(response.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(only(PRIMARY, primaryMark).json().path("model").asText()).isEqualTo("gpt-4o");
        assertThat(only(SECONDARY, secondaryMark).json().path("model").asText()).isEqualTo("qwen3");
        assertThat(storedUpstream(response.path("id").asText())).isEqualTo("secondary");
    }

    @Test
    void a429WithRetryAfterFallsBackAtOnceWithoutWaitingForIt() throws Exception {
        PRIMARY.enqueue(Script.httpError(
                429,
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
                Map.of("Retry-After", "30")));
        SECONDARY.enqueue(Script.text("Not rate limited."));

        long start = System.nanoTime();
        JsonNode response = completed(json("{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\"}"));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Not rate limited.");
        assertThat(millis).isLessThan(30_000); // another upstream is not held to the first one's Retry-After
        assertThat(PRIMARY.requestCount() - primaryMark).isEqualTo(1);
    }

    @Test
    void aRefusedConnectionFallsBackToTheNextUpstream() throws Exception {
        SECONDARY.enqueue(Script.text("Reachable."));

        JsonNode response = completed(stream("{\"model\":\"refused\",\"input\":\"Hi\",\"stream\":true}"));

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Reachable.");
        assertThat(storedUpstream(response.path("id").asText())).isEqualTo("secondary");
    }

    @Test
    void anUpstreamThatStallsBeforeTheFirstByteIsAbandonedForTheNext() throws Exception {
        PRIMARY.enqueue(Script.stallAfter(0));
        SECONDARY.enqueue(Script.text("On time."));

        JsonNode response = completed(stream("{\"model\":\"gpt-4.1\",\"input\":\"Hi\",\"stream\":true}"));

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("On time.");
        assertThat(PRIMARY.awaitClientDisconnect(Duration.ofSeconds(10))).isTrue(); // the stalled call was closed
        assertThat(storedUpstream(response.path("id").asText())).isEqualTo("secondary");
    }

    @Test
    void aFailureAfterOutputReachedTheClientIsNeverRetried() throws Exception {
        PRIMARY.enqueue(Script.text("one ", "two ", "three ", "four").dyingAfter(3));

        List<JsonNode> events = events(stream("{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"stream\":true}"));

        List<String> types = events.stream().map(e -> e.path("type").asText()).toList();
        assertThat(types).contains("response.output_text.delta");
        assertThat(types).endsWith("error", "response.failed");
        assertThat(types.stream().filter(t -> t.equals("response.created"))).hasSize(1);
        assertThat(SECONDARY.requestCount()).isEqualTo(secondaryMark);
        JsonNode failed = events.get(events.size() - 1).path("response");
        assertThat(storedUpstream(failed.path("id").asText())).isEqualTo("primary");
    }

    @Test
    void aConversationContinuesOnAnotherUpstreamWithItsWholeHistory() throws Exception {
        PRIMARY.enqueue(Script.text("The capital of France is Paris."));
        JsonNode first = completed(json("{\"model\":\"big\",\"input\":\"Capital of France?\"}"));
        SECONDARY.enqueue(Script.text("About 2.1 million."));

        JsonNode second = completed(json("{\"model\":\"small\",\"input\":\"Population?\",\"previous_response_id\":\""
                + first.path("id").asText() + "\"}"));

        assertThat(second.at("/output/0/content/0/text").asText()).isEqualTo("About 2.1 million.");
        JsonNode messages = only(SECONDARY, secondaryMark).json().path("messages");
        List<String> contents = new ArrayList<>();
        messages.forEach(m ->
                contents.add(m.path("role").asText() + ": " + m.path("content").asText()));
        assertThat(contents)
                .containsExactly(
                        "user: Capital of France?", "assistant: The capital of France is Paris.", "user: Population?");
        assertThat(storedUpstream(first.path("id").asText())).isEqualTo("primary");
        assertThat(storedUpstream(second.path("id").asText())).isEqualTo("secondary");
    }

    @Test
    void theModelListHasTheNamedRoutesAndWhatTheCatchAllUpstreamLists() throws Exception {
        SECONDARY.setModels(List.of("qwen3", "fast"));

        HttpResponse<String> reply = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/models"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));

        assertThat(reply.statusCode()).isEqualTo(200);
        JsonNode list = OrsJson.mapper().readTree(reply.body());
        assertThat(list.path("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(model -> {
            assertThat(model.path("object").asText()).isEqualTo("model");
            ids.add(model.path("id").asText() + "@" + model.path("owned_by").asText());
        });
        // "fast" is its own route; the catch-all lists the secondary's models that no earlier route takes.
        assertThat(ids)
                .as(reply.body())
                .containsExactly(
                        "fast@secondary",
                        "refused@down",
                        "big@primary",
                        "mistral-small@mistral",
                        "gemini-3-flash-preview@gemini",
                        "qwen3-thinking@secondary",
                        "deepseek-r1@secondary",
                        "qwen3@scripted");

        HttpResponse<String> one = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/models/gpt-4o"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(OrsJson.mapper().readTree(one.body()).path("owned_by").asText())
                .isEqualTo("primary");
    }

    @Test
    void aToolCallBegunElsewhereContinuesOnAnUpstreamThatWantsMistralIds() throws Exception {
        String tool = ",\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
        PRIMARY.enqueue(Script.toolCalls(
                Script.call("get_weather", "{\"city\":\"Paris\"}").withId("call_PTLP8xhu3uwZk4l3nlnrrJha")));
        JsonNode first = completed(json("{\"model\":\"big\",\"input\":\"Weather in Paris?\"" + tool + "}"));
        assertThat(first.at("/output/0/call_id").asText()).isEqualTo("call_PTLP8xhu3uwZk4l3nlnrrJha");
        SECONDARY.enqueue(Script.text("18 degrees in Paris."));

        JsonNode second = completed(json("{\"model\":\"mistral-small\",\"previous_response_id\":\""
                + first.path("id").asText() + "\",\"input\":[{\"type\":\"function_call_output\","
                + "\"call_id\":\"call_PTLP8xhu3uwZk4l3nlnrrJha\",\"output\":\"18C\"}]" + tool + "}"));

        assertThat(second.at("/output/0/content/0/text").asText()).isEqualTo("18 degrees in Paris.");
        JsonNode messages = only(SECONDARY, secondaryMark).json().path("messages");
        String callId = messages.get(1).at("/tool_calls/0/id").asText();
        assertThat(callId).matches("[a-zA-Z0-9]{9}");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo(callId);
        // What the client sees and what is stored keep the original id.
        assertThat(second.path("previous_response_id").asText())
                .isEqualTo(first.path("id").asText());
    }

    @Test
    void aToolCallBegunElsewhereContinuesOnGeminiWithTheSignatureGoogleDocumentsForIt() throws Exception {
        String tool = ",\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
        PRIMARY.enqueue(Script.toolCalls(
                Script.call("get_weather", "{\"city\":\"Paris\"}").withId("call_a"),
                Script.call("get_weather", "{\"city\":\"Rome\"}").withId("call_b")));
        JsonNode first = completed(json("{\"model\":\"big\",\"input\":\"Weather in Paris and Rome?\"" + tool + "}"));
        assertThat(first.at("/output/0").has("ors:extra_content")).isFalse();
        SECONDARY.enqueue(Script.text("18 and 22 degrees."));

        JsonNode second = completed(stream("{\"model\":\"gemini-3-flash-preview\",\"stream\":true,"
                + "\"previous_response_id\":\"" + first.path("id").asText() + "\",\"input\":["
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_a\",\"output\":\"18C\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_b\",\"output\":\"22C\"}]" + tool + "}"));

        assertThat(second.at("/output/0/content/0/text").asText()).isEqualTo("18 and 22 degrees.");
        JsonNode calls = only(SECONDARY, secondaryMark).json().at("/messages/1/tool_calls");
        assertThat(calls.at("/0/extra_content/google/thought_signature").asText())
                .isEqualTo("skip_thought_signature_validator");
        assertThat(calls.get(1).has("extra_content")).isFalse(); // Gemini checks a step's first call only
        assertThat(calls.at("/0/id").asText()).isEqualTo("call_a");
    }

    @Test
    void aRoutesThinkTagsBecomeAReasoningItemEvenWhenATagIsSplitAcrossChunks() throws Exception {
        SECONDARY.enqueue(Script.text("<thi", "nk>The user greets me.</th", "ink>\n\n", "Hello!"));

        JsonNode response = completed(stream("{\"model\":\"qwen3-thinking\",\"input\":\"Hi\",\"stream\":true}"));

        assertThat(response.at("/output/0/type").asText())
                .as(response.toString())
                .isEqualTo("reasoning");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("The user greets me.");
        assertThat(response.at("/output/1/type").asText()).isEqualTo("message");
        assertThat(response.at("/output/1/content/0/text").asText()).isEqualTo("Hello!");
    }

    @Test
    void aPrefilledThinkBlockEndsAtTheClosingTagInAWholeAnswerToo() throws Exception {
        SECONDARY.enqueue(Script.text("Two plus two is four.", "</think>", "4"));

        JsonNode response = completed(json("{\"model\":\"deepseek-r1\",\"input\":\"2+2?\"}"));

        assertThat(response.at("/output/0/type").asText())
                .as(response.toString())
                .isEqualTo("reasoning");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Two plus two is four.");
        assertThat(response.at("/output/1/content/0/text").asText()).isEqualTo("4");
    }

    @Test
    void withoutThinkTagsOnTheRouteTheTagsStayText() throws Exception {
        SECONDARY.enqueue(Script.text("<think>kept</think>", "Hi"));

        JsonNode response = completed(json("{\"model\":\"plain\",\"input\":\"Hi\"}"));

        assertThat(response.at("/output/0/type").asText()).isEqualTo("message");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("<think>kept</think>Hi");
    }

    // ---- helpers

    private static RecordedRequest only(ScriptedChatServer upstream, int mark) {
        List<RecordedRequest> all = upstream.requests();
        List<RecordedRequest> chat = all.subList(mark, all.size()).stream()
                .filter(r -> r.method().equals("POST"))
                .toList();
        assertThat(chat).hasSize(1);
        return chat.get(0);
    }

    private static HttpResponse<String> stream(String body) throws Exception {
        return post(body);
    }

    private static HttpResponse<String> json(String body) throws Exception {
        return post(body);
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    /** The completed response: the JSON body, or the stream's {@code response.completed} event's. */
    private static JsonNode completed(HttpResponse<String> reply) throws Exception {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        if (reply.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
            JsonNode response = OrsJson.mapper().readTree(reply.body());
            assertThat(response.path("status").asText()).isEqualTo("completed");
            return response;
        }
        List<JsonNode> events = events(reply);
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("type").asText()).as(reply.body()).isEqualTo("response.completed");
        return last.path("response");
    }

    private static List<JsonNode> events(HttpResponse<String> reply) throws Exception {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        for (String line : reply.body().split("\n")) {
            if (line.startsWith("data: {")) {
                events.add(OrsJson.mapper().readTree(line.substring("data: ".length())));
            }
        }
        return events;
    }

    /** The upstream column of a stored response, read from the SQLite file itself. */
    private static String storedUpstream(String id) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("ors.db"));
                PreparedStatement query = connection.prepareStatement("select upstream from responses where id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("response " + id + " is stored").isTrue();
                return row.getString(1);
            }
        }
    }

    /** A loopback port nothing listens on: bound, then closed. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
