package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.examples.StandaloneServer.Settings;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.Script;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two standalone servers, as behind a load balancer, on one PostgreSQL (an embedded server on a random port, a fresh
 * database per test) selected by {@code DATABASE_URL=postgresql://...}, in front of one scripted upstream whose
 * demo model echoes the last user message: a conversation moves between them, both write at once, and one stops
 * mid-stream while the other serves.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ScaleOutTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static EmbeddedPostgres postgres;
    private static ScriptedChatServer upstream;

    private String database;
    private StandaloneServer first;
    private StandaloneServer second;

    @BeforeAll
    static void startPostgresAndUpstream() throws IOException {
        // As root, zonky runs initdb, pg_ctl and postgres under `unshare -U`, where they are not root.
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "localhost")
                .setPGStartupWait(Duration.ofSeconds(30))
                .start();
        upstream = ScriptedChatServer.start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (upstream != null) {
            upstream.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void startTwoInstances() throws Exception {
        database = "ors_scale_" + DATABASES.incrementAndGet();
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
                Statement statement = admin.createStatement()) {
            statement.execute("create database " + database);
        }
        Settings settings = settings(database);
        assertThat(settings.jdbcUrl()).startsWith("jdbc:postgresql://localhost:" + postgres.getPort() + "/");
        assertThat(settings.redactedJdbcUrl()).doesNotContain("s3cret").contains("password=***");
        // Both start at once on an empty database: the migration runs once, under its advisory lock.
        CompletableFuture<StandaloneServer> starting = CompletableFuture.supplyAsync(() -> start(settings));
        second = start(settings);
        first = starting.get(1, TimeUnit.MINUTES);
    }

    @AfterEach
    void closeInstances() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void aConversationAlternatingBetweenInstancesReplaysExactly() throws Exception {
        String previous = null;
        List<String> expected = new ArrayList<>();
        for (int turn = 0; turn < 10; turn++) {
            StandaloneServer instance = turn % 2 == 0 ? first : second;
            int mark = upstream.requestCount();
            String question = "Question " + turn + " from instance " + (turn % 2);

            JsonNode response = completed(post(instance, request(question, previous, false)));

            String answer = "You said: " + question;
            assertThat(outputText(response)).isEqualTo(answer);
            expected.add("user: " + question);
            assertThat(messages(lastChatRequest(mark))).as("turn %d", turn).containsExactlyElementsOf(expected);
            expected.add("assistant: " + answer);
            previous = response.path("id").asText();
        }
        // The last response, read back from the instance that did not write it.
        HttpResponse<String> got = HTTP.send(
                HttpRequest.newBuilder(URI.create(base(second) + "/responses/" + previous))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(outputText(OrsJson.mapper().readTree(got.body()))).isEqualTo("You said: Question 9 from instance 1");
        assertThat(count("select count(*) from responses")).isEqualTo(10);
    }

    @Test
    void concurrentWritesFromBothInstancesLoseNothing() throws Exception {
        int perInstance = 50;
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 2 * perInstance; i++) {
                StandaloneServer instance = i % 2 == 0 ? first : second;
                String question = "Parallel " + i;
                boolean stream = i % 4 < 2;
                ids.add(clients.submit(() -> {
                    JsonNode response = completed(post(instance, request(question, null, stream)));
                    assertThat(outputText(response)).isEqualTo("You said: " + question);
                    return response.path("id").asText();
                }));
            }
            Set<String> distinct = new HashSet<>();
            for (Future<String> id : ids) {
                distinct.add(id.get(1, TimeUnit.MINUTES));
            }
            assertThat(distinct).hasSize(2 * perInstance);
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(count("select count(*) from responses")).isEqualTo(2 * perInstance);
        assertThat(count("select count(distinct id) from responses")).isEqualTo(2 * perInstance);
        // One input message and one output message each.
        assertThat(count("select count(*) from items")).isEqualTo(2 * 2 * perInstance);
    }

    @Test
    void oneInstanceStoppingMidStreamLeavesTheOtherServing() throws Exception {
        JsonNode opened = completed(post(first, request("Remember the number 7.", null, false)));
        JsonNode continued =
                completed(post(second, request("And add 1.", opened.path("id").asText(), false)));

        // A stream on the first instance, stalled by its upstream after two chunks.
        upstream.enqueue(Script.text("Thinking ", "about ", "it ", "slowly.").stallingAfter(2));
        HttpResponse<InputStream> stalled = HTTP.send(
                HttpRequest.newBuilder(URI.create(base(first) + "/responses"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                request("Keep going.", continued.path("id").asText(), true), UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stalled.statusCode()).isEqualTo(200);
        try (BufferedReader events = new BufferedReader(new InputStreamReader(stalled.body(), UTF_8))) {
            String line;
            while ((line = events.readLine()) != null && !line.contains("\"response.output_text.delta\"")) {
                // reading up to the first text delta: the stream is mid-way
            }
            assertThat(line).as("a text delta before the stall").isNotNull();

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(first::close);
            // The second instance serves while the first stops, continuing what both instances wrote.
            int mark = upstream.requestCount();
            JsonNode meanwhile = completed(
                    post(second, request("Still there?", continued.path("id").asText(), false)));
            assertThat(messages(lastChatRequest(mark)))
                    .containsExactly(
                            "user: Remember the number 7.",
                            "assistant: You said: Remember the number 7.",
                            "user: And add 1.",
                            "assistant: You said: And add 1.",
                            "user: Still there?");

            stopping.get(1, TimeUnit.MINUTES);
            first = null;
            // The first instance's stream has ended: with a terminal event or cut when the drain time ran out.
            try {
                while (events.readLine() != null) {
                    // draining to the end of the stream
                }
            } catch (IOException cut) {
                // the server closed the connection mid-chunk
            }
            JsonNode after = completed(post(
                    second, request("After it stopped.", meanwhile.path("id").asText(), false)));
            assertThat(outputText(after)).isEqualTo("You said: After it stopped.");
        }
    }

    // ---- fixtures

    private Settings settings(String database) {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        Map<String, String> env = new HashMap<>();
        // The password holds characters a URL must escape; the embedded server trusts local connections anyway.
        env.put(
                "DATABASE_URL",
                "postgresql://postgres:s3cret%40%2Bx@localhost:" + postgres.getPort() + "/" + database
                        + "?connectTimeout=10&socketTimeout=60");
        env.put("UPSTREAM_URL", upstream.baseUrl().toString());
        env.put("HOST", "127.0.0.1");
        env.put("PORT", "0");
        env.put("ORS_COMPACTION_KEY", key);
        return Settings.fromEnvironment(env);
    }

    private static StandaloneServer start(Settings settings) {
        try {
            return StandaloneServer.start(settings);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base(StandaloneServer server) {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    private static String request(String input, String previous, boolean stream) {
        Map<String, Object> body = new HashMap<>();
        body.put("model", "demo-model");
        body.put("input", input);
        body.put("stream", stream);
        if (previous != null) {
            body.put("previous_response_id", previous);
        }
        try {
            return OrsJson.mapper().writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> post(StandaloneServer server, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base(server) + "/responses"))
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
        JsonNode last = null;
        for (String line : reply.body().split("\n")) {
            if (line.startsWith("data: {")) {
                last = OrsJson.mapper().readTree(line.substring("data: ".length()));
            }
        }
        assertThat(last).as(reply.body()).isNotNull();
        assertThat(last.path("type").asText()).as(reply.body()).isEqualTo("response.completed");
        return last.path("response");
    }

    private static String outputText(JsonNode response) {
        return response.at("/output/0/content/0/text").asText();
    }

    private static RecordedRequest lastChatRequest(int mark) {
        List<RecordedRequest> all = upstream.requests();
        List<RecordedRequest> chat = all.subList(mark, all.size()).stream()
                .filter(r -> r.method().equals("POST"))
                .toList();
        assertThat(chat).hasSize(1);
        return chat.get(0);
    }

    /** The request's messages as "role: text". */
    private static List<String> messages(RecordedRequest request) {
        List<String> messages = new ArrayList<>();
        for (JsonNode message : request.json().path("messages")) {
            JsonNode content = message.path("content");
            StringBuilder text = new StringBuilder();
            if (content.isTextual()) {
                text.append(content.asText());
            } else {
                content.forEach(part -> text.append(part.path("text").asText()));
            }
            messages.add(message.path("role").asText() + ": " + text);
        }
        return messages;
    }

    private int count(String sql) throws Exception {
        String url = postgres.getJdbcUrl("postgres", database);
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getInt(1);
        }
    }
}
