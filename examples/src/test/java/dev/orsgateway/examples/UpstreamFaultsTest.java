package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.FakeChatServer;
import dev.orsgateway.core.testing.UpstreamFixtures;
import dev.orsgateway.examples.FaultProxy.Fault;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The standalone server, its upstream reached through a {@link FaultProxy} that breaks responses on purpose (latency
 * spikes, resets mid-stream, half-open connections, a slowloris upstream, a 5xx storm), with healthy streams running
 * alongside, over both upstream transports. Every client gets a terminal answer (the response completed; {@code error}
 * then {@code response.failed}; or an HTTP error in the spec's shape before any output), the healthy streams complete,
 * and the gateway closes every connection whose response it gave up. Timeouts are short (a 2 s read timeout: shorter
 * ones cut healthy streams on a loaded 2-core machine) and retries off, so each round takes about 2.5 s; the heap
 * after GC before and after the faulted rounds is printed and only guarded against a leak ({@code
 * -Dors.faults.rounds=N} runs more rounds).
 */
class UpstreamFaultsTest {

    /** Content chunks per upstream response, 5 ms apart. */
    private static final int EVENTS = 60;

    private static final Duration READ_TIMEOUT = Duration.ofMillis(2000);
    private static final Duration FIRST_BYTE_TIMEOUT = Duration.ofMillis(1000);
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Streams of each kind per round; the healthy ones run alongside the faulted ones. */
    private static final Map<Fault, Integer> MIX = Map.of(
            Fault.NONE, 8,
            Fault.LATENCY, 4,
            Fault.RESET, 4,
            Fault.HALF_OPEN, 4,
            Fault.SILENT, 3,
            Fault.SLOWLORIS, 3,
            Fault.SLOWLORIS_MID_STREAM, 3,
            Fault.STORM_5XX, 6);

    private static final int ROUNDS = Integer.getInteger("ors.faults.rounds", 2);

    @TempDir
    Path dir;

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "okhttp"})
    void everyFaultedStreamEndsAndFreesItsConnectionWhileHealthyStreamsGoOn(String transport) throws Exception {
        int eventBytes = UpstreamFixtures.contentEvent(0, null).length();
        try (FakeChatServer upstream = FakeChatServer.start();
                FaultProxy proxy = new FaultProxy(upstream.port(), 6 * eventBytes, 150, 100)) {
            upstream.dispatch(request -> FakeChatServer.Reply.sse(UpstreamFixtures.contentStream(EVENTS))
                    .throttle(eventBytes, 5));
            StandaloneServer server = start(transport, proxy);
            try {
                URI responses = URI.create("http://127.0.0.1:" + server.port() + "/v1/responses");

                round(responses); // warm-up: classes loaded, pools filled
                awaitTrue(() -> proxy.openFaulted() == 0, "faulted connections closed after the warm-up");
                long before = heapAfterGc();

                int streams = 0;
                for (int i = 0; i < ROUNDS; i++) {
                    streams += round(responses);
                    // Each dead upstream connection is freed by the gateway (the proxy sees it close its end).
                    awaitTrue(() -> proxy.openFaulted() == 0, "faulted connections closed, open: " + proxy.open());
                }
                awaitTrue(() -> server.gateway().responsesInProgress() == 0, "no response left in progress");
                long after = heapAfterGc();

                // The gateway goes on serving.
                Outcome last = stream(responses, "m", Fault.NONE).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertCompleted(last);

                System.out.printf(
                        "UpstreamFaultsTest[%s]: %d rounds, %d streams, faults injected %s, connections opened %d,"
                                + " open after the test %s (faulted: %d), heap after GC %.1f MB before, %.1f MB after"
                                + " (%+.1f MB)%n",
                        transport,
                        ROUNDS + 1,
                        streams + streams / ROUNDS,
                        proxy.injected(),
                        proxy.linkCount(),
                        proxy.open(),
                        proxy.openFaulted(),
                        before / 1e6,
                        after / 1e6,
                        (after - before) / 1e6);
                assertThat(proxy.openFaulted()).isZero();
                // A leak guard, far above what the faulted rounds hold (a few MB): every stream's state must go.
                assertThat(after - before).as("heap growth").isLessThan(64L * 1024 * 1024);
            } finally {
                server.close();
            }
            // With the server closed, its pooled connections are closed too; the JDK client closes its idle ones only
            // from Java 21 on (HttpClient.shutdownNow), before that when it is collected or their keep-alive ends.
            if (transport.equals("okhttp") || Runtime.version().feature() >= 21) {
                awaitTrue(() -> proxy.open().isEmpty(), "every connection closed after the server stopped");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "okhttp"})
    void aClientThatNeverReadsFreesItsUpstreamConnectionAfterTheWriteTimeout(String transport) throws Exception {
        try (FakeChatServer upstream = FakeChatServer.start();
                FaultProxy proxy = new FaultProxy(upstream.port(), 0, 0, 0)) {
            // About 8 MB of events written at once: far more than every buffer on the way holds.
            upstream.enqueue(FakeChatServer.Reply.sse(UpstreamFixtures.contentStream(40_000)));
            // Jetty's idle timeout (30 s) is beyond this test's waits, and the read timeout is long (a stream held
            // back by its client is not the upstream's silence anyway): the gateway's write timeout is what acts.
            StandaloneServer server =
                    start(transport, proxy.port(), Duration.ofMinutes(1), Map.of("ORS_WRITE_TIMEOUT_MS", "300"));
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.setReceiveBufferSize(32 * 1024);
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), (int) WAIT.toMillis());
                byte[] json = "{\"model\":\"m\",\"input\":\"Talk.\",\"stream\":true}".getBytes(UTF_8);
                var out = socket.getOutputStream();
                out.write(("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + json.length + "\r\n\r\n")
                        .getBytes(UTF_8));
                out.write(json);
                out.flush();
                // ... and never reads. Once every buffer on the way is full the gateway's write stays blocked; after
                // the write timeout it gives the stream up and closes its upstream connection.
                awaitTrue(() -> proxy.linkCount() == 1, "the upstream call");
                awaitTrue(
                        () -> proxy.open().isEmpty(),
                        "the upstream connection closed while the client kept its own open");
                awaitTrue(() -> server.gateway().responsesInProgress() == 0, "no response left in progress");
                assertThat(socket.isClosed()).isFalse();
            } finally {
                server.close();
            }
        }
    }

    /** Runs one round of the mix at once and checks each outcome; returns how many streams ran. */
    private int round(URI responses) throws Exception {
        List<Fault> kinds = new ArrayList<>();
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        MIX.forEach((fault, count) -> {
            for (int i = 0; i < count; i++) {
                kinds.add(fault);
                outcomes.add(stream(responses, fault == Fault.SLOWLORIS ? "guarded" : "m", fault));
            }
        });
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome outcome = outcomes.get(i).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            switch (kinds.get(i)) {
                case NONE, LATENCY -> assertCompleted(outcome);
                case RESET, HALF_OPEN, SLOWLORIS_MID_STREAM -> assertFailedMidStream(outcome);
                case SILENT, SLOWLORIS -> assertHttpError(outcome, 504);
                case STORM_5XX -> assertHttpError(outcome, 503);
                default -> throw new AssertionError(kinds.get(i));
            }
        }
        return outcomes.size();
    }

    private StandaloneServer start(String transport, FaultProxy proxy) throws Exception {
        return start(transport, proxy.port(), READ_TIMEOUT, Map.of());
    }

    private StandaloneServer start(String transport, int upstreamPort, Duration readTimeout, Map<String, String> more)
            throws Exception {
        Path config = dir.resolve("routing-" + transport + ".yaml");
        Files.writeString(
                config, """
                upstreams:
                  faulty:
                    url: http://127.0.0.1:%d/v1
                    transport: %s
                    connect_timeout: 2s
                    read_timeout: %dms
                routes:
                  - model: guarded
                    to: [faulty]
                    first_byte_timeout: %dms
                  - model: "*"
                    to: [faulty]
                retry:
                  retries: 0
                """.formatted(upstreamPort, transport, readTimeout.toMillis(), FIRST_BYTE_TIMEOUT.toMillis()));
        Map<String, String> env = new java.util.HashMap<>(more);
        env.put("ORS_CONFIG", config.toString());
        env.put("HOST", "127.0.0.1");
        env.put("PORT", "0");
        env.put("DATABASE_URL", dir.resolve("ors-" + transport + ".db").toString());
        return StandaloneServer.start(StandaloneServer.Settings.fromEnvironment(env), Duration.ZERO);
    }

    /** One streamed request whose user text carries the fault's marker. */
    private CompletableFuture<Outcome> stream(URI responses, String model, Fault fault) {
        String input = fault == Fault.NONE ? "Tell me something." : "Tell me something. " + fault.marker();
        String body = "{\"model\":\"" + model + "\",\"input\":\"" + input + "\",\"stream\":true}";
        HttpRequest request = HttpRequest.newBuilder(responses)
                .timeout(WAIT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString(UTF_8))
                .thenApply(response -> new Outcome(
                        fault,
                        response.statusCode(),
                        response.headers().firstValue("Content-Type").orElse(""),
                        response.body()));
    }

    private record Outcome(Fault fault, int status, String contentType, String body) {
        List<String> eventTypes() {
            return body.lines()
                    .filter(line -> line.startsWith("event: "))
                    .map(line -> line.substring(7))
                    .toList();
        }
    }

    private static void assertCompleted(Outcome outcome) {
        assertThat(outcome.status()).as("%s", outcome).isEqualTo(200);
        List<String> types = outcome.eventTypes();
        assertThat(types).as("%s", outcome).endsWith("response.completed");
        assertThat(types.stream().filter("response.output_text.delta"::equals)).hasSize(EVENTS);
        assertThat(outcome.body()).endsWith("data: [DONE]\n\n");
    }

    private static void assertFailedMidStream(Outcome outcome) {
        assertThat(outcome.status()).as("%s", outcome).isEqualTo(200);
        List<String> types = outcome.eventTypes();
        assertThat(types)
                .as("%s", outcome)
                .contains("response.output_text.delta")
                .endsWith("error", "response.failed");
        assertThat(outcome.body()).endsWith("data: [DONE]\n\n");
    }

    private static void assertHttpError(Outcome outcome, int status) throws Exception {
        assertThat(outcome.status()).as("%s", outcome).isEqualTo(status);
        assertThat(outcome.contentType()).startsWith("application/json");
        JsonNode error = OrsJson.mapper().readTree(outcome.body()).get("error");
        assertThat(error).as("%s", outcome).isNotNull();
        for (String field : List.of("type", "code", "message", "param")) {
            assertThat(error.has(field)).as("error.%s in %s", field, outcome).isTrue();
        }
        assertThat(error.get("message").asText()).isNotBlank();
    }

    /** Polls {@code condition} (every 20 ms, up to {@link #WAIT}): what it waits for has no event of its own. */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50); // lets reference processing finish between collections
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
