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
import java.nio.file.Path;
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
import java.util.concurrent.CountDownLatch;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Two standalone servers, as behind a load balancer, on one PostgreSQL (an embedded server on a random port, a fresh
 * database per test) selected by {@code DATABASE_URL=postgresql://...}, in front of one scripted upstream whose
 * demo model echoes the last user message: a conversation moves between them, both write at once, one stops
 * mid-stream while the other serves, and one, in a child process ({@link ChildGateway}), is killed with SIGKILL
 * mid-stream while the other serves, then restarted on the same database.
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
            assertThat(lastChatRequest(mark).messageTexts()).as("turn %d", turn).containsExactlyElementsOf(expected);
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
            assertThat(lastChatRequest(mark).messageTexts())
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

    @Test
    void oneInstanceKilledMidStreamLeavesTheOtherServing(@TempDir Path dir) throws Exception {
        // The second instance in a child process, on the same database, so that it can be killed.
        second.close();
        second = null;
        long startNanos = System.nanoTime();
        ChildGateway victim = ChildGateway.start(dir, environment(database), "victim");
        long victimStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        ChildGateway restarted = null;
        try {
            String survivor = base(first);
            List<String> acknowledged = new ArrayList<>();
            // Three conversations, their turns alternating, the last one of each written by the instance to be killed.
            List<Conversation> conversations = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                Conversation conversation = new Conversation();
                for (int turn = 0; turn < 3; turn++) {
                    String instance = turn % 2 == 0 ? victim.base().toString() : survivor;
                    acknowledged.add(conversation.continueOn(instance, "Conversation " + c + " turn " + turn));
                }
                conversations.add(conversation);
            }

            // A stream on the survivor, held open by its upstream across the kill.
            CountDownLatch release = new CountDownLatch(1);
            upstream.enqueue(Script.text("Held ", "across ", "the ", "kill.").holdingAfter(2, release));
            Conversation held = conversations.get(2);
            OpenStream running = OpenStream.open(survivor, request("Hold on.", held.previous, true));
            assertThat(running.readUntil("response.output_text.delta")).isTrue();
            assertThat(chatRequestWith("Hold on.").messageTexts()).containsExactlyElementsOf(held.next("Hold on."));

            // A stream on the victim, continuing a conversation, stalled by its upstream after two chunks: killed
            // there.
            upstream.enqueue(Script.text("Cut ", "by ", "the ", "kill.").stallingAfter(2));
            Conversation cut = conversations.get(0);
            OpenStream killed = OpenStream.open(victim.base().toString(), request("Cut me.", cut.previous, true));
            assertThat(killed.readUntil("response.output_text.delta")).isTrue();
            String killedId = killed.responseId();
            int eventsBeforeKill = killed.events.size();
            assertThat(victim.kill()).as("killed by SIGKILL").isEqualTo(137);

            // Its client sees the connection end without a terminal event, and its upstream sees it go.
            assertThat(killed.readUntil("response.completed")).isFalse();
            assertThat(killed.types()).doesNotContain("response.completed", "response.failed", "response.incomplete");
            assertThat(chatRequestWith("Cut me.").awaitOutcome(Duration.ofSeconds(30)))
                    .isEqualTo(RecordedRequest.Outcome.CLIENT_DISCONNECTED);

            // The survivor serves meanwhile: every conversation continues there, with its whole chain replayed,
            // including the turns the killed instance wrote, and new conversations start.
            int servedWhileDown = 0;
            assertThat(running.types()).doesNotContain("response.completed");
            for (int c = 0; c < conversations.size(); c++) {
                if (c != 2) {
                    acknowledged.add(conversations.get(c).continueOn(survivor, "Conversation " + c + " survives"));
                    servedWhileDown++;
                }
            }
            for (int n = 0; n < 3; n++) {
                acknowledged.add(new Conversation().continueOn(survivor, "New conversation " + n));
                servedWhileDown++;
            }
            // The stream that was running on the survivor at the kill completes normally.
            release.countDown();
            assertThat(running.readUntil("response.completed")).isTrue();
            JsonNode heldResponse = running.last().path("response");
            assertThat(outputText(heldResponse)).isEqualTo("Held across the kill.");
            held.add(
                    "Hold on.", "Held across the kill.", heldResponse.path("id").asText());
            acknowledged.add(held.previous);
            servedWhileDown++;

            // The killed stream's response is not stored half-written.
            assertThat(status(survivor, "/responses/" + killedId)).isEqualTo(404);
            assertThat(count("select count(*) from responses where id = '" + killedId + "'"))
                    .isZero();

            // Restarted on the same database, the killed instance serves the conversations too.
            startNanos = System.nanoTime();
            restarted = ChildGateway.start(dir, environment(database), "restarted");
            long restartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            assertThat(status(restarted.base().toString(), "/responses/" + killedId))
                    .isEqualTo(404);
            int servedByRestarted = 0;
            int servedBySurvivorAfter = 0;
            for (int c = 0; c < conversations.size(); c++) {
                acknowledged.add(conversations
                        .get(c)
                        .continueOn(restarted.base().toString(), "Conversation " + c + " after the restart"));
                servedByRestarted++;
                acknowledged.add(conversations.get(c).continueOn(survivor, "Conversation " + c + " back"));
                servedBySurvivorAfter++;
            }
            int lost = 0;
            for (String id : acknowledged) {
                if (status(restarted.base().toString(), "/responses/" + id) != 200) {
                    lost++;
                }
            }
            assertThat(lost).as("acknowledged responses lost").isZero();
            assertThat(count("select count(*) from responses")).isEqualTo(acknowledged.size());
            restarted.stop();
            System.out.printf(
                    "ScaleOutTest kill: streams killed 1 (after %d events, response %s then 404 on both instances);"
                            + " requests served by the survivor while the other was down %d (1 of them a stream open"
                            + " across the kill, completed); conversations continued after the kill %d on the"
                            + " survivor, then %d on the restarted instance and %d on the survivor again, each"
                            + " replaying its whole chain; responses acknowledged %d, lost %d; the child process"
                            + " started in %d ms, restarted in %d ms%n",
                    eventsBeforeKill,
                    killedId,
                    servedWhileDown,
                    conversations.size(),
                    servedByRestarted,
                    servedBySurvivorAfter,
                    acknowledged.size(),
                    lost,
                    victimStartMillis,
                    restartMillis);
        } finally {
            victim.killIfAlive();
            if (restarted != null) {
                restarted.killIfAlive();
            }
        }
    }

    /** A conversation continued on any instance: the upstream request of each turn must carry the whole chain. */
    private static final class Conversation {
        private final List<String> expected = new ArrayList<>();
        private String previous;

        /** Sends a turn to the instance at {@code base}, checks the upstream request and answer; returns its id. */
        String continueOn(String base, String question) throws Exception {
            int mark = upstream.requestCount();
            JsonNode response = completed(post(base, request(question, previous, false)));
            String answer = "You said: " + question;
            assertThat(outputText(response)).isEqualTo(answer);
            assertThat(lastChatRequest(mark).messageTexts()).as(question).containsExactlyElementsOf(next(question));
            add(question, answer, response.path("id").asText());
            return previous;
        }

        /** The messages the upstream request of the next turn must carry. */
        List<String> next(String question) {
            List<String> messages = new ArrayList<>(expected);
            messages.add("user: " + question);
            return messages;
        }

        void add(String question, String answer, String id) {
            expected.add("user: " + question);
            expected.add("assistant: " + answer);
            previous = id;
        }
    }

    /** A streamed response read event by event. */
    private static final class OpenStream {
        private final BufferedReader lines;
        final List<JsonNode> events = new ArrayList<>();

        private OpenStream(BufferedReader lines) {
            this.lines = lines;
        }

        static OpenStream open(String base, String body) throws Exception {
            HttpResponse<InputStream> reply = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/responses"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(reply.statusCode()).isEqualTo(200);
            return new OpenStream(new BufferedReader(new InputStreamReader(reply.body(), UTF_8)));
        }

        /** Reads up to an event of this type: false when the stream ends (or is cut) first. */
        boolean readUntil(String type) throws IOException {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data: {")) {
                        JsonNode event = OrsJson.mapper().readTree(line.substring("data: ".length()));
                        events.add(event);
                        if (event.path("type").asText().equals(type)) {
                            return true;
                        }
                    }
                }
            } catch (IOException cut) {
                // the connection ended mid-chunk
            }
            lines.close();
            return false;
        }

        List<String> types() {
            return events.stream().map(event -> event.path("type").asText()).toList();
        }

        JsonNode last() {
            return events.get(events.size() - 1);
        }

        String responseId() {
            assertThat(events.get(0).path("type").asText()).isEqualTo("response.created");
            return events.get(0).path("response").path("id").asText();
        }
    }

    // ---- fixtures

    private Settings settings(String database) {
        return Settings.fromEnvironment(environment(database));
    }

    private Map<String, String> environment(String database) {
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
        return env;
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
        return post(base(server), body);
    }

    private static HttpResponse<String> post(String base, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/responses"))
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

    private static int status(String base, String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
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

    private static RecordedRequest chatRequestWith(String text) {
        List<RecordedRequest> chat = upstream.requests().stream()
                .filter(r -> r.method().equals("POST") && r.body().contains(text))
                .toList();
        assertThat(chat).hasSize(1);
        return chat.get(0);
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
