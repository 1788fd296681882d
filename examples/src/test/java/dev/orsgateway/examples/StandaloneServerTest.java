package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.examples.StandaloneServer.Settings;
import dev.orsgateway.examples.scripted.Script;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import dev.orsgateway.transcoder.TranscoderOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server's own behaviour, beyond the servlet's: how it stops, its health check. */
@Timeout(60)
class StandaloneServerTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void stoppingLetsAnOpenStreamFinishThenRefusesNewConnections(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start()) {
            // Eight deltas 100 ms apart: the stream is still open when the stop begins, and ends well within the
            // server's 5 s grace period.
            upstream.enqueue(Script.text("one ", "two ", "three ", "four ", "five ", "six ", "seven ", "eight")
                    .chunkDelay(Duration.ofMillis(100)));
            StandaloneServer server = StandaloneServer.start(new Settings(
                    upstream.baseUrl().toString(),
                    null,
                    "jdbc:sqlite:" + dir.resolve("ors.db"),
                    "127.0.0.1",
                    0,
                    List.of(),
                    null,
                    Duration.ofSeconds(5)));
            URI responses = URI.create("http://127.0.0.1:" + server.port() + "/v1/responses");

            HttpResponse<InputStream> response = HTTP.send(
                    post(responses, "{\"model\":\"m\",\"input\":\"Count\",\"stream\":true}"),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            List<String> lines = new ArrayList<>();
            CompletableFuture<Void> stopped = null;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                    if (stopped == null && line.equals("event: response.output_text.delta")) {
                        stopped = CompletableFuture.runAsync(server::close);
                    }
                }
            }
            assertThat(stopped).as("the stream carried a text delta").isNotNull();
            stopped.get();

            assertThat(lines).contains("event: response.completed", "data: [DONE]");
            assertThat(lines.stream().filter(line -> line.startsWith("data: {\"type\":\"response.output_text.done\"")))
                    .singleElement()
                    .asString()
                    .contains("\"text\":\"one two three four five six seven eight\"");
            assertThatThrownBy(() -> HTTP.send(
                            post(responses, "{\"model\":\"m\",\"input\":\"Again\"}"),
                            HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aStreamStillOpenAtTheEndOfTheDrainTimeEndsWithItsTerminalEventsAndTheServerStops(@TempDir Path dir)
            throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start()) {
            // Two chunks, then the upstream hangs: the stream cannot finish on its own.
            upstream.enqueue(Script.stallAfter(2));
            Duration drainTime = Duration.ofSeconds(2);
            StandaloneServer server = StandaloneServer.start(settings(upstream, dir, null, null), drainTime);
            int port = server.port();
            URI responses = URI.create("http://127.0.0.1:" + port + "/v1/responses");

            HttpResponse<InputStream> response = HTTP.send(
                    post(responses, "{\"model\":\"m\",\"input\":\"Count\",\"stream\":true}"),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            List<String> lines = new ArrayList<>();
            CompletableFuture<Void> stopped = null;
            long stopBegan = 0;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                    if (stopped == null && line.equals("event: response.output_text.delta")) {
                        stopBegan = System.nanoTime();
                        stopped = CompletableFuture.runAsync(server::close);
                        // The listening socket closes as the stop begins, while the stream is still open.
                        assertThat(refusedWithin(port, Duration.ofSeconds(1)))
                                .as("a new connection is refused once the stop began")
                                .isTrue();
                        assertThat(stopped).as("still draining").isNotDone();
                    }
                }
            }
            assertThat(stopped).as("the stream carried a text delta").isNotNull();
            stopped.get(20, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - stopBegan)).isGreaterThanOrEqualTo(drainTime);

            // The stream ends as any upstream failure after output does: error, response.failed, [DONE].
            assertThat(lines).containsSubsequence("event: error", "event: response.failed", "data: [DONE]");
            assertThat(lines).doesNotContain("event: response.completed");
            String failed = lines.get(lines.indexOf("event: response.failed") + 1);
            JsonNode failedResponse = OrsJson.mapper()
                    .readTree(failed.substring("data: ".length()))
                    .path("response");
            assertThat(failedResponse.path("status").asText()).isEqualTo("failed");
            assertThat(failedResponse.at("/error/code").asText()).isEqualTo("server_shutting_down");
            String error = lines.get(lines.indexOf("event: error") + 1);
            assertThat(OrsJson.mapper()
                            .readTree(error.substring("data: ".length()))
                            .at("/error/code")
                            .asText())
                    .isEqualTo("server_shutting_down");
            assertThatThrownBy(() -> HTTP.send(
                            post(responses, "{\"model\":\"m\",\"input\":\"Again\"}"),
                            HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void byDefaultItBindsLoopbackAndServesWithoutKeys(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start()) {
            upstream.enqueue(Script.text("Hi."));
            Settings settings = Settings.fromEnvironment(Map.of(
                    "UPSTREAM_URL", upstream.baseUrl().toString(),
                    "PORT", "0",
                    "DATABASE_URL", dir.resolve("ors.db").toString()));
            assertThat(settings.host()).isEqualTo("127.0.0.1");
            assertThat(settings.authenticationSummary(0)).startsWith("no authentication (loopback only");
            try (StandaloneServer server = StandaloneServer.start(settings)) {
                HttpResponse<String> reply = HTTP.send(
                        post(uri(server, "/responses"), "{\"model\":\"m\",\"input\":\"Hello\"}"),
                        HttpResponse.BodyHandlers.ofString(UTF_8));
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
                // The container's health check finds it with the same (default) environment.
                assertThat(HealthCheck.run(Map.of("PORT", String.valueOf(server.port())), System.err))
                        .isZero();
            }
        }
    }

    @Test
    void onAnAddressReachableFromOtherMachinesItRefusesToStartWithoutKeys(@TempDir Path dir) throws Exception {
        for (String host : List.of("0.0.0.0", "::", "[::]")) {
            Settings settings = Settings.fromEnvironment(Map.of(
                    "UPSTREAM_URL",
                    "demo",
                    "HOST",
                    host,
                    "PORT",
                    "0",
                    "DATABASE_URL",
                    dir.resolve("ors.db").toString()));
            assertThatThrownBy(() -> StandaloneServer.start(settings))
                    .as(host)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is reachable from other machines")
                    .hasMessageContaining("set ORS_API_KEYS")
                    .hasMessageContaining("ORS_AUTH=none")
                    .hasMessageContaining("HOST=127.0.0.1");
        }
        assertThat(Files.exists(dir.resolve("ors.db")))
                .as("nothing was started")
                .isFalse();
        for (String host : List.of("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]")) {
            assertThat(Settings.isLoopback(host)).as(host).isTrue();
        }
        for (String host : List.of("0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "", "no-such-host.invalid")) {
            assertThat(Settings.isLoopback(host)).as(host).isFalse();
        }
    }

    @Test
    void onEveryAddressWithKeysItStartsAndAsksForAKey(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start()) {
            upstream.enqueue(Script.text("Hi."));
            Settings settings = Settings.fromEnvironment(Map.of(
                    "UPSTREAM_URL", upstream.baseUrl().toString(),
                    "HOST", "0.0.0.0",
                    "PORT", "0",
                    "ORS_API_KEYS", "key-1, key-2",
                    "DATABASE_URL", dir.resolve("ors.db").toString()));
            assertThat(settings.authenticationSummary(2)).isEqualTo("authentication on (2 API keys)");
            try (StandaloneServer server = StandaloneServer.start(settings)) {
                String body = "{\"model\":\"m\",\"input\":\"Hello\"}";
                HttpResponse<String> refused =
                        HTTP.send(post(uri(server, "/responses"), body), HttpResponse.BodyHandlers.ofString(UTF_8));
                assertThat(refused.statusCode()).isEqualTo(401);
                HttpResponse<String> reply = HTTP.send(
                        HttpRequest.newBuilder(uri(server, "/responses"))
                                .timeout(Duration.ofSeconds(20))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer key-2")
                                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(UTF_8));
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void withOrsAuthNoneItStartsOnEveryAddressWithoutKeys(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start()) {
            upstream.enqueue(Script.text("Hi."));
            Settings settings = Settings.fromEnvironment(Map.of(
                    "UPSTREAM_URL", upstream.baseUrl().toString(),
                    "HOST", "0.0.0.0",
                    "PORT", "0",
                    "ORS_AUTH", "none",
                    "DATABASE_URL", dir.resolve("ors.db").toString()));
            assertThat(settings.noAuthentication()).isTrue();
            assertThat(settings.authenticationSummary(0)).isEqualTo("authentication OFF (ORS_AUTH=none)");
            try (StandaloneServer server = StandaloneServer.start(settings)) {
                HttpResponse<String> reply = HTTP.send(
                        post(uri(server, "/responses"), "{\"model\":\"m\",\"input\":\"Hello\"}"),
                        HttpResponse.BodyHandlers.ofString(UTF_8));
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            }
        }
    }

    /**
     * The standalone server's own Jetty (its connector, its graceful handler): a 40 MB body, over the 32 MiB limit,
     * written whole before anything is read, gets the 413 every time, with a declared length and chunked.
     */
    @Test
    void anOversizedBodyWrittenBeforeReadingGetsThe413(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start();
                StandaloneServer server = StandaloneServer.start(settings(upstream, dir, null, null))) {
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) 'x');
            int size = 40 * 1000 * 1000;
            for (int round = 0; round < 10; round++) {
                boolean chunked = round % 2 == 1;
                try (Socket socket = new Socket()) {
                    socket.setSoTimeout(20_000);
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n")
                                    + "\r\n")
                            .getBytes(UTF_8));
                    for (int written = 0; written < size; written += block.length) {
                        int n = Math.min(block.length, size - written);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(UTF_8));
                        }
                        out.write(block, 0, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(UTF_8));
                        }
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(UTF_8));
                    }
                    out.flush();
                    String answer = new String(socket.getInputStream().readAllBytes(), UTF_8);
                    assertThat(answer).as("round " + round).startsWith("HTTP/1.1 413 ");
                    JsonNode body = OrsJson.mapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
                    assertThat(body.at("/error/code").asText()).isEqualTo("request_too_large");
                }
            }
            assertThat(upstream.requests()).isEmpty();
        }
    }

    @Test
    void orsAuthTakesNoneOnlyAndNotWithKeys() {
        assertThat(Settings.fromEnvironment(Map.of("ORS_AUTH", " None ")).noAuthentication())
                .isTrue();
        assertThat(Settings.fromEnvironment(Map.of()).noAuthentication()).isFalse();
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("ORS_AUTH", "off")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ORS_AUTH must be 'none'");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("ORS_AUTH", "none", "ORS_API_KEYS", "k")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ORS_AUTH=none and API keys (ORS_API_KEYS or ORS_API_KEYS_FILE) are both set");
    }

    @Test
    void theDrainTimeIsReadFromOrsDrainSeconds() {
        assertThat(StandaloneServer.drainTime(Map.of())).isEqualTo(StandaloneServer.DEFAULT_DRAIN_TIME);
        assertThat(StandaloneServer.drainTime(Map.of("ORS_DRAIN_SECONDS", "30")))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(StandaloneServer.drainTime(Map.of("ORS_DRAIN_SECONDS", "0"))).isZero();
        assertThatThrownBy(() -> StandaloneServer.drainTime(Map.of("ORS_DRAIN_SECONDS", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ORS_DRAIN_SECONDS");
        assertThatThrownBy(() -> StandaloneServer.drainTime(Map.of("ORS_DRAIN_SECONDS", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ORS_DRAIN_SECONDS");
    }

    @Test
    void theHealthCheckModeAsksTheConfiguredServer(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start()) {
            StandaloneServer server = StandaloneServer.start(settings(upstream, dir, null, null));
            int port = server.port();
            try {
                assertThat(HealthCheck.run(Map.of("PORT", String.valueOf(port), "HOST", "0.0.0.0"), System.err))
                        .isZero();
                assertThat(HealthCheck.run(Map.of("PORT", String.valueOf(port), "HOST", "127.0.0.1"), System.err))
                        .isZero();
                assertThat(HealthCheck.run(Map.of("PORT", "not-a-port"), System.err))
                        .isEqualTo(1);
            } finally {
                server.close();
            }
            assertThat(HealthCheck.run(Map.of("PORT", String.valueOf(port)), System.err))
                    .as("nothing listens there any more")
                    .isEqualTo(1);
        }
    }

    /** Whether a connection to {@code port} on loopback is refused, trying until {@code within} passes. */
    private static boolean refusedWithin(int port, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (SocketException e) {
                // Refused, or reset: a connection still in the backlog when the listening socket closed.
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - deadline < 0);
        return false;
    }

    @Test
    void aCompactionStaysReadableAfterARestartWithTheKeyMadeBesideTheDatabase(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer upstream = ScriptedChatServer.start()) {
            upstream.enqueue(Script.text("Ada likes tea."));
            Settings settings = settings(upstream, dir, null, null);
            String compacted;
            StandaloneServer first = StandaloneServer.start(settings);
            try {
                HttpResponse<String> reply = HTTP.send(
                        post(
                                uri(first, "/responses/compact"),
                                "{\"model\":\"m\",\"input\":["
                                        + "{\"role\":\"user\",\"content\":\"I like tea.\"},"
                                        + "{\"role\":\"user\",\"content\":\"Remember it.\"}]}"),
                        HttpResponse.BodyHandlers.ofString(UTF_8));
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
                compacted =
                        OrsJson.mapper().readTree(reply.body()).path("output").toString();
                assertThat(upstream.takeRequest()
                                .json()
                                .at("/messages/0/content")
                                .asText())
                        .contains("user: I like tea.");
            } finally {
                first.close();
            }
            Path keyFile = dir.resolve("ors.db.compaction-key");
            assertThat(Files.getPosixFilePermissions(keyFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            String continuation = "{\"model\":\"m\",\"input\":" + compacted + "}";

            upstream.enqueue(Script.text("You like tea."));
            StandaloneServer second = StandaloneServer.start(settings);
            try {
                HttpResponse<String> reply = HTTP.send(
                        post(uri(second, "/responses"), continuation), HttpResponse.BodyHandlers.ofString(UTF_8));
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
                assertThat(upstream.takeRequest()
                                .json()
                                .at("/messages/0/content")
                                .asText())
                        .isEqualTo("Summary of the earlier conversation, compacted:\n\nAda likes tea.");
            } finally {
                second.close();
            }

            // Another key (given in the environment's way) cannot read it.
            byte[] other = new byte[32];
            other[0] = 1;
            StandaloneServer third = StandaloneServer.start(
                    settings(upstream, dir, Base64.getEncoder().encodeToString(other), null));
            try {
                HttpResponse<String> reply = HTTP.send(
                        post(uri(third, "/responses"), continuation), HttpResponse.BodyHandlers.ofString(UTF_8));
                assertThat(reply.statusCode()).isEqualTo(400);
                assertThat(reply.body()).contains("invalid_encrypted_content");
            } finally {
                third.close();
            }
            assertThatThrownBy(() -> StandaloneServer.start(settings(upstream, dir, "c2hvcnQ=", null)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ORS_COMPACTION_KEY");
        }
    }

    private static Settings settings(ScriptedChatServer upstream, Path dir, String key, Path keyFile) {
        return new Settings(
                upstream.baseUrl().toString(),
                null,
                "jdbc:sqlite:" + dir.resolve("ors.db"),
                "127.0.0.1",
                0,
                List.of(),
                null,
                Duration.ofSeconds(5),
                Settings.DEFAULT_MAX_CONCURRENT_RESPONSES,
                Settings.DEFAULT_MAX_CONNECTIONS,
                Settings.DEFAULT_CONTAINER_THREADS,
                "jdk",
                TranscoderOptions.HostedTools.DROP,
                key,
                keyFile);
    }

    private static URI uri(StandaloneServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + "/v1" + path);
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                .build();
    }
}
