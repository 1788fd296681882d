package dev.orsgateway.upstream.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.testing.FakeChatServer;
import dev.orsgateway.core.testing.FakeChatServer.GeneratedStream;
import dev.orsgateway.core.testing.FakeChatServer.Reply;
import dev.orsgateway.core.testing.RecordingSubscriber;
import dev.orsgateway.core.testing.UpstreamFixtures;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Builder validation, client ownership, the call limits and the virtual-thread option. */
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

    private OkHttpChatCompletionsUpstream.Builder upstream() {
        return OkHttpChatCompletionsUpstream.builder().baseUrl(server.url("/v1"));
    }

    @Test
    void baseUrlIsRequiredAndMustBeHttp() {
        assertThatThrownBy(() -> OkHttpChatCompletionsUpstream.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> OkHttpChatCompletionsUpstream.builder()
                        .baseUrl("ftp://user:secret-pw@example.com/v1")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret-pw");
    }

    @Test
    void invalidHeaderValuesAndLimitsAreRejectedWithoutQuotingThem() {
        assertThatThrownBy(() -> OkHttpChatCompletionsUpstream.builder().header("api-key", "abc\nsecret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("api-key")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> OkHttpChatCompletionsUpstream.builder().streamBuffer(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OkHttpChatCompletionsUpstream.builder().maxRequestsPerHost(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        upstream().client(new OkHttpClient()).maxRequests(5).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aStreamOverTheLimitFailsAtOnceWith429AndRetryAfterInsteadOfQueueing() throws Exception {
        GeneratedStream held = new GeneratedStream(400_000);
        server.enqueue(Reply.sse(held));
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));
        try (OkHttpChatCompletionsUpstream upstream =
                upstream().maxRequestsPerHost(1).streamBuffer(1).build()) {
            RecordingSubscriber<ChatChunk> first = new RecordingSubscriber<>(1);
            upstream.stream(UpstreamFixtures.request()).subscribe(first);
            first.awaitItems(1);

            OrsException refused = UpstreamFixtures.failure(upstream.stream(UpstreamFixtures.request()));
            OrsException refusedCall = UpstreamFixtures.failure(upstream.complete(UpstreamFixtures.request()));

            assertThat(refused.httpStatus()).isEqualTo(429);
            assertThat(refused.error().type()).isEqualTo(OrsException.TOO_MANY_REQUESTS);
            assertThat(refused.error().code()).isEqualTo("upstream_concurrency_limit");
            assertThat(refused.retryAfter()).contains(Duration.ofSeconds(1));
            assertThat(refusedCall.httpStatus()).isEqualTo(429);
            assertThat(server.requestCount()).isEqualTo(1);

            first.cancel();
            assertThat(held.awaitWriteFailure()).isTrue();
            // The slot comes back when OkHttp's callback for the cancelled call returns, on its own thread: wait for
            // that (the server seeing the connection close can come first).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (upstream.openCalls() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertThat(upstream.openCalls()).isZero();
            assertThat(UpstreamFixtures.collect(upstream.stream(UpstreamFixtures.request())))
                    .hasSize(1);
        }
    }

    @Test
    void closeLeavesAClientPassedInAlone() {
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(1)));
        OkHttpClient client = new OkHttpClient();
        try {
            OkHttpChatCompletionsUpstream first = upstream().client(client).build();
            UpstreamFixtures.collect(first.stream(UpstreamFixtures.request()));
            first.close();

            assertThat(client.dispatcher().executorService().isShutdown()).isFalse();
            OkHttpChatCompletionsUpstream second = upstream().client(client).build();
            assertThat(UpstreamFixtures.collect(second.stream(UpstreamFixtures.request())))
                    .hasSize(1);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Test
    void closeReleasesTheClientItBuilt() {
        OkHttpChatCompletionsUpstream upstream = upstream().build();

        upstream.close();
        upstream.close();

        assertThatThrownBy(() -> upstream.stream(UpstreamFixtures.request())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> upstream.complete(UpstreamFixtures.request()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void virtualThreadsNeedJava21() {
        assumeFalse(OkHttpChatCompletionsUpstream.virtualThreadsSupported());

        assertThatThrownBy(() -> OkHttpChatCompletionsUpstream.builder().virtualThreads(true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Java 21");
    }

    @Test
    void virtualThreadsRefuseAClientPassedIn() {
        assumeTrue(OkHttpChatCompletionsUpstream.virtualThreadsSupported());

        assertThatThrownBy(() -> upstream()
                        .client(new OkHttpClient())
                        .virtualThreads(true)
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void virtualThreadsReadTheStreamOnAVirtualThread() throws Exception {
        assumeTrue(OkHttpChatCompletionsUpstream.virtualThreadsSupported());
        server.enqueue(Reply.sse(UpstreamFixtures.contentStream(3)));
        Method isVirtual = Thread.class.getMethod("isVirtual");
        List<Boolean> onVirtual = new CopyOnWriteArrayList<>();
        try (OkHttpChatCompletionsUpstream upstream =
                upstream().virtualThreads(true).build()) {
            // All demand up front: every onNext then runs on the thread that reads the stream.
            RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>(Long.MAX_VALUE) {
                @Override
                public void onNext(ChatChunk item) {
                    try {
                        onVirtual.add((Boolean) isVirtual.invoke(Thread.currentThread()));
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                    super.onNext(item);
                }
            };
            upstream.stream(UpstreamFixtures.request()).subscribe(subscriber);

            assertThat(subscriber.awaitCompletion()).isNotNull();
        }
        assertThat(onVirtual).isNotEmpty().allMatch(Boolean::booleanValue);
    }
}
