package dev.orsgateway.upstream.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orsgateway.core.chat.ChatChunk;
import java.lang.reflect.Method;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Builder validation, client ownership and the virtual-thread option. */
@Timeout(60)
class BuilderTest {

    @StartStop
    private final MockWebServer server = new MockWebServer();

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
    void invalidHeaderValuesAreRejectedWithoutQuotingThem() {
        assertThatThrownBy(() -> OkHttpChatCompletionsUpstream.builder().header("api-key", "abc\nsecret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("api-key")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> OkHttpChatCompletionsUpstream.builder().streamBuffer(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeLeavesAClientPassedInAlone() {
        server.enqueue(Sse.response(Fixtures.contentStream(1)).build());
        server.enqueue(Sse.response(Fixtures.contentStream(1)).build());
        OkHttpClient client = new OkHttpClient();
        try {
            OkHttpChatCompletionsUpstream first =
                    Sse.upstream(server.url("/v1")).client(client).build();
            Sse.collect(first.stream(Fixtures.request()));
            first.close();

            assertThat(client.dispatcher().executorService().isShutdown()).isFalse();
            OkHttpChatCompletionsUpstream second =
                    Sse.upstream(server.url("/v1")).client(client).build();
            assertThat(Sse.collect(second.stream(Fixtures.request()))).hasSize(1);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Test
    void closeReleasesTheClientItBuilt() {
        OkHttpChatCompletionsUpstream upstream = Sse.upstream(server.url("/v1")).build();

        upstream.close();
        upstream.close();

        assertThatThrownBy(() -> upstream.stream(Fixtures.request())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> upstream.complete(Fixtures.request())).isInstanceOf(IllegalStateException.class);
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

        assertThatThrownBy(() -> Sse.upstream(server.url("/v1"))
                        .client(new OkHttpClient())
                        .virtualThreads(true)
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void virtualThreadsReadTheStreamOnAVirtualThread() throws Exception {
        assumeTrue(OkHttpChatCompletionsUpstream.virtualThreadsSupported());
        server.enqueue(Sse.response(Fixtures.contentStream(3)).build());
        Method isVirtual = Thread.class.getMethod("isVirtual");
        List<Boolean> onVirtual = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (OkHttpChatCompletionsUpstream upstream =
                Sse.upstream(server.url("/v1")).virtualThreads(true).build()) {
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
            upstream.stream(Fixtures.request()).subscribe(subscriber);

            assertThat(subscriber.awaitCompletion()).isNotNull();
        }
        assertThat(onVirtual).isNotEmpty().allMatch(Boolean::booleanValue);
    }
}
