package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.examples.StandaloneServer.Settings;
import dev.orsgateway.examples.scripted.Script;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server's own behaviour, beyond the servlet's: how it stops. */
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

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                .build();
    }
}
