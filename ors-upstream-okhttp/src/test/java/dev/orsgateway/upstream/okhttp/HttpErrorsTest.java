package dev.orsgateway.upstream.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.OrsException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP errors, unreachable and stalled upstreams, for streaming and non-streaming calls alike. */
@Timeout(60)
class HttpErrorsTest {

    private static final String API_KEY = "sk-test-9f8e7d6c5b4a39281706";

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private OkHttpChatCompletionsUpstream upstream;

    /** Both calls of the SPI go through the same error mapping. */
    enum Call {
        STREAM,
        COMPLETE;

        OrsException failure(OkHttpChatCompletionsUpstream upstream) {
            return this == STREAM
                    ? Sse.failure(upstream.stream(Fixtures.request()))
                    : Sse.failure(upstream.complete(Fixtures.request()));
        }
    }

    @BeforeEach
    void setUp() {
        upstream = Sse.upstream(server.url("/v1")).apiKey(API_KEY).build();
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void rateLimitKeepsTheMessageAndRetryAfter(Call call) {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .setHeader("Content-Type", "application/json")
                .setHeader("retry-after", "20")
                .setHeader("x-ratelimit-remaining-requests", "0")
                .body("{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini in organization org-abc on requests"
                        + " per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.\",\"type\":"
                        + "\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}")
                .build());

        OrsException error = call.failure(upstream);

        assertThat(error.httpStatus()).isEqualTo(429);
        assertThat(error.error().type()).isEqualTo(OrsException.TOO_MANY_REQUESTS);
        assertThat(error.error().code()).isEqualTo("rate_limit_exceeded");
        assertThat(error.getMessage()).startsWith("Rate limit reached for gpt-4o-mini");
        assertThat(error.error().headers()).isEqualTo(Map.of("retry-after", "20"));
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void htmlServerErrorBecomesATrimmedSnippet(Call call) {
        server.enqueue(new MockResponse.Builder()
                .code(500)
                .setHeader("Content-Type", "text/html")
                .body(
                        "<html>\r\n<head><title>500 Internal Server Error</title><style>body{color:red}</style></head>\r\n"
                                + "<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx/1.25.3"
                                + "</center>\r\n" + "<!-- padding -->".repeat(200) + "</body>\r\n</html>\r\n")
                .build());

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
        server.enqueue(new MockResponse.Builder()
                .code(503)
                .setHeader("Content-Type", "text/plain")
                .setHeader("Retry-After", "5")
                .body("upstream connect error or disconnect/reset before headers. reset reason: overflow")
                .build());

        OrsException error = call.failure(upstream);

        assertThat(error.httpStatus()).isEqualTo(503);
        assertThat(error.error().type()).isEqualTo(OrsException.SERVER_ERROR);
        assertThat(error.getMessage()).contains("upstream connect error or disconnect/reset before headers");
        assertThat(error.error().headers()).containsEntry("retry-after", "5");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504})
    void serverErrorStatusesAreKept(int status) {
        server.enqueue(Sse.json(status, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));

        OrsException error = Call.STREAM.failure(upstream);

        assertThat(error.httpStatus()).isEqualTo(status);
        assertThat(error.error().type()).isEqualTo(OrsException.SERVER_ERROR);
        assertThat(error.getMessage()).endsWith(": boom");
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void unauthorizedSaysTheGatewaysCredentialsWereRejectedWithoutLeakingThem(Call call) {
        server.enqueue(Sse.json(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY + ". You can find your API key at"
                        + " https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}"));

        OrsException error = call.failure(upstream);

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
        server.enqueue(Sse.json(
                403,
                "{\"error\":{\"message\":\"Project does not have access to model gpt-5\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"model_not_found\"}}"));

        OrsException error = Call.STREAM.failure(upstream);

        assertThat(error.httpStatus()).isEqualTo(403);
        assertThat(error.error().code()).isEqualTo("upstream_unauthorized");
        assertThat(error.getMessage()).contains("Project does not have access to model gpt-5");
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void badRequestKeepsTheProvidersMessageParamAndCode(Call call) {
        server.enqueue(Sse.json(
                400,
                "{\"error\":{\"message\":\"Invalid 'messages[0].content': string too long. Expected a string with"
                        + " maximum length 10485760, but got a string with length 10485761 instead.\",\"type\":"
                        + "\"invalid_request_error\",\"param\":\"messages[0].content\",\"code\":"
                        + "\"string_above_max_length\"}}"));

        OrsException error = call.failure(upstream);

        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.error().code()).isEqualTo("string_above_max_length");
        assertThat(error.error().param()).isEqualTo("messages[0].content");
        assertThat(error.getMessage()).startsWith("Invalid 'messages[0].content': string too long.");
    }

    @Test
    void ollamaModelNotFoundIsAnInvalidRequestWith404() {
        server.enqueue(Sse.json(
                404,
                "{\"error\":{\"message\":\"model \\\"llama9\\\" not found, try pulling it first\",\"type\":"
                        + "\"api_error\",\"param\":null,\"code\":null}}"));

        OrsException error = Call.STREAM.failure(upstream);

        assertThat(error.httpStatus()).isEqualTo(404);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.error().code()).isEqualTo("upstream_invalid_request");
        assertThat(error.getMessage()).isEqualTo("model \"llama9\" not found, try pulling it first");
    }

    @Test
    void fastApiValidationErrorIsAnInvalidRequestWith422() {
        server.enqueue(Sse.json(
                422,
                "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"messages\"],\"msg\":\"Field required\","
                        + "\"input\":{}}]}"));

        OrsException error = Call.COMPLETE.failure(upstream);

        assertThat(error.httpStatus()).isEqualTo(422);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.getMessage()).isEqualTo("Field required");
    }

    @Test
    void streamAnsweredWithJsonIsABadResponse() {
        server.enqueue(Sse.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}"));

        OrsException error = Call.STREAM.failure(upstream);

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
        try (OkHttpChatCompletionsUpstream refused = OkHttpChatCompletionsUpstream.builder()
                .baseUrl("http://127.0.0.1:" + closedPort + "/v1")
                .apiKey(API_KEY)
                .build()) {

            OrsException error = call.failure(refused);

            assertThat(error.httpStatus()).isEqualTo(502);
            assertThat(error.error().code()).isEqualTo("upstream_unreachable");
            assertThat(error.getMessage())
                    .contains("http://127.0.0.1:" + closedPort + "/v1/chat/completions")
                    .doesNotContain(API_KEY);
        }
    }

    @Test
    void stalledStreamTimesOutWithinTheReadTimeout() {
        server.enqueue(Sse.response(Fixtures.contentStream(3))
                .bodyDelay(5, TimeUnit.SECONDS)
                .build());
        try (OkHttpChatCompletionsUpstream impatient = Sse.upstream(server.url("/v1"))
                .readTimeout(Duration.ofMillis(200))
                .build()) {
            long start = System.nanoTime();

            OrsException error = Call.STREAM.failure(impatient);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            assertThat(error.httpStatus()).isEqualTo(504);
            assertThat(error.error().code()).isEqualTo("upstream_timeout");
            assertThat(error.getMessage()).contains(impatient.describe());
        }
    }

    @ParameterizedTest
    @EnumSource(Call.class)
    void stalledHeadersTimeOut(Call call) {
        server.enqueue(Sse.response(Fixtures.contentStream(3))
                .headersDelay(5, TimeUnit.SECONDS)
                .build());
        try (OkHttpChatCompletionsUpstream impatient = Sse.upstream(server.url("/v1"))
                .readTimeout(Duration.ofMillis(200))
                .build()) {

            OrsException error = call.failure(impatient);

            assertThat(error.httpStatus()).isEqualTo(504);
            assertThat(error.error().code()).isEqualTo("upstream_timeout");
        }
    }

    @Test
    void callTimeoutEndsANonStreamingCall() {
        server.enqueue(
                Sse.json(200, "{}").newBuilder().bodyDelay(5, TimeUnit.SECONDS).build());
        try (OkHttpChatCompletionsUpstream impatient = Sse.upstream(server.url("/v1"))
                .callTimeout(Duration.ofMillis(300))
                .build()) {

            OrsException error = Call.COMPLETE.failure(impatient);

            assertThat(error.httpStatus()).isEqualTo(504);
            assertThat(error.error().code()).isEqualTo("upstream_timeout");
        }
    }

    @Test
    void callTimeoutDoesNotCutALongHealthyStream() {
        // About 1.5 s of steady data against a 300 ms call timeout and a generous read timeout.
        String body = Fixtures.contentStream(30);
        server.enqueue(Sse.response(body)
                .throttleBody(body.length() / 30, 50, TimeUnit.MILLISECONDS)
                .build());
        try (OkHttpChatCompletionsUpstream upstreamWithCallTimeout = Sse.upstream(server.url("/v1"))
                .callTimeout(Duration.ofMillis(300))
                .readTimeout(Duration.ofSeconds(5))
                .build()) {

            List<?> chunks = Sse.collect(upstreamWithCallTimeout.stream(Fixtures.request()));

            assertThat(chunks).hasSize(30);
        }
    }
}
