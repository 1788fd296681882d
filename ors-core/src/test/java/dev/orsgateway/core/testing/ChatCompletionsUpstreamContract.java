package dev.orsgateway.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatToolCallDelta;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.chat.CompletionChoice;
import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.testing.FakeChatServer.GeneratedStream;
import dev.orsgateway.core.testing.FakeChatServer.Recorded;
import dev.orsgateway.core.testing.FakeChatServer.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every HTTP {@link ChatCompletionsUpstream} keeps, against a {@link FakeChatServer} over real HTTP: what
 * goes on the wire, recorded provider streams under every framing, how streams end, the HTTP and transport error
 * mapping (statuses, codes, redaction), timeouts, demand down to the socket, and cancellation. A transport's test class
 * extends it and says how to build the upstream from {@link Settings}; the built upstream is closed after each test if
 * it is {@link AutoCloseable}.
 */
@Timeout(60)
public abstract class ChatCompletionsUpstreamContract {

    /** An API key shaped like a real one, to check that no message quotes it. */
    protected static final String API_KEY = "sk-test-9f8e7d6c5b4a39281706";

    /** Far more than the socket buffers of both ends can hold (about 40 MB). */
    private static final long HUGE = 400_000;

    /** What a test asks of the upstream under test; {@code null} means the transport's default. */
    public record Settings(
            String baseUrl,
            String apiKey,
            Map<String, String> headers,
            Duration readTimeout,
            Duration callTimeout,
            Integer streamBuffer) {

        Settings withBaseUrl(String url) {
            return new Settings(url, apiKey, headers, readTimeout, callTimeout, streamBuffer);
        }

        Settings withApiKey(String key) {
            return new Settings(baseUrl, key, headers, readTimeout, callTimeout, streamBuffer);
        }

        Settings withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Settings(baseUrl, apiKey, Map.copyOf(more), readTimeout, callTimeout, streamBuffer);
        }

        Settings withReadTimeout(Duration timeout) {
            return new Settings(baseUrl, apiKey, headers, timeout, callTimeout, streamBuffer);
        }

        Settings withCallTimeout(Duration timeout) {
            return new Settings(baseUrl, apiKey, headers, readTimeout, timeout, streamBuffer);
        }

        Settings withStreamBuffer(int chunks) {
            return new Settings(baseUrl, apiKey, headers, readTimeout, callTimeout, chunks);
        }
    }

    /** The server of the current test. */
    protected FakeChatServer server;

    private final List<ChatCompletionsUpstream> built = new ArrayList<>();

    /**
     * Builds the upstream under test.
     *
     * @param settings base URL, key, headers, timeouts and stream buffer to apply
     * @return a new upstream
     */
    protected abstract ChatCompletionsUpstream create(Settings settings);

    @BeforeEach
    void startServer() throws IOException {
        server = FakeChatServer.start();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (ChatCompletionsUpstream upstream : built) {
            if (upstream instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        server.close();
    }

    /** The default settings for this test's server: {@code /v1}, nothing else set. */
    protected Settings settings() {
        return new Settings(server.url("/v1"), null, Map.of(), null, null, null);
    }

    /** Builds (and closes after the test) an upstream. */
    protected ChatCompletionsUpstream upstream(Settings settings) {
        ChatCompletionsUpstream upstream = create(settings);
        built.add(upstream);
        return upstream;
    }

    /** An upstream with {@link #settings()}. */
    protected ChatCompletionsUpstream upstream() {
        return upstream(settings());
    }

    private static ChatCompletionRequest request() {
        return UpstreamFixtures.request();
    }

    // ---- What goes on the wire

    @Test
    void streamSendsBearerKeyExtraHeadersJsonAndForcesStreamTrue() throws Exception {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));
        ChatCompletionRequest request = request().toBuilder()
                .temperature(0.2)
                .streamOptions(new ChatCompletionRequest.StreamOptions(true))
                .putExtra("top_k", 40)
                .build();
        ChatCompletionsUpstream upstream = upstream(settings()
                .withApiKey("sk-test-abcdef")
                .withHeader("HTTP-Referer", "https://example.dev")
                .withHeader("X-Title", "ORS Gateway"));

        UpstreamFixtures.collect(upstream.stream(request));

        Recorded recorded = server.takeRequest();
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.path()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.header("Authorization")).isEqualTo("Bearer sk-test-abcdef");
        assertThat(recorded.header("HTTP-Referer")).isEqualTo("https://example.dev");
        assertThat(recorded.header("X-Title")).isEqualTo("ORS Gateway");
        assertThat(recorded.header("Content-Type")).startsWith("application/json");
        assertThat(recorded.header("Accept")).isEqualTo("text/event-stream");
        JsonNode body = OrsJson.mapper().readTree(recorded.body());
        assertThat(body).isEqualTo(OrsJson.tree(request.toBuilder().stream(true).build()));
        assertThat(body.get("stream").booleanValue()).isTrue();
        assertThat(body.get("top_k").intValue()).isEqualTo(40);
    }

    @Test
    void listModelsGetsTheModelsBesideTheChatEndpointWithTheSameCredentials() throws Exception {
        server.enqueue(Reply.json(
                200,
                "{\"object\":\"list\",\"data\":[{\"id\":\"llama3.2:3b\",\"object\":\"model\","
                        + "\"created\":1733000000,\"owned_by\":\"library\"},{\"object\":\"model\"},"
                        + "{\"id\":\"qwen3:8b\"}]}"));
        ChatCompletionsUpstream upstream =
                upstream(settings().withApiKey("sk-test-abcdef").withHeader("X-Title", "ORS Gateway"));

        List<ModelInfo> models = upstream.listModels().get(10, TimeUnit.SECONDS);

        assertThat(models)
                .containsExactly(
                        new ModelInfo("llama3.2:3b", 1733000000, "library"), new ModelInfo("qwen3:8b", 0, null));
        Recorded recorded = server.takeRequest();
        assertThat(recorded.method()).isEqualTo("GET");
        assertThat(recorded.path()).isEqualTo("/v1/models");
        assertThat(recorded.header("Authorization")).isEqualTo("Bearer sk-test-abcdef");
        assertThat(recorded.header("X-Title")).isEqualTo("ORS Gateway");
    }

    @Test
    void listModelsFailsWithTheProvidersErrorOrABadResponse() {
        server.enqueue(Reply.json(404, "{\"error\":{\"message\":\"no such route\"}}"));
        server.enqueue(Reply.json(200, "{\"models\":[]}"));
        ChatCompletionsUpstream upstream = upstream();

        assertThatThrownBy(() -> upstream.listModels().join()).cause().isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.getMessage()).contains("no such route");
        });
        assertThatThrownBy(() -> upstream.listModels().join()).cause().isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.error().code()).isEqualTo("upstream_bad_response");
        });
    }

    @Test
    void plainHttpIsHttp11WithoutAnUpgradeAttempt() throws Exception {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));

        UpstreamFixtures.collect(upstream().stream(request()));

        Recorded recorded = server.takeRequest();
        assertThat(recorded.header("Upgrade")).isNull();
        assertThat(recorded.header("HTTP2-Settings")).isNull();
    }

    @Test
    void noAuthorizationHeaderWithoutAKey() throws Exception {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));

        UpstreamFixtures.collect(upstream(settings().withApiKey("  ")).stream(request()));

        assertThat(server.takeRequest().header("Authorization")).isNull();
    }

    @Test
    void azureStyleDeploymentUrlKeepsItsQueryAndApiKeyHeader() throws Exception {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));
        ChatCompletionsUpstream upstream = upstream(settings()
                .withBaseUrl(server.url("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"))
                .withHeader("api-key", "azure-secret-123456"));

        UpstreamFixtures.collect(upstream.stream(request()));

        assertThat(upstream.describe()).endsWith("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
        Recorded recorded = server.takeRequest();
        assertThat(recorded.target()).isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
        assertThat(recorded.header("api-key")).isEqualTo("azure-secret-123456");
        assertThat(recorded.header("Authorization")).isNull();
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
        server.enqueue(Reply.json(200, COMPLETION_JSON));

        upstream(settings().withBaseUrl(server.url(base))).complete(request()).get(10, TimeUnit.SECONDS);

        assertThat(server.takeRequest().target()).isEqualTo(target);
    }

    @Test
    void completeSendsAcceptJsonAndDropsStreamAndStreamOptions() throws Exception {
        server.enqueue(Reply.json(200, COMPLETION_JSON));
        ChatCompletionRequest streaming = request().toBuilder().stream(true)
                .streamOptions(new ChatCompletionRequest.StreamOptions(true))
                .build();

        upstream().complete(streaming).get(10, TimeUnit.SECONDS);

        Recorded recorded = server.takeRequest();
        assertThat(recorded.header("Accept")).isEqualTo("application/json");
        JsonNode body = OrsJson.mapper().readTree(recorded.body());
        assertThat(body.has("stream")).isFalse();
        assertThat(body.has("stream_options")).isFalse();
        assertThat(body).isEqualTo(OrsJson.tree(request()));
    }

    @Test
    void describeHidesUserInfoAndQueryValuesButApiVersion() {
        ChatCompletionsUpstream upstream = upstream(settings()
                .withBaseUrl("https://user:hunter22@llm.example.com:8443/v1/?api-version=2024-10-21&key=AIzaSyD-secret")
                .withApiKey("sk-live-123456"));

        assertThat(upstream.describe())
                .isEqualTo("https://llm.example.com:8443/v1/chat/completions?api-version=2024-10-21&key=***");
        assertThat(upstream.toString()).doesNotContain("hunter22", "AIzaSyD-secret", "sk-live-123456");
    }

    // ---- Provider streams, whole and under every framing

    /** Ways to put the same events on the wire. */
    public enum Framing {
        WHOLE(body -> body, UnaryOperator.identity()),
        THROTTLED_7_BYTES_PER_WRITE(body -> body, r -> r.throttle(7, 1)),
        CHUNKED_3_BYTES(body -> body, r -> r.chunked(3)),
        CRLF(body -> body.replace("\n", "\r\n"), UnaryOperator.identity()),
        CR(body -> body.replace("\n", "\r"), UnaryOperator.identity()),
        DATA_WITHOUT_SPACE(body -> body.replace("data: ", "data:"), UnaryOperator.identity()),
        KEEP_ALIVE_COMMENTS(
                body -> ": keep-alive\n\n" + body.replace("\n\n", "\n\n: ping\n\n"), UnaryOperator.identity()),
        EVENT_AND_ID_LINES(body -> body.replace("data: ", "id: 7\nevent: message\ndata: "), UnaryOperator.identity()),
        BOM(body -> "\uFEFF" + body, UnaryOperator.identity()),
        CRLF_CHUNKED_AND_THROTTLED(
                body -> body.replace("\n", "\r\n"), r -> r.chunked(11).throttle(5, 1));

        final UnaryOperator<String> text;
        final UnaryOperator<Reply> wire;

        Framing(UnaryOperator<String> text, UnaryOperator<Reply> wire) {
            this.text = text;
            this.wire = wire;
        }

        Reply reply(String body) {
            return wire.apply(Reply.sse(text.apply(body)));
        }
    }

    static Stream<String> providerStreams() {
        return UpstreamFixtures.PROVIDER_STREAMS.stream();
    }

    static Stream<Arguments> providerStreamsAndFramings() {
        return UpstreamFixtures.PROVIDER_STREAMS.stream()
                .flatMap(fixture -> Stream.of(Framing.values()).map(framing -> Arguments.of(fixture, framing)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providerStreams")
    void replaysProviderStreamChunkForChunkInOrder(String fixture) {
        String body = UpstreamFixtures.text(fixture);
        server.enqueue(Reply.sse(body));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

        assertThat(chunks).isNotEmpty().containsExactlyElementsOf(UpstreamFixtures.expectedChunks(body));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providerStreamsAndFramings")
    void framingDoesNotChangeTheChunks(String fixture, Framing framing) {
        String body = UpstreamFixtures.text(fixture);
        server.enqueue(framing.reply(body));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

        assertThat(chunks).containsExactlyElementsOf(UpstreamFixtures.expectedChunks(body));
    }

    @Test
    void openAiTextStreamCarriesTheTextAndTheUsageChunk() {
        server.enqueue(Reply.sse(UpstreamFixtures.text("openai/text.sse")));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

        assertThat(UpstreamFixtures.content(chunks)).isEqualTo("Hello! How can I help you today?");
        ChatChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.findUsage()).map(ChatUsage::totalTokens).contains(28);
        assertThat(last.extra()).containsKey("obfuscation");
    }

    @Test
    void openAiToolCallArgumentsArriveInOrder() {
        server.enqueue(Reply.sse(UpstreamFixtures.text("openai/tool-calls.sse")));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

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
        server.enqueue(Reply.sse(UpstreamFixtures.text("groq/x-groq-usage.sse")));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

        ChatChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.usage()).isNull();
        assertThat(last.findUsage()).map(ChatUsage::totalTokens).contains(71);
    }

    @Test
    void openRouterProcessingCommentsAreNotChunks() {
        String body = UpstreamFixtures.text("openrouter/keepalive.sse");
        assertThat(body).contains(": OPENROUTER PROCESSING");
        server.enqueue(Reply.sse(body));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

        assertThat(chunks).hasSize(10);
        assertThat(UpstreamFixtures.content(chunks)).isEqualTo("Paris is the capital of France.");
    }

    @Test
    void vllmReasoningDeltasArriveBeforeTheAnswer() {
        server.enqueue(Reply.sse(UpstreamFixtures.text("vllm/reasoning.sse")));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

        String reasoning = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .map(c -> c.delta().reasoningContent())
                .filter(Objects::nonNull)
                .collect(Collectors.joining());
        assertThat(reasoning).isEqualTo("Okay, convert 72 degrees Fahrenheit: (72 - 32) * 5/9.");
        assertThat(UpstreamFixtures.content(chunks)).isEqualTo("72°F is about 22.2°C.");
    }

    @Test
    void multiLineDataIsJoinedWithLineFeeds() {
        String chunk = UpstreamFixtures.contentEvent(0, "stop")
                .substring("data: ".length())
                .strip();
        int comma = chunk.indexOf(',');
        String body = "data: " + chunk.substring(0, comma + 1) + "\ndata: " + chunk.substring(comma + 1)
                + "\n\ndata: [DONE]\n\n";
        server.enqueue(Reply.sse(body));

        assertThat(UpstreamFixtures.collect(upstream().stream(request())))
                .containsExactly(UpstreamFixtures.chunk(chunk));
    }

    // ---- How a stream ends

    @Test
    void streamWithoutDoneCompletesAfterAFinishReason() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(3).replace("data: [DONE]\n\n", "")));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

        assertThat(chunks).hasSize(3);
        assertThat(chunks.get(2).choices().get(0).finishReason()).isEqualTo("stop");
    }

    @Test
    void doneWithoutTrailingBlankLineStillEndsNormallyAfterAFinishReason() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(2).replace("data: [DONE]\n\n", "data: [DONE]")));

        assertThat(UpstreamFixtures.collect(upstream().stream(request()))).hasSize(2);
    }

    @Test
    void streamEndingWithoutDoneOrFinishReasonIsTruncated() {
        ChatCompletionsUpstream upstream = upstream();
        server.enqueue(Reply.sse(UpstreamFixtures.contentEvent(0, null) + UpstreamFixtures.contentEvent(1, null)));
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();

        upstream.stream(request()).subscribe(subscriber);
        Throwable error = subscriber.awaitError();

        assertThat(subscriber.items()).as("chunks before the error").hasSize(2);
        assertThat(error).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.error().type()).isEqualTo(OrsException.SERVER_ERROR);
            assertThat(e.error().code()).isEqualTo("upstream_stream_truncated");
            assertThat(e.getMessage()).contains(upstream.describe()).contains("2 chunks");
        });
    }

    @Test
    void streamCutMidLineIsTruncated() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentEvent(0, null) + "data: {\"id\":\"chatcmpl-1\",\"choi"));

        OrsException error = UpstreamFixtures.failure(upstream().stream(request()));

        assertThat(error.error().code()).isEqualTo("upstream_stream_truncated");
    }

    @Test
    void socketClosedMidStreamIsTruncated() {
        String body = UpstreamFixtures.contentStream(40);
        server.enqueue(Reply.sse(body).cutAfter(body.length() / 2));
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();

        upstream().stream(request()).subscribe(subscriber);
        Throwable error = subscriber.awaitError();

        assertThat(subscriber.items()).hasSizeBetween(1, 39);
        assertThat(error).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.error().code()).isEqualTo("upstream_stream_truncated");
            assertThat(e.getCause()).isNotNull();
        });
    }

    @Test
    void socketClosedMidChunkedStreamIsTruncated() {
        String body = UpstreamFixtures.contentStream(40);
        server.enqueue(Reply.sse(body).chunked(64).cutAfter(body.length() / 2));

        OrsException error = UpstreamFixtures.failure(upstream().stream(request()));

        assertThat(error.error().code()).isEqualTo("upstream_stream_truncated");
    }

    @Test
    void doneEndsTheStreamAndLaterEventsAreNotDelivered() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(2)
                + UpstreamFixtures.contentEvent(99, null)
                + UpstreamFixtures.contentEvent(100, "stop")));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

        assertThat(chunks).extracting(ChatChunk::id).containsExactly("chatcmpl-0000000000", "chatcmpl-0000000001");
    }

    @Test
    void openAiErrorObjectAsDataIsAnErrorWithTheProvidersMessage() {
        ChatCompletionsUpstream upstream = upstream();
        server.enqueue(Reply.sse(UpstreamFixtures.contentEvent(0, null)
                + "data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry about"
                + " that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"));

        OrsException error = UpstreamFixtures.failure(upstream.stream(request()));

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.error().type()).isEqualTo(OrsException.SERVER_ERROR);
        assertThat(error.error().code()).isEqualTo("upstream_error");
        assertThat(error.getMessage())
                .contains("The server had an error while processing your request. Sorry about that!")
                .contains(upstream.describe());
    }

    @Test
    void vllmErrorObjectWithAnHttpCodeKeepsThatStatus() {
        server.enqueue(Reply.sse("data: {\"error\":{\"object\":\"error\",\"message\":\"This model's maximum context"
                + " length is 4096 tokens. However, you requested 5000 tokens.\",\"type\":\"BadRequestError\","
                + "\"param\":null,\"code\":400}}\n\n"));

        OrsException error = UpstreamFixtures.failure(upstream().stream(request()));

        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.getMessage())
                .isEqualTo("This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.");
    }

    @Test
    void errorEventIsAnError() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentEvent(0, null)
                + "event: error\ndata: {\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"}}\n\n"));

        OrsException error = UpstreamFixtures.failure(upstream().stream(request()));

        assertThat(error.getMessage()).contains("Overloaded");
        assertThat(error.error().code()).isEqualTo("upstream_error");
    }

    @Test
    void openRouterMidStreamErrorChunkIsPassedOnAsAChunk() {
        // OpenRouter's mid-stream error is a chunk (it has choices, with finish_reason "error"): the transcoder reads
        // it with ChatChunk.findError(), so it must arrive as data.
        String chunk = "{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1764079900,\"model\":"
                + "\"openai/gpt-4o\",\"error\":{\"code\":502,\"message\":\"Provider returned error\"},\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}";
        server.enqueue(Reply.sse("data: " + chunk + "\n\ndata: [DONE]\n\n"));

        List<ChatChunk> chunks = UpstreamFixtures.collect(upstream().stream(request()));

        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).findError())
                .hasValueSatisfying(e -> assertThat(e.message()).isEqualTo("Provider returned error"));
    }

    @Test
    void nonJsonDataIsABadResponse() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentEvent(0, null) + "data: this is not json\n\n"));

        OrsException error = UpstreamFixtures.failure(upstream().stream(request()));

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.error().code()).isEqualTo("upstream_bad_response");
        assertThat(error.getMessage()).contains("this is not json");
    }

    @Test
    void jsonThatIsNotAnObjectIsABadResponse() {
        server.enqueue(Reply.sse("data: [1,2,3]\n\n"));

        OrsException error = UpstreamFixtures.failure(upstream().stream(request()));

        assertThat(error.error().code()).isEqualTo("upstream_bad_response");
    }

    @Test
    void emptyDataFieldsAreSkipped() {
        server.enqueue(Reply.sse("data:\n\n" + UpstreamFixtures.contentEvent(0, null) + "data: \n\n"
                + UpstreamFixtures.contentEvent(1, "stop") + "data: [DONE]\n\n"));

        assertThat(UpstreamFixtures.collect(upstream().stream(request()))).hasSize(2);
    }

    @Test
    void unknownFieldLinesAreIgnoredSoALlamaCppErrorLineEndsAsTruncated() {
        // llama.cpp has sent failures as a bare "error: {...}" line, which is no SSE field: it is skipped, and the
        // stream then ends without a finish_reason.
        server.enqueue(Reply.sse(UpstreamFixtures.contentEvent(0, null)
                + "error: {\"code\":500,\"message\":\"context shift is disabled\",\"type\":\"server_error\"}\n\n"));

        OrsException error = UpstreamFixtures.failure(upstream().stream(request()));

        assertThat(error.error().code()).isEqualTo("upstream_stream_truncated");
    }

    @Test
    void bareCarriageReturnAtTheEndOfTheBodyDoesNotHang() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentEvent(0, "stop").replace("\n", "\r")));

        assertThat(UpstreamFixtures.collect(upstream().stream(request()))).hasSize(1);
    }

    // ---- HTTP errors, unreachable and stalled upstreams

    /** Both calls of the SPI go through the same error mapping. */
    public enum Call {
        STREAM,
        COMPLETE;

        OrsException failure(ChatCompletionsUpstream upstream) {
            return this == STREAM
                    ? UpstreamFixtures.failure(upstream.stream(UpstreamFixtures.request()))
                    : UpstreamFixtures.failure(upstream.complete(UpstreamFixtures.request()));
        }
    }

    private ChatCompletionsUpstream keyed() {
        return upstream(settings().withApiKey(API_KEY));
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void rateLimitKeepsTheMessageAndRetryAfter(Call call) {
        server.enqueue(Reply.json(
                        429,
                        "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini in organization org-abc on"
                                + " requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.\","
                                + "\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}")
                .header("retry-after", "20")
                .header("x-ratelimit-remaining-requests", "0"));

        OrsException error = call.failure(keyed());

        assertThat(error.httpStatus()).isEqualTo(429);
        assertThat(error.error().type()).isEqualTo(OrsException.TOO_MANY_REQUESTS);
        assertThat(error.error().code()).isEqualTo("rate_limit_exceeded");
        assertThat(error.getMessage()).startsWith("Rate limit reached for gpt-4o-mini");
        assertThat(error.error().headers()).isEqualTo(Map.of("retry-after", "20"));
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void htmlServerErrorBecomesATrimmedSnippet(Call call) {
        server.enqueue(Reply.status(
                500,
                "text/html",
                "<html>\r\n<head><title>500 Internal Server Error</title><style>body{color:red}</style></head>\r\n"
                        + "<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx/1.25.3"
                        + "</center>\r\n" + "<!-- padding -->".repeat(200) + "</body>\r\n</html>\r\n"));
        ChatCompletionsUpstream upstream = keyed();

        OrsException error = call.failure(upstream);

        assertThat(error.httpStatus()).isEqualTo(500);
        assertThat(error.error().type()).isEqualTo(OrsException.SERVER_ERROR);
        assertThat(error.error().code()).isEqualTo("upstream_error");
        assertThat(error.getMessage())
                .contains(upstream.describe())
                .endsWith("failed (HTTP 500): 500 Internal Server Error nginx/1.25.3")
                .doesNotContain("<", "color:red", "padding")
                .hasSizeLessThan(600);
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void plainTextUnavailableKeepsStatusAndText(Call call) {
        server.enqueue(Reply.status(
                        503,
                        "text/plain",
                        "upstream connect error or disconnect/reset before headers. reset reason: overflow")
                .header("Retry-After", "5"));

        OrsException error = call.failure(keyed());

        assertThat(error.httpStatus()).isEqualTo(503);
        assertThat(error.error().type()).isEqualTo(OrsException.SERVER_ERROR);
        assertThat(error.getMessage()).contains("upstream connect error or disconnect/reset before headers");
        assertThat(error.error().headers()).containsEntry("retry-after", "5");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504})
    void serverErrorStatusesAreKept(int status) {
        server.enqueue(Reply.json(status, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));

        OrsException error = Call.STREAM.failure(keyed());

        assertThat(error.httpStatus()).isEqualTo(status);
        assertThat(error.error().type()).isEqualTo(OrsException.SERVER_ERROR);
        assertThat(error.getMessage()).endsWith(": boom");
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void unauthorizedSaysTheGatewaysCredentialsWereRejectedWithoutLeakingThem(Call call) {
        server.enqueue(Reply.json(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY + ". You can find your API key at"
                        + " https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}"));

        OrsException error = call.failure(keyed());

        assertThat(error.httpStatus()).isEqualTo(401);
        assertThat(error.error().type()).isEqualTo(OrsException.SERVER_ERROR);
        assertThat(error.error().code()).isEqualTo("upstream_unauthorized");
        assertThat(error.getMessage())
                .contains("rejected the gateway's credentials")
                .contains("Incorrect API key provided: ***.")
                .doesNotContain(API_KEY);
    }

    @Test
    void forbiddenKeepsItsStatus() {
        server.enqueue(Reply.json(
                403,
                "{\"error\":{\"message\":\"Project does not have access to model gpt-5\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"model_not_found\"}}"));

        OrsException error = Call.STREAM.failure(keyed());

        assertThat(error.httpStatus()).isEqualTo(403);
        assertThat(error.error().code()).isEqualTo("upstream_unauthorized");
        assertThat(error.getMessage()).contains("Project does not have access to model gpt-5");
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void badRequestKeepsTheProvidersMessageParamAndCode(Call call) {
        server.enqueue(Reply.json(
                400,
                "{\"error\":{\"message\":\"Invalid 'messages[0].content': string too long. Expected a string with"
                        + " maximum length 10485760, but got a string with length 10485761 instead.\",\"type\":"
                        + "\"invalid_request_error\",\"param\":\"messages[0].content\",\"code\":"
                        + "\"string_above_max_length\"}}"));

        OrsException error = call.failure(keyed());

        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.error().code()).isEqualTo("string_above_max_length");
        assertThat(error.error().param()).isEqualTo("messages[0].content");
        assertThat(error.getMessage()).startsWith("Invalid 'messages[0].content': string too long.");
    }

    @Test
    void ollamaModelNotFoundIsAnInvalidRequestWith404() {
        server.enqueue(Reply.json(
                404,
                "{\"error\":{\"message\":\"model \\\"llama9\\\" not found, try pulling it first\",\"type\":"
                        + "\"api_error\",\"param\":null,\"code\":null}}"));

        OrsException error = Call.STREAM.failure(keyed());

        assertThat(error.httpStatus()).isEqualTo(404);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.error().code()).isEqualTo("upstream_invalid_request");
        assertThat(error.getMessage()).isEqualTo("model \"llama9\" not found, try pulling it first");
    }

    @Test
    void fastApiValidationErrorIsAnInvalidRequestWith422() {
        server.enqueue(Reply.json(
                422,
                "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"messages\"],\"msg\":\"Field required\","
                        + "\"input\":{}}]}"));

        OrsException error = Call.COMPLETE.failure(keyed());

        assertThat(error.httpStatus()).isEqualTo(422);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.getMessage()).isEqualTo("Field required");
    }

    @Test
    void streamAnsweredWithJsonIsABadResponse() {
        server.enqueue(Reply.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}"));

        OrsException error = Call.STREAM.failure(keyed());

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.error().code()).isEqualTo("upstream_bad_response");
        assertThat(error.getMessage()).contains("application/json").contains("text/event-stream");
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void refusedConnectionIsUnreachableNamingTheUpstream(Call call) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ChatCompletionsUpstream refused = upstream(
                settings().withBaseUrl("http://127.0.0.1:" + closedPort + "/v1").withApiKey(API_KEY));

        OrsException error = call.failure(refused);

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.error().code()).isEqualTo("upstream_unreachable");
        assertThat(error.getMessage())
                .contains("http://127.0.0.1:" + closedPort + "/v1/chat/completions")
                .doesNotContain(API_KEY);
    }

    @Test
    void stalledStreamTimesOutWithinTheReadTimeout() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(3)).bodyDelay(5_000));
        ChatCompletionsUpstream impatient = upstream(settings().withReadTimeout(Duration.ofMillis(200)));
        long start = System.nanoTime();

        OrsException error = Call.STREAM.failure(impatient);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(error.httpStatus()).isEqualTo(504);
        assertThat(error.error().code()).isEqualTo("upstream_timeout");
        assertThat(error.getMessage()).contains(impatient.describe());
    }

    @Test
    void streamSilentAfterSomeChunksTimesOut() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentEvent(0, null) + UpstreamFixtures.contentEvent(1, null))
                .chunked(1 << 20)
                .throttle(1 << 20, 5_000));
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();

        upstream(settings().withReadTimeout(Duration.ofMillis(300))).stream(request())
                .subscribe(subscriber);
        Throwable error = subscriber.awaitError();

        assertThat(subscriber.items()).hasSize(2);
        assertThat(error).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(504);
            assertThat(e.error().code()).isEqualTo("upstream_timeout");
        });
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void stalledHeadersTimeOut(Call call) {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(3)).headersDelay(5_000));

        OrsException error = call.failure(upstream(settings().withReadTimeout(Duration.ofMillis(200))));

        assertThat(error.httpStatus()).isEqualTo(504);
        assertThat(error.error().code()).isEqualTo("upstream_timeout");
    }

    @Test
    void callTimeoutEndsANonStreamingCall() {
        server.enqueue(Reply.json(200, "{}").bodyDelay(5_000));

        OrsException error = Call.COMPLETE.failure(upstream(settings().withCallTimeout(Duration.ofMillis(300))));

        assertThat(error.httpStatus()).isEqualTo(504);
        assertThat(error.error().code()).isEqualTo("upstream_timeout");
    }

    @Test
    void callTimeoutDoesNotCutALongHealthyStream() {
        // About 1.5 s of steady data against a 300 ms call timeout and a generous read timeout.
        String body = UpstreamFixtures.contentStream(30);
        server.enqueue(Reply.sse(body).throttle(body.length() / 30, 50));
        ChatCompletionsUpstream upstream =
                upstream(settings().withCallTimeout(Duration.ofMillis(300)).withReadTimeout(Duration.ofSeconds(5)));

        assertThat(UpstreamFixtures.collect(upstream.stream(request()))).hasSize(30);
    }

    @Test
    void readTimeoutBoundsSilenceNotTheLengthOfAStream() {
        // About 1.5 s of steady data, an event every 50 ms, against a 400 ms read timeout.
        String body = UpstreamFixtures.contentStream(30);
        server.enqueue(Reply.sse(body).throttle(body.length() / 30, 50));
        ChatCompletionsUpstream upstream = upstream(settings().withReadTimeout(Duration.ofMillis(400)));

        assertThat(UpstreamFixtures.collect(upstream.stream(request()))).hasSize(30);
    }

    @Test
    void aStreamTricklingBytesWithoutEndingLinesTimesOut() {
        // A slowloris upstream: 10 bytes every 50 ms, never silent for the 300 ms read timeout, yet a line (an event
        // of about 200 bytes) only every second or so.
        String body = UpstreamFixtures.contentStream(50);
        server.enqueue(Reply.sse(body).throttle(10, 50));
        long start = System.nanoTime();
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();

        upstream(settings().withReadTimeout(Duration.ofMillis(300))).stream(request())
                .subscribe(subscriber);
        Throwable error = subscriber.awaitError();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(error).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(504);
            assertThat(e.error().code()).isEqualTo("upstream_timeout");
        });
    }

    @Test
    void aSubscriberHoldingTheStreamBackLongerThanTheReadTimeoutIsNotCut() throws InterruptedException {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(40)));
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>();
        upstream(settings().withStreamBuffer(4).withReadTimeout(Duration.ofMillis(200))).stream(request())
                .subscribe(subscriber);

        subscriber.request(2);
        subscriber.awaitItems(2);
        Thread.sleep(1_000); // the subscriber, not the upstream, holds the stream for five read timeouts
        subscriber.request(Long.MAX_VALUE);

        assertThat(subscriber.awaitCompletion()).hasSize(40);
    }

    // ---- Non-streaming completions

    /** A recorded OpenAI completion. */
    protected static final String COMPLETION_JSON = "{\"id\":\"chatcmpl-CWq9Zt2LmQ8xRb4nV7kP1sYcHd0E\",\"object\":"
            + "\"chat.completion\",\"created\":1764079900,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello! How can I help you today?\",\"refusal\":null,"
            + "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,"
            + "\"completion_tokens\":9,\"total_tokens\":28,\"prompt_tokens_details\":{\"cached_tokens\":0,"
            + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_560af6e559\"}";

    @Test
    void parsesTheCompletion() throws Exception {
        server.enqueue(Reply.json(200, COMPLETION_JSON));

        ChatCompletion completion = upstream().complete(request()).get(10, TimeUnit.SECONDS);

        assertThat(completion).isEqualTo(OrsJson.read(COMPLETION_JSON, ChatCompletion.class));
        CompletionChoice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo("stop");
        assertThat(choice.message().content()).isEqualTo(new ChatContent.Text("Hello! How can I help you today?"));
        assertThat(completion.findUsage()).map(ChatUsage::totalTokens).contains(28);
    }

    @Test
    void errorObjectInA200IsAnError() {
        server.enqueue(Reply.json(
                200, "{\"error\":{\"message\":\"No endpoints found that support tool use.\",\"code\":404}}"));

        OrsException error = UpstreamFixtures.failure(upstream().complete(request()));

        assertThat(error.httpStatus()).isEqualTo(404);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.getMessage()).isEqualTo("No endpoints found that support tool use.");
    }

    @Test
    void bodyThatIsNotACompletionIsABadResponse() {
        server.enqueue(Reply.json(200, "<html>oops</html>"));

        OrsException error = UpstreamFixtures.failure(upstream().complete(request()));

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.error().code()).isEqualTo("upstream_bad_response");
        assertThat(error.getMessage()).contains("oops");
    }

    @Test
    void cancellingTheFutureClosesTheConnection() throws InterruptedException {
        Reply slow = Reply.json(200, COMPLETION_JSON).headersDelay(10_000);
        server.enqueue(slow);
        CompletableFuture<ChatCompletion> future = upstream().complete(request());
        server.takeRequest();

        assertThat(future.cancel(true)).isTrue();

        assertThat(slow.clientGone()).as("the server saw the connection close").isTrue();
        assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
    }

    // ---- Demand, backpressure down to the socket, cancellation

    @Test
    void nothingIsSentUntilSubscribed() throws InterruptedException {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));

        Flow.Publisher<ChatChunk> publisher = upstream().stream(request());

        assertThat(server.takeRequest(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(UpstreamFixtures.collect(publisher)).hasSize(1);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void subscriberThatCancelsInOnSubscribeSendsNothing() throws InterruptedException {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));
        RecordingSubscriber<ChatChunk> cancelling = new RecordingSubscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                super.onSubscribe(s);
                s.cancel();
            }
        };
        ChatCompletionsUpstream upstream = upstream();

        upstream.stream(request()).subscribe(cancelling);
        List<ChatChunk> second = UpstreamFixtures.collect(
                upstream.stream(request().toBuilder().model("second").build()));

        assertThat(second).hasSize(1);
        assertThat(server.takeRequest().body()).contains("\"model\":\"second\"");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(cancelling.items()).isEmpty();
        assertThat(cancelling.isTerminated()).isFalse();
    }

    @Test
    void eachRequestOfOneDeliversExactlyOneChunk() throws InterruptedException {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(5)));
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>();
        upstream(settings().withStreamBuffer(4)).stream(request()).subscribe(subscriber);

        for (int i = 1; i <= 5; i++) {
            subscriber.request(1);
            assertThat(subscriber.awaitItems(i)).hasSize(i);
        }
        List<ChatChunk> chunks = subscriber.awaitCompletion();

        assertThat(chunks)
                .extracting(ChatChunk::id)
                .containsExactly(
                        "chatcmpl-0000000000",
                        "chatcmpl-0000000001",
                        "chatcmpl-0000000002",
                        "chatcmpl-0000000003",
                        "chatcmpl-0000000004");
    }

    @Test
    void withoutDemandTheClientStopsReadingAndTheServersWritesBlockAndNothingIsLostOnResume()
            throws InterruptedException {
        GeneratedStream body = new GeneratedStream(HUGE);
        server.enqueue(Reply.sse(body));
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>();
        upstream(settings().withStreamBuffer(4)).stream(request()).subscribe(subscriber);

        subscriber.request(3);
        subscriber.awaitItems(3);
        long stalledAt = body.awaitStalled();

        assertThat(stalledAt).as("events the server could write").isLessThan(HUGE);
        assertThat(body.finished()).isFalse();
        assertThat(subscriber.items()).hasSize(3);

        subscriber.request(2);
        List<ChatChunk> five = subscriber.awaitItems(5);

        assertThat(five).extracting(ChatChunk::id).endsWith("chatcmpl-0000000003", "chatcmpl-0000000004");
        subscriber.assertNoViolations();

        // Far past what the socket buffers held when the writes stalled: every chunk arrives, in order.
        int resumed = (int) Math.min(stalledAt * 2 + 1_000, HUGE - 1);
        subscriber.request(resumed - 5);
        List<ChatChunk> all = subscriber.awaitItems(resumed);
        for (int i = 0; i < resumed; i++) {
            assertThat(all.get(i).id()).isEqualTo(String.format("chatcmpl-%010d", i));
        }
        assertThat(body.written()).isGreaterThan(stalledAt);

        subscriber.cancel();

        assertThat(body.awaitWriteFailure())
                .as("the server saw the connection close")
                .isTrue();
        assertThat(subscriber.items()).hasSize(resumed);
        assertThat(subscriber.isTerminated()).isFalse();
        assertThat(subscriber.signalsAfterCancel()).isZero();
    }

    @Test
    void cancelMidStreamClosesTheConnectionAndStopsSignals() throws InterruptedException {
        GeneratedStream body = new GeneratedStream(HUGE);
        server.enqueue(Reply.sse(body));
        // Cancelled from inside onNext, on the delivering thread: then no further signal may follow (rule 3.7 with
        // serialized signals). A cancel from another thread may race one onNext already under way (rule 3.12 only
        // promises the signals stop "eventually"), which would make the count below a coin toss.
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>(Long.MAX_VALUE) {
            @Override
            public void onNext(ChatChunk item) {
                super.onNext(item);
                if (items().size() == 100) {
                    cancel();
                }
            }
        };
        upstream().stream(request()).subscribe(subscriber);

        subscriber.awaitItems(100);

        assertThat(body.awaitWriteFailure())
                .as("the server saw the connection close")
                .isTrue();
        assertThat(subscriber.items()).hasSize(100);
        assertThat(subscriber.isTerminated()).isFalse();
        assertThat(subscriber.signalsAfterCancel()).isZero();
        subscriber.assertNoViolations();
    }

    @Test
    void requestOfZeroFailsTheStreamWithIllegalArgumentAndClosesTheConnection() throws InterruptedException {
        GeneratedStream body = new GeneratedStream(HUGE);
        server.enqueue(Reply.sse(body));
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>();
        upstream().stream(request()).subscribe(subscriber);
        subscriber.request(2);
        subscriber.awaitItems(2);

        subscriber.request(0);

        assertThat(subscriber.awaitError())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3.9");
        assertThat(body.awaitWriteFailure()).isTrue();
    }

    @Test
    void subscriberThrowingFromOnNextCancelsTheCall() throws InterruptedException {
        GeneratedStream body = new GeneratedStream(HUGE);
        server.enqueue(Reply.sse(body));
        RecordingSubscriber<ChatChunk> throwing = new RecordingSubscriber<>(Long.MAX_VALUE) {
            @Override
            public void onNext(ChatChunk item) {
                super.onNext(item);
                throw new IllegalStateException("subscriber bug");
            }
        };

        upstream().stream(request()).subscribe(throwing);

        assertThat(body.awaitWriteFailure()).isTrue();
        assertThat(throwing.items()).hasSize(1);
        assertThat(throwing.isTerminated()).isFalse();
    }

    @Test
    void secondSubscriberIsRefusedWithOnError() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(2)));
        Flow.Publisher<ChatChunk> publisher = upstream().stream(request());
        RecordingSubscriber<ChatChunk> first = RecordingSubscriber.unbounded();
        RecordingSubscriber<ChatChunk> second = RecordingSubscriber.unbounded();

        publisher.subscribe(first);
        publisher.subscribe(second);

        assertThat(second.awaitError()).isInstanceOf(IllegalStateException.class);
        assertThat(first.awaitCompletion()).hasSize(2);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void completionNeedsNoDemandOnceTheBufferIsDrained() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(2)));
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>(2);

        upstream().stream(request()).subscribe(subscriber);

        assertThat(subscriber.awaitCompletion()).hasSize(2);
    }
}
