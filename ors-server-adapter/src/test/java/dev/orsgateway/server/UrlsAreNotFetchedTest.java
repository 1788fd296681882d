package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.ScriptedUpstream;
import dev.orsgateway.transcoder.ChatTranscoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SSRF: the gateway never fetches a URL a client sends. An {@code image_url} pointing at a loopback server goes to the
 * upstream as the same string, and that server sees no request; a {@code file_url} (which Chat Completions has no form
 * for) is refused with a 400, again without a fetch.
 */
class UrlsAreNotFetchedTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer internal;
    private ServletContainer.Running server;
    private HttpClient client;
    private String secretUrl;

    @BeforeEach
    void start() throws Exception {
        internal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        internal.createContext("/", exchange -> {
            fetches.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        internal.start();
        secretUrl = "http://127.0.0.1:" + internal.getAddress().getPort() + "/latest/meta-data/iam";
        OrsGateway gateway = OrsGateway.builder()
                .transcoder(ChatTranscoder.create())
                .upstream(upstream)
                .idGenerator(IdGenerator.sequential())
                .build();
        server = ServletContainer.JETTY.start(new OrsServlet(gateway), "/v1/*");
        client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    @AfterEach
    void stop() {
        server.close();
        internal.stop(0);
    }

    @Test
    void anImageUrlIsPassedToTheUpstreamVerbatimAndNeverFetched() throws Exception {
        upstream.enqueueCompletion(upstream.completion("a cat"));
        HttpResponse<String> answer = post("{\"model\":\"m\",\"store\":false,\"input\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"input_image\",\"image_url\":\"" + secretUrl + "\"}]}]}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(OrsJson.write(upstream.lastRequest())).contains("\"url\":\"" + secretUrl + "\"");
        assertThat(fetches).hasValue(0);
    }

    @Test
    void aFileUrlIsRefusedNotFetched() throws Exception {
        HttpResponse<String> answer = post("{\"model\":\"m\",\"store\":false,\"input\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"input_file\",\"file_url\":\"" + secretUrl + "\"}]}]}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(OrsJson.mapper().readTree(answer.body()).at("/error/param").asText())
                .isEqualTo("input[0].content[0].file_url");
        assertThat(upstream.requestCount()).isZero();
        assertThat(fetches).hasValue(0);
    }

    private HttpResponse<String> post(String json) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create(server.base().resolve("/v1") + "/responses"))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
