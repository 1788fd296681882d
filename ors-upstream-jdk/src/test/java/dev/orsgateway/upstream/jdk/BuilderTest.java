package dev.orsgateway.upstream.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.testing.FakeChatServer;
import dev.orsgateway.core.testing.FakeChatServer.GeneratedStream;
import dev.orsgateway.core.testing.FakeChatServer.Reply;
import dev.orsgateway.core.testing.RecordingSubscriber;
import dev.orsgateway.core.testing.UpstreamFixtures;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Builder validation, the stream limit, the executor and client options, and close. */
@Timeout(60)
class BuilderTest {

    private FakeChatServer server;

    @BeforeEach
    void start() throws IOException {
        server = FakeChatServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JdkHttpChatCompletionsUpstream.Builder upstream() {
        return JdkHttpChatCompletionsUpstream.builder().baseUrl(server.url("/v1"));
    }

    @Test
    void baseUrlIsRequiredAndMustBeHttp() {
        assertThatThrownBy(() -> JdkHttpChatCompletionsUpstream.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> JdkHttpChatCompletionsUpstream.builder()
                        .baseUrl("ftp://user:secret-pw@example.com/v1")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret-pw");
    }

    @Test
    void invalidHeadersAndSettingsAreRejectedWithoutQuotingThem() {
        assertThatThrownBy(() -> JdkHttpChatCompletionsUpstream.builder().header("api-key", "abc\nsecret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("api-key")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> JdkHttpChatCompletionsUpstream.builder().header("Content-Length", "12"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JdkHttpChatCompletionsUpstream.builder().streamBuffer(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JdkHttpChatCompletionsUpstream.builder().maxConcurrentStreams(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> upstream()
                        .httpClient(HttpClient.newHttpClient())
                        .executor(Runnable::run)
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aStreamOverTheLimitFailsAtOnceWith429AndRetryAfterInsteadOfQueueing() throws Exception {
        GeneratedStream held = new GeneratedStream(400_000);
        server.enqueue(Reply.sse(held));
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));
        try (JdkHttpChatCompletionsUpstream upstream =
                upstream().maxConcurrentStreams(1).streamBuffer(1).build()) {
            RecordingSubscriber<ChatChunk> first = new RecordingSubscriber<>(1);
            upstream.stream(UpstreamFixtures.request()).subscribe(first);
            first.awaitItems(1);

            OrsException refused = UpstreamFixtures.failure(upstream.stream(UpstreamFixtures.request()));

            assertThat(refused.httpStatus()).isEqualTo(429);
            assertThat(refused.error().type()).isEqualTo(OrsException.TOO_MANY_REQUESTS);
            assertThat(refused.error().code()).isEqualTo("upstream_concurrency_limit");
            assertThat(refused.retryAfter()).contains(Duration.ofSeconds(1));
            assertThat(server.requestCount()).isEqualTo(1);
            assertThat(upstream.openStreams()).isEqualTo(1);

            first.cancel();
            assertThat(held.awaitWriteFailure()).isTrue();
            assertThat(upstream.openStreams()).isZero();
            assertThat(UpstreamFixtures.collect(upstream.stream(UpstreamFixtures.request())))
                    .hasSize(1);
        }
    }

    @Test
    void aDirectExecutorRunsTheStreamOnTheClientsOwnThreads() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(3)));
        Set<String> threads = new CopyOnWriteArraySet<>();
        try (JdkHttpChatCompletionsUpstream upstream =
                upstream().executor(Runnable::run).build()) {
            RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>(Long.MAX_VALUE) {
                @Override
                public void onNext(ChatChunk item) {
                    threads.add(Thread.currentThread().getName());
                    super.onNext(item);
                }
            };
            upstream.stream(UpstreamFixtures.request()).subscribe(subscriber);

            assertThat(subscriber.awaitCompletion()).hasSize(3);
        }
        // The client's selector thread, or the subscribing thread when the chunks were already there: never a pool of
        // ours (which thread of the two depends on timing, so neither is required).
        assertThat(threads)
                .isNotEmpty()
                .noneMatch(name -> name.startsWith("ors-jdk-http-") && name.contains("-worker-"));
    }

    @Test
    void severalSelectorThreadsServeStreamsInTurn() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(Reply.sse(UpstreamFixtures.contentStream(3)));
        }
        try (JdkHttpChatCompletionsUpstream upstream =
                upstream().selectorThreads(2).executor(Runnable::run).build()) {
            for (int i = 0; i < 4; i++) {
                assertThat(UpstreamFixtures.collect(upstream.stream(UpstreamFixtures.request())))
                        .hasSize(3);
            }
        }
        assertThatThrownBy(() -> upstream().selectorThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> upstream()
                        .httpClient(java.net.http.HttpClient.newHttpClient())
                        .selectorThreads(2)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("selectorThreads");
    }

    @Test
    void closeFailsOpenStreamsAndRefusesNewCalls() throws Exception {
        GeneratedStream held = new GeneratedStream(400_000);
        server.enqueue(Reply.sse(held));
        JdkHttpChatCompletionsUpstream upstream = upstream().streamBuffer(1).build();
        RecordingSubscriber<ChatChunk> open = new RecordingSubscriber<>(1);
        upstream.stream(UpstreamFixtures.request()).subscribe(open);
        open.awaitItems(1);

        upstream.close();
        upstream.close();

        assertThat(open.awaitError()).isInstanceOf(OrsException.class);
        assertThat(held.awaitWriteFailure()).isTrue();
        assertThatThrownBy(() -> upstream.stream(UpstreamFixtures.request())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> upstream.complete(UpstreamFixtures.request()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeLeavesAClientPassedInAlone() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));
        var executor = Executors.newFixedThreadPool(2);
        try {
            HttpClient client = HttpClient.newBuilder().executor(executor).build();
            JdkHttpChatCompletionsUpstream first = upstream().httpClient(client).build();
            UpstreamFixtures.collect(first.stream(UpstreamFixtures.request()));
            first.close();

            assertThat(executor.isShutdown()).isFalse();
            JdkHttpChatCompletionsUpstream second =
                    upstream().httpClient(client).build();
            List<ChatChunk> chunks = UpstreamFixtures.collect(second.stream(UpstreamFixtures.request()));
            assertThat(chunks).hasSize(1);
        } finally {
            executor.shutdown();
        }
    }
}
