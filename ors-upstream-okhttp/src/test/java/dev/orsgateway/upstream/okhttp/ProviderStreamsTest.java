package dev.orsgateway.upstream.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatToolCallDelta;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.ChunkChoice;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Recorded-style provider streams, replayed whole and cut up every way the wire can cut them. */
@Timeout(60)
class ProviderStreamsTest {

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private OkHttpChatCompletionsUpstream upstream;

    @BeforeEach
    void setUp() {
        upstream = Sse.upstream(server.url("/v1")).build();
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    /** Ways to put the same events on the wire. */
    enum Framing {
        WHOLE(body -> body, UnaryOperator.identity()),
        THROTTLED_7_BYTES_PER_READ(body -> body, r -> r.throttleBody(7, 1, TimeUnit.MILLISECONDS)),
        CHUNKED_3_BYTES(body -> body, UnaryOperator.identity()),
        CRLF(body -> body.replace("\n", "\r\n"), UnaryOperator.identity()),
        CR(body -> body.replace("\n", "\r"), UnaryOperator.identity()),
        DATA_WITHOUT_SPACE(body -> body.replace("data: ", "data:"), UnaryOperator.identity()),
        KEEP_ALIVE_COMMENTS(
                body -> ": keep-alive\n\n" + body.replace("\n\n", "\n\n: ping\n\n"), UnaryOperator.identity()),
        EVENT_AND_ID_LINES(body -> body.replace("data: ", "id: 7\nevent: message\ndata: "), UnaryOperator.identity()),
        CRLF_CHUNKED_AND_THROTTLED(
                body -> body.replace("\n", "\r\n"), r -> r.throttleBody(5, 1, TimeUnit.MILLISECONDS));

        final UnaryOperator<String> text;
        final UnaryOperator<MockResponse.Builder> wire;

        Framing(UnaryOperator<String> text, UnaryOperator<MockResponse.Builder> wire) {
            this.text = text;
            this.wire = wire;
        }

        MockResponse response(String body) {
            String framed = text.apply(body);
            MockResponse.Builder builder = Sse.response(framed);
            if (this == CHUNKED_3_BYTES) {
                builder.chunkedBody(framed, 3);
            } else if (this == CRLF_CHUNKED_AND_THROTTLED) {
                builder.chunkedBody(framed, 11);
            }
            return wire.apply(builder).build();
        }
    }

    static Stream<String> providerStreams() {
        return Fixtures.PROVIDER_STREAMS.stream();
    }

    static Stream<Arguments> providerStreamsAndFramings() {
        return Fixtures.PROVIDER_STREAMS.stream()
                .flatMap(fixture -> Stream.of(Framing.values()).map(framing -> Arguments.of(fixture, framing)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providerStreams")
    void replaysProviderStreamChunkForChunkInOrder(String fixture) {
        String body = Fixtures.text(fixture);
        server.enqueue(Sse.response(body).build());

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        assertThat(chunks).isNotEmpty().containsExactlyElementsOf(Fixtures.expectedChunks(body));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providerStreamsAndFramings")
    void framingDoesNotChangeTheChunks(String fixture, Framing framing) {
        String body = Fixtures.text(fixture);
        server.enqueue(framing.response(body));

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        assertThat(chunks).containsExactlyElementsOf(Fixtures.expectedChunks(body));
    }

    @Test
    void openAiTextStreamCarriesTheTextAndTheUsageChunk() {
        server.enqueue(Sse.response(Fixtures.text("openai/text.sse")).build());

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        assertThat(Fixtures.content(chunks)).isEqualTo("Hello! How can I help you today?");
        ChatChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.findUsage()).map(ChatUsage::totalTokens).contains(28);
        assertThat(last.extra()).containsKey("obfuscation");
    }

    @Test
    void openAiToolCallArgumentsArriveInOrder() {
        server.enqueue(Sse.response(Fixtures.text("openai/tool-calls.sse")).build());

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        String arguments = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .map(ChunkChoice::delta)
                .filter(d -> d != null && d.toolCalls() != null)
                .flatMap(d -> d.toolCalls().stream())
                .map(ChatToolCallDelta::function)
                .filter(Objects::nonNull)
                .map(f -> f.arguments() == null ? "" : f.arguments())
                .collect(Collectors.joining());
        assertThat(arguments).isEqualTo("{\"location\":\"Paris, France\"}");
    }

    @Test
    void groqUsageIsFoundInXGroq() {
        server.enqueue(Sse.response(Fixtures.text("groq/x-groq-usage.sse")).build());

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        ChatChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.usage()).isNull();
        assertThat(last.findUsage()).map(ChatUsage::totalTokens).contains(71);
    }

    @Test
    void openRouterProcessingCommentsAreNotChunks() {
        String body = Fixtures.text("openrouter/keepalive.sse");
        assertThat(body).contains(": OPENROUTER PROCESSING");
        server.enqueue(Sse.response(body).build());

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        assertThat(chunks).hasSize(10);
        assertThat(Fixtures.content(chunks)).isEqualTo("Paris is the capital of France.");
    }

    @Test
    void vllmReasoningDeltasArriveBeforeTheAnswer() {
        server.enqueue(Sse.response(Fixtures.text("vllm/reasoning.sse")).build());

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        String reasoning = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .map(c -> c.delta().reasoningContent())
                .filter(Objects::nonNull)
                .collect(Collectors.joining());
        assertThat(reasoning).isEqualTo("Okay, convert 72 degrees Fahrenheit: (72 - 32) * 5/9.");
        assertThat(Fixtures.content(chunks)).isEqualTo("72°F is about 22.2°C.");
    }
}
