package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: the standalone server in a child process ({@code target/ors-gateway.jar} in the integration-test
 * phase, else this JVM's class path) serves concurrent clients, continuing their own conversations, streamed as
 * Server-Sent Events, over WebSockets and as plain JSON, and is killed with SIGKILL at a random point of that traffic,
 * then restarted on the same store; a few rounds of that, on a SQLite file and on PostgreSQL (embedded, on a random
 * port). A first kill lands while the first start migrates the empty store; the last round's SIGKILL comes a random
 * moment after a SIGTERM, while the server drains and closes its store.
 *
 * <p>After every kill, what the store holds is checked before the restart reads it, and through the restarted server:
 *
 * <ul>
 *   <li><b>Nothing acknowledged is lost.</b> Every response a client saw complete ({@code response.completed}, or a
 *       200 with the JSON) is stored as the client saw it, and is replayable: {@code GET /v1/responses/{id}}, its
 *       {@code input_items}, and a continuation with {@code previous_response_id}, whose upstream request carries the
 *       whole conversation. A stream cut after its {@code response.created} is a 404 after the restart, unless it was
 *       stored whole.
 *   <li><b>Nothing half-written.</b> The gateway stores only a finished response, with its input and output items, in
 *       one transaction before the terminal event leaves. So every stored response is {@code completed}, its JSON is
 *       its row's (same id, same {@code previous_response_id}), it has exactly the one input and one output item its
 *       request and the echo model make, at positions from 0, it is the answer to a request a client did send (same
 *       text, same {@code previous_response_id}), and the response it continues is stored. A stored response no
 *       client saw complete is allowed: committed in the instant before the kill, when its terminal event had not
 *       left yet (counted, and replayable too).
 *   <li><b>The database is sound.</b> SQLite: {@code PRAGMA integrity_check} says {@code ok} and {@code
 *       foreign_key_check} finds nothing, on a copy of the files exactly as the kill left them (database, WAL, shared
 *       memory), so the restart still recovers the originals. PostgreSQL: amcheck's {@code verify_heapam} on the
 *       store's tables and {@code bt_index_check} (with {@code heapallindexed}) on their indexes find nothing.
 *   <li><b>Nothing left behind.</b> A start removes the copy of SQLite's native library a killed run left in the
 *       temporary directory; a clean stop removes its own.
 * </ul>
 *
 * <p>Only the kill points are random: a seeded {@link Random} picks, per round, after how many streamed events the
 * next kill comes (the client that receives that event kills the server, so at least its stream is cut mid-way), and
 * each client's mix of streaming, non-streaming and new conversations. The seed is printed; {@code
 * -Dors.crash.seed=...} replays its choices (thread timing still varies). The assertions hold for every seed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CrashSafetyIT {

    private static final long SEED = Long.getLong("ors.crash.seed", System.nanoTime());
    private static final int SQLITE_ROUNDS = 5;
    private static final int POSTGRES_ROUNDS = 3;
    private static final int CLIENTS = 6;
    /** Whatever the timing, a round's load ends with a kill after this long. */
    private static final Duration LONGEST_ROUND = Duration.ofSeconds(15);

    /** The store's first query (jOOQ logs the dialect): from here the first start migrates and makes its key file. */
    private static final String STORE_OPENING = "Database version is supported";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static ScriptedChatServer upstream;
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startUpstream() {
        System.out.println("CrashSafetyIT seed " + SEED + " (replay its choices with -Dors.crash.seed=" + SEED + ")");
        upstream = ScriptedChatServer.start();
        // Streams of a few tens of milliseconds, so that a kill finds several of them open; correctness does not
        // depend on it.
        upstream.setDemoChunkDelay(Duration.ofMillis(2));
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

    @Test
    void sqliteLosesNothingAcrossKills(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("store").resolve("ors.db");
        Files.createDirectories(db.getParent());
        Crashes crashes = new Crashes("sqlite", dir, db.toString(), new SqliteStore(db, dir), SEED);
        crashes.run(SQLITE_ROUNDS);
        crashes.report();
    }

    @Test
    void postgresLosesNothingAcrossKills(@TempDir Path dir) throws Exception {
        if (postgres == null) {
            // As root, zonky runs initdb, pg_ctl and postgres under `unshare -U`, where they are not root.
            postgres = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "localhost")
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .start();
        }
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
                Statement statement = admin.createStatement()) {
            statement.execute("create database ors_crash");
        }
        String url = "postgresql://postgres:unused@localhost:" + postgres.getPort() + "/ors_crash";
        Crashes crashes = new Crashes(
                "postgresql", dir, url, new PostgresStore(postgres.getJdbcUrl("postgres", "ors_crash")), SEED + 1);
        crashes.run(POSTGRES_ROUNDS);
        crashes.report();
    }

    // ---- the rounds

    /** What a client sent: its text is unique, and names the request. */
    private record Sent(String text, String previousId) {}

    /** A response a client saw complete. */
    private record Acked(String id, String text, String previousId, String outputText) {}

    /** A stored response, as read from the database. */
    private record Stored(String id, String previousId, String inputText) {}

    private static final class Crashes {
        private final String name;
        private final Path dir;
        private final String databaseUrl;
        private final StoreChecks store;
        private final Random random;

        private final ConcurrentMap<String, Sent> sent = new ConcurrentHashMap<>();
        private final ConcurrentMap<String, Acked> acked = new ConcurrentHashMap<>();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        /** Each client's conversation, continued across rounds: the last response it saw complete. */
        private final String[] conversations = new String[CLIENTS];

        private final AtomicInteger streamsKilled = new AtomicInteger();
        private final AtomicInteger socketsKilled = new AtomicInteger();
        /** The responses of the streams the last kill cut after their {@code response.created}. */
        private final Set<String> cut = ConcurrentHashMap.newKeySet();

        private int cutAndAbsent;
        private final AtomicInteger requestsCutBeforeAnyEvent = new AtomicInteger();
        private final AtomicInteger blockingKilled = new AtomicInteger();
        private int kills;
        private int killsDuringStart;
        private int killsDuringStop;
        private String stopOutcome;
        private int storedUnacknowledged;
        private int continued;
        private final List<String> integrity = new ArrayList<>();
        private long startNanos;
        private long loadNanos;
        private long checkNanos;

        Crashes(String name, Path dir, String databaseUrl, StoreChecks store, long seed) {
            this.name = name;
            this.dir = dir;
            this.databaseUrl = databaseUrl;
            this.store = store;
            this.random = new Random(seed);
        }

        void run(int rounds) throws Exception {
            killDuringFirstStart();
            Set<String> checked = new HashSet<>();
            long t = System.nanoTime();
            ChildGateway gateway = start(dir, databaseUrl, "start 1");
            startNanos += System.nanoTime() - t;
            for (int round = 1; round <= rounds; round++) {
                t = System.nanoTime();
                load(gateway, round, round == rounds);
                kills++;
                loadNanos += System.nanoTime() - t;
                t = System.nanoTime();
                Map<String, Stored> stored = checkStore("after kill " + round);
                checkNanos += System.nanoTime() - t;
                t = System.nanoTime();
                gateway = start(dir, databaseUrl, "start " + (round + 1));
                startNanos += System.nanoTime() - t;
                assertNativeLibraryCopies(1);
                t = System.nanoTime();
                replay(gateway, stored, checked, round);
                checkNanos += System.nanoTime() - t;
            }
            // The last server: everything acknowledged in any round is still there, then a clean stop.
            ChildGateway last = gateway;
            List<Callable<Void>> reads = new ArrayList<>();
            for (Acked response : acked.values()) {
                reads.add(() -> {
                    assertRetrievable(last, response);
                    return null;
                });
            }
            inParallel(reads);
            gateway.stop();
            assertNativeLibraryCopies(0);
            checkStore("after the last stop");
            assertThat(failures)
                    .as("requests that failed while the server was up (seed %d)", SEED)
                    .isEmpty();
        }

        /**
         * SQLite's native library, extracted per run: a start removes the copies of killed runs, a clean stop its own
         * (on PostgreSQL there is none).
         */
        private void assertNativeLibraryCopies(int most) throws IOException {
            try (Stream<Path> files = Files.list(dir.resolve("tmp"))) {
                List<String> names = files.map(file -> file.getFileName().toString())
                        .filter(file -> file.startsWith(NativeLibraryDirectory.PREFIX) || file.startsWith("sqlite-"))
                        .toList();
                assertThat(names).as("copies of SQLite's native library").hasSizeLessThanOrEqualTo(most);
                assertThat(names).noneMatch(file -> file.startsWith("sqlite-"));
            }
        }

        /** Kills the first start while it opens the fresh store; the next start must not mind. */
        private void killDuringFirstStart() throws Exception {
            ChildGateway starting = launch(dir, databaseUrl, "start 0");
            starting.awaitLineOrListening(STORE_OPENING);
            // Not for ordering: the random point of the migration and the key file's making where the kill lands.
            Thread.sleep(random.nextInt(150));
            starting.kill();
            killsDuringStart++;
            checkStore("after the kill during the first start");
        }

        /**
         * Runs the clients until one of them kills the server after the round's number of streamed events. With
         * {@code duringStop}, that client asks the server to stop (SIGTERM) instead, and the SIGKILL follows a random
         * moment later, while it drains its open responses and closes its store (or once it has stopped).
         */
        private void load(ChildGateway gateway, int round, boolean duringStop) throws Exception {
            int killAfterEvents = 20 + random.nextInt(280);
            long stopToKillMillis = random.nextInt(400);
            AtomicInteger events = new AtomicInteger();
            AtomicBoolean killed = new AtomicBoolean();
            CountDownLatch kill = new CountDownLatch(1);
            Runnable killer = () -> {
                if (killed.compareAndSet(false, true)) {
                    if (duringStop) {
                        gateway.terminate();
                    } else {
                        gateway.kill();
                    }
                    kill.countDown();
                }
            };
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    Random choices = new Random(random.nextLong());
                    clients.execute(() -> {
                        try {
                            client(gateway, round, client, choices, events, killAfterEvents, killed, killer);
                        } catch (RuntimeException | Error e) {
                            failures.add("client " + client + " of round " + round + ": " + e);
                            throw e;
                        }
                    });
                }
                if (!kill.await(LONGEST_ROUND.toMillis(), TimeUnit.MILLISECONDS)) {
                    killer.run(); // a slow machine: the kill comes after a fixed time instead
                }
                if (duringStop) {
                    // Not for ordering: the random moment of the stop at which the kill lands.
                    Thread.sleep(stopToKillMillis);
                    killsDuringStop++;
                    stopOutcome = gateway.kill() == 137 ? "killed while stopping" : "had stopped before the kill";
                }
            } finally {
                clients.shutdown();
                assertThat(clients.awaitTermination(60, TimeUnit.SECONDS))
                        .as("the clients notice the kill")
                        .isTrue();
            }
        }

        private void client(
                ChildGateway gateway,
                int round,
                int client,
                Random choices,
                AtomicInteger events,
                int killAfterEvents,
                AtomicBoolean killed,
                Runnable killer) {
            for (int turn = 0; !killed.get(); turn++) {
                if (choices.nextInt(6) == 0) {
                    conversations[client] = null;
                }
                String text = "Round " + round + " client " + client + " turn " + turn
                        + " says the quick brown fox jumps over the lazy dog";
                String previous = conversations[client];
                sent.put(text, new Sent(text, previous));
                // Half of the turns streamed as Server-Sent Events, a quarter over a WebSocket, a quarter as JSON.
                int transport = choices.nextInt(4);
                boolean stream = transport != 3;
                try {
                    Acked response = switch (transport) {
                        case 0, 1 ->
                            stream(
                                    gateway,
                                    text,
                                    previous,
                                    body(text, previous, true),
                                    events,
                                    killAfterEvents,
                                    killed,
                                    killer);
                        case 2 -> socket(gateway, text, previous, events, killAfterEvents, killed, killer);
                        default -> blocking(gateway, text, previous, body(text, previous, false), killed);
                    };
                    if (response == null) {
                        return; // cut by the kill
                    }
                    acked.put(response.id(), response);
                    conversations[client] = response.id();
                } catch (IOException e) {
                    if (!killed.get()) {
                        failures.add(text + ": " + e);
                    } else if (stream) {
                        requestsCutBeforeAnyEvent.incrementAndGet();
                    } else {
                        blockingKilled.incrementAndGet();
                    }
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private Acked blocking(ChildGateway gateway, String text, String previous, String body, AtomicBoolean killed)
                throws IOException, InterruptedException {
            HttpResponse<String> reply = HTTP.send(post(gateway, body), HttpResponse.BodyHandlers.ofString(UTF_8));
            if (reply.statusCode() != 200) {
                if (!killed.get()) {
                    failures.add(text + ": " + reply.statusCode() + " " + reply.body());
                }
                return null;
            }
            JsonNode response = OrsJson.mapper().readTree(reply.body());
            if (!response.path("status").asText().equals("completed")) {
                failures.add(text + ": " + reply.body());
                return null;
            }
            return acked(response, text, previous);
        }

        /** Reads a stream to its terminal event (null when the kill cut it first). */
        private Acked stream(
                ChildGateway gateway,
                String text,
                String previous,
                String body,
                AtomicInteger events,
                int killAfterEvents,
                AtomicBoolean killed,
                Runnable killer)
                throws IOException, InterruptedException {
            HttpResponse<InputStream> reply = HTTP.send(post(gateway, body), HttpResponse.BodyHandlers.ofInputStream());
            Turn turn = new Turn(text, previous, events, killAfterEvents, killer);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(reply.body(), UTF_8))) {
                if (reply.statusCode() != 200) {
                    if (!killed.get()) {
                        failures.add(text + ": " + reply.statusCode());
                    }
                    return null;
                }
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data: {") && turn.accept(readJson(line.substring("data: ".length())))) {
                        return turn.result;
                    }
                }
            } catch (IOException e) {
                if (!killed.get() || !turn.created) {
                    throw e;
                }
            }
            return turn.cut(killed.get(), false);
        }

        /** The same turn over a WebSocket of its own (null when the kill cut it first). */
        private Acked socket(
                ChildGateway gateway,
                String text,
                String previous,
                AtomicInteger events,
                int killAfterEvents,
                AtomicBoolean killed,
                Runnable killer)
                throws IOException, InterruptedException {
            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            WebSocket.Listener listener = new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

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
                    messages.add(""); // the end, as an empty message
                    return null;
                }

                @Override
                public void onError(WebSocket webSocket, Throwable error) {
                    messages.add("");
                }
            };
            Map<String, Object> create = new LinkedHashMap<>();
            create.put("type", "response.create");
            create.put("model", "demo-model");
            create.put("input", text);
            if (previous != null) {
                create.put("previous_response_id", previous);
            }
            Turn turn = new Turn(text, previous, events, killAfterEvents, killer);
            WebSocket webSocket;
            try {
                webSocket = HTTP.newWebSocketBuilder()
                        .buildAsync(
                                URI.create(gateway.base().toString().replace("http:", "ws:") + "/responses"), listener)
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("cannot open a WebSocket", e);
            }
            try {
                webSocket
                        .sendText(OrsJson.mapper().writeValueAsString(create), true)
                        .get(30, TimeUnit.SECONDS);
                for (String message = messages.poll(30, TimeUnit.SECONDS);
                        message != null && !message.isEmpty();
                        message = messages.poll(30, TimeUnit.SECONDS)) {
                    if (turn.accept(readJson(message))) {
                        return turn.result;
                    }
                }
            } catch (ExecutionException | TimeoutException e) {
                if (!killed.get()) {
                    throw new IOException("cannot send on the WebSocket", e);
                }
            } finally {
                webSocket.abort();
            }
            return turn.cut(killed.get(), true);
        }

        /** One streamed turn's events, over SSE or a WebSocket: counted for the kill, and read for the outcome. */
        private final class Turn {
            private final String text;
            private final String previous;
            private final AtomicInteger events;
            private final int killAfterEvents;
            private final Runnable killer;
            boolean created;
            String id;
            Acked result;

            Turn(String text, String previous, AtomicInteger events, int killAfterEvents, Runnable killer) {
                this.text = text;
                this.previous = previous;
                this.events = events;
                this.killAfterEvents = killAfterEvents;
                this.killer = killer;
            }

            /** Takes an event; true when the turn is over ({@link #result}: its response if completed, else null). */
            boolean accept(JsonNode event) {
                switch (event.path("type").asText()) {
                    case "response.created" -> {
                        created = true;
                        id = event.path("response").path("id").asText();
                    }
                    case "response.completed" -> {
                        result = acked(event.path("response"), text, previous);
                        return true;
                    }
                    case "response.failed", "response.incomplete", "error" -> {
                        failures.add(text + ": " + event);
                        return true;
                    }
                    default -> {}
                }
                if (events.incrementAndGet() == killAfterEvents) {
                    killer.run();
                }
                return false;
            }

            /** The turn ended without its terminal event: null, counted, a failure unless the kill cut it. */
            Acked cut(boolean killed, boolean webSocket) {
                if (!killed) {
                    failures.add(text + ": the stream ended without a terminal event");
                } else if (created) {
                    streamsKilled.incrementAndGet();
                    if (webSocket) {
                        socketsKilled.incrementAndGet();
                    }
                    cut.add(id);
                } else {
                    requestsCutBeforeAnyEvent.incrementAndGet();
                }
                return null;
            }
        }

        private Acked acked(JsonNode response, String text, String previous) {
            assertThat(response.path("status").asText()).isEqualTo("completed");
            String output = outputText(response);
            if (!output.equals("You said: " + text)) {
                failures.add(text + ": answered " + output);
            }
            return new Acked(response.path("id").asText(), text, previous, output);
        }

        // ---- checks

        /**
         * The store as the kill (or stop) left it: sound, nothing acknowledged missing, nothing half-written. Returns
         * the stored responses.
         */
        private Map<String, Stored> checkStore(String when) throws Exception {
            StoreChecks.Snapshot snapshot = store.snapshot(when);
            integrity.add(when + ": " + snapshot.integrity());
            assertThat(snapshot.problems())
                    .as("database checks %s (seed %d)", when, SEED)
                    .isEmpty();
            Map<String, Stored> stored = snapshot.responses();

            Set<String> lost = new TreeSet<>(acked.keySet());
            lost.removeAll(stored.keySet());
            assertThat(lost)
                    .as("responses a client saw complete, missing %s (seed %d)", when, SEED)
                    .isEmpty();
            for (Stored response : stored.values()) {
                Sent request = sent.get(response.inputText());
                assertThat(request)
                        .as("the request of stored response %s (%s)", response.id(), response.inputText())
                        .isNotNull();
                assertThat(response.previousId())
                        .as("previous_response_id of %s", response.id())
                        .isEqualTo(request.previousId());
                if (response.previousId() != null) {
                    assertThat(stored)
                            .as("%s continues %s, which must be stored", response.id(), response.previousId())
                            .containsKey(response.previousId());
                }
            }
            return stored;
        }

        /** Through the restarted server: the responses stored by the round just killed, read back and continued. */
        private void replay(ChildGateway gateway, Map<String, Stored> stored, Set<String> checked, int round)
                throws Exception {
            List<Callable<String>> checks = new ArrayList<>();
            for (Stored response : stored.values()) {
                if (!checked.add(response.id())) {
                    continue;
                }
                Acked seen = acked.get(response.id());
                if (seen == null) {
                    storedUnacknowledged++;
                }
                checks.add(() -> replay(gateway, stored, response, seen, round));
            }
            // A stream the kill cut: its response is not there at all, unless it was stored whole just before.
            for (String id : cut) {
                if (!stored.containsKey(id)) {
                    HttpResponse<String> reply = HTTP.send(
                            HttpRequest.newBuilder(URI.create(gateway.base() + "/responses/" + id))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(UTF_8));
                    assertThat(reply.statusCode())
                            .as("GET %s: %s", id, reply.body())
                            .isEqualTo(404);
                    assertThat(readJson(reply.body()).at("/error/code").asText())
                            .isNotEmpty();
                    cutAndAbsent++;
                }
            }
            cut.clear();
            for (String continuation : inParallel(checks)) {
                checked.add(continuation);
                continued++;
            }
        }

        /** Reads back one stored response and continues it; returns the continuation's id. */
        private String replay(ChildGateway gateway, Map<String, Stored> stored, Stored response, Acked seen, int round)
                throws Exception {
            if (seen != null) {
                assertRetrievable(gateway, seen);
            }
            JsonNode items = getJson(gateway, "/responses/" + response.id() + "/input_items");
            assertThat(items.path("data")).hasSize(1);
            assertThat(text(items.path("data").path(0))).isEqualTo(response.inputText());

            String probe = "Check of " + response.id() + " after round " + round;
            sent.put(probe, new Sent(probe, response.id()));
            int mark = upstream.requestCount();
            HttpResponse<String> reply = HTTP.send(
                    post(gateway, body(probe, response.id(), false)), HttpResponse.BodyHandlers.ofString(UTF_8));
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            JsonNode continuation = OrsJson.mapper().readTree(reply.body());
            assertThat(outputText(continuation)).isEqualTo("You said: " + probe);
            assertThat(upstreamRequest(mark, probe).messageTexts())
                    .as("the conversation %s continues", response.id())
                    .containsExactlyElementsOf(conversation(stored, response.id(), probe));
            return continuation.path("id").asText();
        }

        private void assertRetrievable(ChildGateway gateway, Acked seen) throws Exception {
            JsonNode got = getJson(gateway, "/responses/" + seen.id());
            assertThat(got.path("id").asText()).isEqualTo(seen.id());
            assertThat(got.path("status").asText()).isEqualTo("completed");
            assertThat(outputText(got)).isEqualTo(seen.outputText());
            JsonNode previous = got.path("previous_response_id");
            assertThat(previous.isNull() || previous.isMissingNode() ? null : previous.asText())
                    .isEqualTo(seen.previousId());
        }

        /** The upstream messages a continuation of {@code id} with {@code probe} must carry. */
        private static List<String> conversation(Map<String, Stored> stored, String id, String probe) {
            List<String> reversed = new ArrayList<>();
            for (Stored link = stored.get(id); link != null; link = stored.get(link.previousId())) {
                reversed.add("assistant: You said: " + link.inputText());
                reversed.add("user: " + link.inputText());
                if (link.previousId() == null) {
                    break;
                }
            }
            List<String> messages = new ArrayList<>();
            for (int i = reversed.size() - 1; i >= 0; i--) {
                messages.add(reversed.get(i));
            }
            messages.add("user: " + probe);
            return messages;
        }

        void report() {
            String figures = String.format(
                    "CrashSafetyIT %s, seed %d: %d kills under load (the last %d %s, a SIGKILL after SIGTERM;"
                            + " +%d during the first start);"
                            + " streams killed mid-way %d (%d of them WebSocket turns; %d not stored, a 404 after the"
                            + " restart),"
                            + " requests cut before their first event %d,"
                            + " non-streaming requests killed %d; responses acknowledged %d, each found stored after"
                            + " its kill and every later one, lost 0; stored though unacknowledged %d; stored"
                            + " responses read back and continued %d; time in starts %d ms, under load %d ms,"
                            + " in checks %d ms; integrity: %s",
                    name,
                    SEED,
                    kills,
                    killsDuringStop,
                    stopOutcome,
                    killsDuringStart,
                    streamsKilled.get(),
                    socketsKilled.get(),
                    cutAndAbsent,
                    requestsCutBeforeAnyEvent.get(),
                    blockingKilled.get(),
                    acked.size(),
                    storedUnacknowledged,
                    continued,
                    TimeUnit.NANOSECONDS.toMillis(startNanos),
                    TimeUnit.NANOSECONDS.toMillis(loadNanos),
                    TimeUnit.NANOSECONDS.toMillis(checkNanos),
                    String.join("; ", integrity));
            System.out.println(figures);
            assertThat(acked).as("responses acknowledged").isNotEmpty();
            assertThat(streamsKilled.get()).as("streams killed mid-way").isPositive();
        }
    }

    // ---- the server in a child process

    private static ChildGateway start(Path dir, String databaseUrl, String name) throws Exception {
        return ChildGateway.start(dir, environment(databaseUrl), name);
    }

    private static ChildGateway launch(Path dir, String databaseUrl, String name) throws IOException {
        return ChildGateway.launch(dir, environment(databaseUrl), name);
    }

    private static Map<String, String> environment(String databaseUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("UPSTREAM_URL", upstream.baseUrl().toString());
        env.put("DATABASE_URL", databaseUrl);
        env.put("ORS_WEBSOCKET", "on");
        // The stop of the last round is killed within 0.4 s, long before a drain time would cancel (and store as
        // failed) the responses in progress: every stored response is completed.
        env.put("ORS_DRAIN_SECONDS", "10");
        return env;
    }

    // ---- the stores

    private interface StoreChecks {
        /** The stored responses and what is wrong with the database (nothing, when all is well). */
        record Snapshot(Map<String, Stored> responses, List<String> problems, String integrity) {}

        Snapshot snapshot(String when) throws Exception;
    }

    /** Reads and checks a SQLite store's files as they are, from a copy. */
    private static final class SqliteStore implements StoreChecks {
        private final Path db;
        private final Path dir;
        private int copies;

        SqliteStore(Path db, Path dir) {
            this.db = db;
            this.dir = dir;
        }

        @Override
        public Snapshot snapshot(String when) throws Exception {
            // A copy: opening the files would recover the WAL, which the restart is to do itself.
            Path copy = dir.resolve("check-" + ++copies).resolve("ors.db");
            Files.createDirectories(copy.getParent());
            for (String suffix : List.of("", "-wal", "-shm")) {
                Path file = Path.of(db + suffix);
                if (Files.exists(file)) {
                    Files.copy(file, Path.of(copy + suffix), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            if (!Files.exists(copy)) {
                return new Snapshot(Map.of(), List.of(), "no database file yet");
            }
            List<String> problems = new ArrayList<>();
            String integrity;
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy);
                    Statement statement = connection.createStatement()) {
                List<String> check = strings(statement, "pragma integrity_check");
                if (!check.equals(List.of("ok"))) {
                    problems.add("integrity_check: " + check);
                }
                List<String> foreignKeys = strings(statement, "pragma foreign_key_check");
                if (!foreignKeys.isEmpty()) {
                    problems.add("foreign_key_check: " + foreignKeys);
                }
                integrity = "integrity_check " + String.join(",", check) + ", foreign_key_check "
                        + (foreignKeys.isEmpty() ? "empty" : foreignKeys);
                Map<String, Stored> responses = rows(connection, problems);
                return new Snapshot(responses, problems, integrity + ", " + responses.size() + " responses");
            }
        }
    }

    /** Checks the PostgreSQL store in place: the killed gateway's transactions ended with its connections. */
    private static final class PostgresStore implements StoreChecks {
        private final String jdbcUrl;

        PostgresStore(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
        }

        @Override
        public Snapshot snapshot(String when) throws Exception {
            List<String> problems = new ArrayList<>();
            try (Connection connection = DriverManager.getConnection(jdbcUrl);
                    Statement statement = connection.createStatement()) {
                if (strings(statement, "select to_regclass('responses')::text").get(0) == null) {
                    return new Snapshot(Map.of(), List.of(), "no schema yet");
                }
                statement.execute("create extension if not exists amcheck");
                List<String> heap = strings(
                        statement,
                        "select c.relname || ' block ' || v.blkno || ': ' || v.msg from pg_class c,"
                                + " lateral verify_heapam(c.oid) v where c.relname in ('responses', 'items',"
                                + " 'schema_version')");
                problems.addAll(heap);
                List<String> indexes = strings(
                        statement,
                        "select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid"
                                + " join pg_class t on t.oid = i.indrelid"
                                + " where t.relname in ('responses', 'items', 'schema_version')");
                for (String index : indexes) {
                    // Raises an error on a corrupt index; heapallindexed also checks every row is indexed.
                    statement.execute("select bt_index_check('" + index + "'::regclass, true)");
                }
                Map<String, Stored> responses = rows(connection, problems);
                String integrity = "amcheck verify_heapam " + (heap.isEmpty() ? "clean" : heap) + ", bt_index_check"
                        + " (heapallindexed) clean on " + indexes.size() + " indexes, " + responses.size()
                        + " responses";
                return new Snapshot(responses, problems, integrity);
            }
        }
    }

    /** The stored responses, and every way in which one of them is half-written. */
    private static Map<String, Stored> rows(Connection connection, List<String> problems) throws SQLException {
        Map<String, Stored> responses = new LinkedHashMap<>();
        Map<String, List<String>> items = new HashMap<>();
        try (Statement statement = connection.createStatement()) {
            // The first start's migration is one transaction: its tables are all there, or none is.
            Set<String> tables = new TreeSet<>(strings(
                    statement,
                    connection.getMetaData().getDatabaseProductName().equals("SQLite")
                            ? "select name from sqlite_master where type = 'table'"
                            : "select tablename from pg_tables where schemaname = current_schema()"));
            tables.retainAll(Set.of("responses", "items", "schema_version"));
            if (tables.isEmpty()) {
                return responses;
            }
            if (tables.size() != 3) {
                problems.add("a schema half made: " + tables);
                return responses;
            }
            try (ResultSet row = statement.executeQuery(
                    "select response_id, kind, position, item_json from items order by response_id, kind, position")) {
                while (row.next()) {
                    items.computeIfAbsent(row.getString(1) + "/" + row.getString(2), k -> new ArrayList<>())
                            .add(row.getInt(3) + " " + row.getString(4));
                }
            }
            try (ResultSet row =
                    statement.executeQuery("select id, previous_response_id, status, response_json from responses")) {
                while (row.next()) {
                    String id = row.getString(1);
                    String previous = row.getString(2);
                    JsonNode json = readJson(row.getString(4));
                    if (!"completed".equals(row.getString(3))
                            || !json.path("status").asText().equals("completed")) {
                        problems.add(id + " is stored " + row.getString(3) + " / " + json.path("status"));
                    }
                    if (!json.path("id").asText().equals(id)) {
                        problems.add(id + " holds the JSON of " + json.path("id"));
                    }
                    JsonNode jsonPrevious = json.path("previous_response_id");
                    String fromJson = jsonPrevious.isTextual() ? jsonPrevious.asText() : null;
                    if (!java.util.Objects.equals(fromJson, previous)) {
                        problems.add(id + ": previous_response_id " + previous + " in its row, " + fromJson
                                + " in its JSON");
                    }
                    List<String> input = items.remove(id + "/input");
                    List<String> output = items.remove(id + "/output");
                    if (input == null || input.size() != 1 || !input.get(0).startsWith("0 ")) {
                        problems.add(id + " has input items " + input);
                        continue;
                    }
                    if (output == null || output.size() != 1 || !output.get(0).startsWith("0 ")) {
                        problems.add(id + " has output items " + output);
                        continue;
                    }
                    String inputText = text(readJson(input.get(0).substring(2)));
                    String outputText = text(readJson(output.get(0).substring(2)));
                    if (!outputText.equals("You said: " + inputText)) {
                        problems.add(id + " answers '" + inputText + "' with '" + outputText + "'");
                    }
                    responses.put(id, new Stored(id, previous, inputText));
                }
            }
        }
        if (!items.isEmpty()) {
            problems.add("items of no stored response: " + items.keySet());
        }
        return responses;
    }

    /** Runs the checks a few at a time, so that a round's checks take less time than its traffic made. */
    private static <T> List<T> inParallel(List<Callable<T>> checks) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> check : threads.invokeAll(checks)) {
                try {
                    results.add(check.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw (Exception) e.getCause();
                }
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    // ---- HTTP and JSON

    private static HttpRequest post(ChildGateway gateway, String body) {
        return HttpRequest.newBuilder(URI.create(gateway.base() + "/responses"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                .build();
    }

    private static JsonNode getJson(ChildGateway gateway, String path) throws Exception {
        HttpResponse<String> reply = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.base() + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
        assertThat(reply.statusCode()).as("GET %s: %s", path, reply.body()).isEqualTo(200);
        return OrsJson.mapper().readTree(reply.body());
    }

    private static String body(String input, String previous, boolean stream) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", "demo-model");
        body.put("input", input);
        body.put("stream", stream);
        if (previous != null) {
            body.put("previous_response_id", previous);
        }
        try {
            return OrsJson.mapper().writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readJson(String json) {
        try {
            return OrsJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String outputText(JsonNode response) {
        return text(response.path("output").path(0));
    }

    /** The text of a message item: its text parts joined. */
    private static String text(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asText()));
        return text.toString();
    }

    private static RecordedRequest upstreamRequest(int mark, String probe) {
        List<RecordedRequest> all = upstream.requests();
        for (RecordedRequest request : all.subList(mark, all.size())) {
            if (request.method().equals("POST") && request.body().contains(probe)) {
                return request;
            }
        }
        throw new AssertionError("no upstream request with " + probe);
    }

    private static List<String> strings(Statement statement, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet row = statement.executeQuery(sql)) {
            int columns = row.getMetaData().getColumnCount();
            while (row.next()) {
                StringBuilder value = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    if (i > 1) {
                        value.append('|');
                    }
                    value.append(row.getString(i));
                }
                values.add(columns == 1 ? row.getString(1) : value.toString());
            }
        }
        return values;
    }
}
