package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.sun.net.httpserver.HttpServer;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK client as {@link OpenAiJavaSdkTest} configures it really is strict, and its failures reach the test: a
 * fake server streams an {@code output_text} delta without {@code logprobs} (spec-valid, but openai-java requires
 * it), and consuming the stream throws instead of skipping the event.
 */
@Timeout(30)
class OpenAiJavaSdkStrictnessTest {

    private HttpServer server;
    private OpenAIClient client;

    @BeforeEach
    void start() throws IOException {
        ObjectNode response;
        try (InputStream in = getClass().getResourceAsStream("/compliance/response-output-phase-schema.json")) {
            response = (ObjectNode) OrsJson.mapper().readTree(in);
        }
        // All the SDK wants in a response, so that only the delta is wrong.
        ((ObjectNode) response.at("/usage/input_tokens_details")).put("cache_write_tokens", 0);
        String created = OrsJson.write(response);
        String stream = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
                + "\"response\":" + created + "}\n\n"
                + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                + "\"sequence_number\":1,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
                + "\"delta\":\"Hi\"}\n\n"
                + "data: [DONE]\n\n";
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/responses", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write(stream.getBytes(UTF_8));
            }
        });
        server.start();
        client = OpenAiJavaSdkTest.strictClient(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void aDeltaWithoutLogprobsFailsTheStream() {
        List<ResponseStreamEvent> seen = new ArrayList<>();

        assertThatThrownBy(() -> {
                    try (StreamResponse<ResponseStreamEvent> events = client.responses()
                            .createStreaming(ResponseCreateParams.builder()
                                    .model("m")
                                    .input("hi")
                                    .build())) {
                        events.stream().forEach(seen::add);
                    }
                })
                .isInstanceOf(OpenAIInvalidDataException.class)
                .hasMessageContaining("logprobs");
        assertThat(seen).hasSize(1); // response.created passed; the delta did not
    }
}
