package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server, {@code target/ors-gateway.jar}, run as its users run it: {@code java -jar} in a child process,
 * configured by environment variables, stopped with SIGTERM. Runs in the integration-test phase, after {@code package}
 * made the jar (the build passes its path as {@code ors.jar}).
 */
@Timeout(120)
class StandaloneJarIT {

    private static final Pattern LISTENING =
            Pattern.compile("ORS Gateway listening on http://127\\.0\\.0\\.1:(\\d+)/v1/");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void theJarServesTheDemoModelAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path jar = jar();
        // No HOST and no keys: the default, loopback, where the server serves without authentication.
        Map<String, String> env = Map.of(
                "UPSTREAM_URL", "demo",
                "PORT", "0",
                "DATABASE_URL", dir.resolve("ors-gateway.db").toString());
        Process process = process(jar, dir, env);
        List<String> log = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> read(process, log, port), "jar-log");
        reader.setDaemon(true);
        reader.start();
        try {
            int listening = port.get(60, TimeUnit.SECONDS);
            assertThat(log).anyMatch(line -> line.contains("no authentication (loopback only"));
            URI base = URI.create("http://127.0.0.1:" + listening + "/v1");

            HttpResponse<String> reply = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/responses"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"demo\",\"input\":\"Hello from the jar\"}", UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(UTF_8));
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            JsonNode response = OrsJson.mapper().readTree(reply.body());
            assertThat(response.path("status").asText()).isEqualTo("completed");
            assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("You said: Hello from the jar");

            HttpResponse<String> health = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/health"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(UTF_8));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"ok\"");

            // The container's health check: the same jar in --health-check mode, against the running server.
            assertThat(healthCheck(jar, listening))
                    .as("--health-check against the running server")
                    .isZero();

            // SIGTERM, through the handle: Process.destroy() would also close our end of its output, and with it the
            // log lines of the shutdown.
            assertThat(process.toHandle().destroy()).isTrue();
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("the server exits after SIGTERM")
                    .isTrue();
            reader.join(10_000);
            assertThat(process.exitValue()).as(String.join("\n", log)).isIn(0, 143);
            assertThat(log)
                    .as("exit " + process.exitValue() + "\n" + String.join("\n", log))
                    .anyMatch(line -> line.contains("ORS Gateway stopped"));
            // The request's one line: its id, model, the upstream that served it and its tokens, never its text.
            assertThat(log)
                    .filteredOn(line -> line.contains("POST /v1/responses -> 200"))
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .contains(response.path("id").asText(), "model demo", "upstream default", "tokens ")
                            .doesNotContain("Hello from the jar", "You said"));
            assertThat(Files.exists(dir.resolve("ors-gateway.db"))).isTrue();
            assertThat(healthCheck(jar, listening))
                    .as("--health-check once it stopped")
                    .isEqualTo(1);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void onEveryAddressWithoutKeysTheJarRefusesToStartWithOneLineNamingWhatToSet(@TempDir Path dir) throws Exception {
        Process process = process(
                jar(),
                dir,
                Map.of(
                        "UPSTREAM_URL", "demo",
                        "PORT", "0",
                        "HOST", "0.0.0.0",
                        "DATABASE_URL", dir.resolve("ors-gateway.db").toString()));
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }

        assertThat(process.exitValue()).as(output).isEqualTo(2);
        assertThat(output)
                .contains("ORS Gateway cannot start: HOST=0.0.0.0 is reachable from other machines")
                .contains("ORS_API_KEYS", "ORS_AUTH=none")
                .doesNotContain("Exception", "\tat ", "listening");
        assertThat(Files.exists(dir.resolve("ors-gateway.db")))
                .as("nothing was started")
                .isFalse();
    }

    @Test
    void withOrsAuthNoneTheJarServesWithoutKeysAndWarnsSo(@TempDir Path dir) throws Exception {
        Process process = process(
                jar(),
                dir,
                Map.of(
                        "UPSTREAM_URL", "demo",
                        "PORT", "0",
                        "ORS_AUTH", "none",
                        "DATABASE_URL", dir.resolve("ors-gateway.db").toString()));
        List<String> log = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> read(process, log, port), "jar-log");
        reader.setDaemon(true);
        reader.start();
        try {
            int listening = port.get(60, TimeUnit.SECONDS);
            HttpResponse<String> reply = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listening + "/v1/responses"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\",\"input\":\"Hi\"}", UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(UTF_8));
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            // The warning comes before the start line.
            assertThat(log)
                    .as(String.join("\n", log))
                    .anyMatch(line -> line.contains("authentication OFF (ORS_AUTH=none)"))
                    .anyMatch(line -> line.contains("WARN") && line.contains("Authentication is off (ORS_AUTH=none)"));
        } finally {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** {@code java -jar jar} in {@code dir} with {@code env}, and none of the variables that would change its mode. */
    private static Process process(Path jar, Path dir, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(java(), "-jar", jar.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true);
        for (String name : List.of("ORS_CONFIG", "HOST", "ORS_API_KEYS", "ORS_AUTH", "METRICS_PORT")) {
            builder.environment().remove(name);
        }
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The exit status of {@code java -jar jar --health-check} for a server on {@code port} (bound to every address). */
    private static int healthCheck(Path jar, int port) throws IOException, InterruptedException {
        ProcessBuilder check = new ProcessBuilder(java(), "-jar", jar.toString(), "--health-check")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        check.environment().put("PORT", String.valueOf(port));
        check.environment().put("HOST", "0.0.0.0");
        Process process = check.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    private static void read(Process process, List<String> log, CompletableFuture<Integer> port) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                log.add(line);
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    port.complete(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IllegalStateException("the server exited before listening:\n" + log));
    }

    private static Path jar() {
        String path = System.getProperty("ors.jar");
        assumeTrue(path != null, "runs in the integration-test phase, where the build passes the jar's path");
        Path jar = Path.of(path);
        assertThat(jar).exists();
        return jar;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
