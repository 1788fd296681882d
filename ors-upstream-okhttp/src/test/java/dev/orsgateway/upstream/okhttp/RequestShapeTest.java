package dev.orsgateway.upstream.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What goes on the wire: URL, headers and body. */
@Timeout(60)
class RequestShapeTest {

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private static JsonNode json(String text) throws IOException {
        return OrsJson.mapper().readTree(text);
    }

    @Test
    void streamSendsBearerKeyExtraHeadersJsonAndForcesStreamTrue() throws Exception {
        server.enqueue(Sse.response(Fixtures.contentStream(1)).build());
        ChatCompletionRequest request = Fixtures.request().toBuilder()
                .temperature(0.2)
                .streamOptions(new ChatCompletionRequest.StreamOptions(true))
                .putExtra("top_k", 40)
                .build();
        try (OkHttpChatCompletionsUpstream upstream = Sse.upstream(server.url("/v1"))
                .apiKey("sk-test-abcdef")
                .header("HTTP-Referer", "https://example.dev")
                .header("X-Title", "ORS Gateway")
                .build()) {

            Sse.collect(upstream.stream(request));
        }

        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.getMethod()).isEqualTo("POST");
        assertThat(recorded.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.getHeaders().get("Authorization")).isEqualTo("Bearer sk-test-abcdef");
        assertThat(recorded.getHeaders().get("HTTP-Referer")).isEqualTo("https://example.dev");
        assertThat(recorded.getHeaders().get("X-Title")).isEqualTo("ORS Gateway");
        assertThat(recorded.getHeaders().get("Content-Type")).isEqualTo("application/json");
        assertThat(recorded.getHeaders().get("Accept")).isEqualTo("text/event-stream");
        JsonNode body = json(recorded.getBody().utf8());
        assertThat(body).isEqualTo(OrsJson.tree(request.toBuilder().stream(true).build()));
        assertThat(body.get("stream").booleanValue()).isTrue();
        assertThat(body.get("top_k").intValue()).isEqualTo(40);
    }

    @Test
    void noAuthorizationHeaderWithoutAKey() throws Exception {
        server.enqueue(Sse.response(Fixtures.contentStream(1)).build());
        try (OkHttpChatCompletionsUpstream upstream =
                Sse.upstream(server.url("/v1")).apiKey("  ").build()) {
            Sse.collect(upstream.stream(Fixtures.request()));
        }

        assertThat(server.takeRequest().getHeaders().get("Authorization")).isNull();
    }

    @Test
    void azureStyleDeploymentUrlKeepsItsQueryAndApiKeyHeader() throws Exception {
        server.enqueue(Sse.response(Fixtures.contentStream(1)).build());
        String base = server.url("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21")
                .toString();
        try (OkHttpChatCompletionsUpstream upstream = OkHttpChatCompletionsUpstream.builder()
                .baseUrl(base)
                .header("api-key", "azure-secret-123456")
                .build()) {
            Sse.collect(upstream.stream(Fixtures.request()));

            assertThat(upstream.describe())
                    .endsWith("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
        }

        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.getTarget())
                .isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
        assertThat(recorded.getHeaders().get("api-key")).isEqualTo("azure-secret-123456");
        assertThat(recorded.getHeaders().get("Authorization")).isNull();
    }

    static Stream<Arguments> baseUrls() {
        return Stream.of(
                Arguments.of("/v1", "/v1/chat/completions"),
                Arguments.of("/v1/", "/v1/chat/completions"),
                Arguments.of("/v1/chat/completions", "/v1/chat/completions"),
                Arguments.of("/v1/chat/completions/", "/v1/chat/completions"),
                Arguments.of("/api/v1//", "/api/v1/chat/completions"),
                Arguments.of(
                        "/openai/deployments/d1?api-version=2024-10-21",
                        "/openai/deployments/d1/chat/completions?api-version=2024-10-21"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("baseUrls")
    void baseUrlFormsReachChatCompletions(String base, String target) throws Exception {
        server.enqueue(Sse.json(200, OrsJson.write(CompleteTest.COMPLETION)));
        try (OkHttpChatCompletionsUpstream upstream = OkHttpChatCompletionsUpstream.builder()
                .baseUrl("http://" + server.getHostName() + ":" + server.getPort() + base)
                .build()) {
            upstream.complete(Fixtures.request()).get();
        }

        assertThat(server.takeRequest().getTarget()).isEqualTo(target);
    }

    @Test
    void completeSendsAcceptJsonAndDropsStreamAndStreamOptions() throws Exception {
        server.enqueue(Sse.json(200, OrsJson.write(CompleteTest.COMPLETION)));
        ChatCompletionRequest streaming = Fixtures.request().toBuilder().stream(true)
                .streamOptions(new ChatCompletionRequest.StreamOptions(true))
                .build();
        try (OkHttpChatCompletionsUpstream upstream =
                Sse.upstream(server.url("/v1")).build()) {
            upstream.complete(streaming).get();
        }

        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.getHeaders().get("Accept")).isEqualTo("application/json");
        JsonNode body = json(recorded.getBody().utf8());
        assertThat(body.has("stream")).isFalse();
        assertThat(body.has("stream_options")).isFalse();
        assertThat(body).isEqualTo(OrsJson.tree(Fixtures.request()));
    }

    @Test
    void describeHidesUserInfoAndQueryValuesButApiVersion() {
        try (OkHttpChatCompletionsUpstream upstream = OkHttpChatCompletionsUpstream.builder()
                .baseUrl("https://user:hunter22@llm.example.com:8443/v1/?api-version=2024-10-21&key=AIzaSyD-secret")
                .apiKey("sk-live-123456")
                .build()) {

            assertThat(upstream.describe())
                    .isEqualTo("https://llm.example.com:8443/v1/chat/completions?api-version=2024-10-21&key=***");
            assertThat(upstream.toString()).doesNotContain("hunter22", "AIzaSyD-secret", "sk-live-123456");
        }
    }
}
