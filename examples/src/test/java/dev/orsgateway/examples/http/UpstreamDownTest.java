package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With the upstream down (a closed port on 127.0.0.1), a request fails fast with a 502 that names the upstream. */
@Timeout(30)
class UpstreamDownTest {

    private static final int CLOSED_PORT = closedPort();
    private static final String UPSTREAM = "127.0.0.1:" + CLOSED_PORT;

    @RegisterExtension
    static final LiveGateway gateway =
            LiveGateway.withSettings(dir -> LiveGateway.settings(dir, "http://" + UPSTREAM + "/v1"));

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Far below the 5 s connect timeout: a refused connection must not wait for it. */
    private static final Duration FAST = Duration.ofSeconds(3);

    @Test
    void aRequestFailsFastWith502NamingTheUpstream() throws Exception {
        assertBadGateway("{\"model\":\"m\",\"input\":\"Hello?\"}");
    }

    @Test
    void aStreamingRequestFailsFastWith502BeforeAnyEvent() throws Exception {
        // Nothing was streamed yet, so the failure is a plain JSON error with its own status, not an event stream.
        assertBadGateway("{\"model\":\"m\",\"input\":\"Hello?\",\"stream\":true}");
    }

    private static void assertBadGateway(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                .build();

        long started = System.nanoTime();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(FAST);
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode error = OrsJson.mapper().readTree(response.body()).path("error");
        assertThat(error.path("message").asText()).contains(UPSTREAM);
        assertThat(error.path("type").asText()).isNotEmpty();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
