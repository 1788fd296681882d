package dev.orsgateway.upstream.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.CompletionChoice;
import dev.orsgateway.core.json.OrsJson;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Non-streaming completions. */
@Timeout(60)
class CompleteTest {

    static final String COMPLETION_JSON = "{\"id\":\"chatcmpl-CWq9Zt2LmQ8xRb4nV7kP1sYcHd0E\",\"object\":"
            + "\"chat.completion\",\"created\":1764079900,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello! How can I help you today?\",\"refusal\":null,"
            + "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,"
            + "\"completion_tokens\":9,\"total_tokens\":28,\"prompt_tokens_details\":{\"cached_tokens\":0,"
            + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_560af6e559\"}";

    static final ChatCompletion COMPLETION = parse(COMPLETION_JSON);

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private OkHttpChatCompletionsUpstream upstream;

    private static ChatCompletion parse(String json) {
        try {
            return OrsJson.read(json, ChatCompletion.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @BeforeEach
    void setUp() {
        upstream = Sse.upstream(server.url("/v1")).build();
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    @Test
    void parsesTheCompletion() throws Exception {
        server.enqueue(Sse.json(200, COMPLETION_JSON));

        ChatCompletion completion = upstream.complete(Fixtures.request()).get(10, TimeUnit.SECONDS);

        assertThat(completion).isEqualTo(COMPLETION);
        assertThat(completion.id()).isEqualTo("chatcmpl-CWq9Zt2LmQ8xRb4nV7kP1sYcHd0E");
        CompletionChoice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo("stop");
        assertThat(choice.message().content()).isEqualTo(new ChatContent.Text("Hello! How can I help you today?"));
        assertThat(completion.findUsage()).map(ChatUsage::totalTokens).contains(28);
    }

    @Test
    void errorObjectInA200IsAnError() {
        server.enqueue(
                Sse.json(200, "{\"error\":{\"message\":\"No endpoints found that support tool use.\",\"code\":404}}"));

        OrsException error = Sse.failure(upstream.complete(Fixtures.request()));

        assertThat(error.httpStatus()).isEqualTo(404);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.getMessage()).isEqualTo("No endpoints found that support tool use.");
    }

    @Test
    void bodyThatIsNotACompletionIsABadResponse() {
        server.enqueue(Sse.json(200, "<html>oops</html>"));

        OrsException error = Sse.failure(upstream.complete(Fixtures.request()));

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.error().code()).isEqualTo("upstream_bad_response");
        assertThat(error.getMessage()).contains("oops");
    }

    @Test
    void cancellingTheFutureCancelsTheCall() throws InterruptedException {
        server.enqueue(Sse.json(200, COMPLETION_JSON)
                .newBuilder()
                .headersDelay(10, TimeUnit.SECONDS)
                .build());
        CountDownLatch requestSent = new CountDownLatch(1);
        CountDownLatch canceled = new CountDownLatch(1);
        OkHttpClient client = new OkHttpClient.Builder()
                .eventListener(new EventListener() {
                    @Override
                    public void requestHeadersEnd(Call call, okhttp3.Request request) {
                        requestSent.countDown();
                    }

                    @Override
                    public void canceled(Call call) {
                        canceled.countDown();
                    }
                })
                .build();
        try (OkHttpChatCompletionsUpstream withListener =
                Sse.upstream(server.url("/v1")).client(client).build()) {
            CompletableFuture<ChatCompletion> future = withListener.complete(Fixtures.request());
            assertThat(requestSent.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(future.cancel(true)).isTrue();

            assertThat(canceled.await(10, TimeUnit.SECONDS))
                    .as("the OkHttp call was cancelled")
                    .isTrue();
            assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
