package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.examples.StandaloneServer.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code METRICS_PORT}: Prometheus text of the gateway's responses and the JVM, on a port of its own. */
@Timeout(60)
class MetricsTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    @Test
    void aResponseShowsUpInThePrometheusText() throws Exception {
        Settings settings = Settings.fromEnvironment(Map.of(
                "UPSTREAM_URL", "demo",
                "PORT", "0",
                "HOST", "127.0.0.1",
                "DATABASE_URL", dir.resolve("ors.db").toString(),
                "METRICS_PORT", "0"));
        try (StandaloneServer server = StandaloneServer.start(settings)) {
            assertThat(server.metricsPort()).isPositive().isNotEqualTo(server.port());
            HttpResponse<String> answer = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/responses"))
                            .timeout(Duration.ofSeconds(20))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"demo-model\",\"input\":\"Hello\",\"stream\":true}", UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(UTF_8));
            assertThat(answer.body()).contains("event: response.completed");

            HttpResponse<String> scrape = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString(UTF_8));

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
            String text = scrape.body();
            assertThat(text)
                    .containsPattern("ors_responses_total\\{[^}]*model=\"demo-model\"[^}]*status=\"completed\""
                            + "[^}]*stream=\"true\"[^}]*upstream=\"default\"[^}]*\\} 1\\.0")
                    .containsPattern("ors_response_ttft_seconds_count\\{[^}]*model=\"demo-model\"[^}]*\\} 1")
                    .containsPattern("ors_tokens_total\\{[^}]*direction=\"output\"[^}]*\\} [1-9]")
                    .containsPattern("ors_store_duration_seconds_count\\{outcome=\"stored\"\\} 1")
                    .contains("ors_responses_open 0.0")
                    .contains("jvm_memory_used_bytes");
        }
    }
}
