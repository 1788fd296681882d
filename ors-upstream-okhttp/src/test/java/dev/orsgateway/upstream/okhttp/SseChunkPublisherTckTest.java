package dev.orsgateway.upstream.okhttp;

import dev.orsgateway.core.chat.ChatChunk;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Flow;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against {@link OkHttpChatCompletionsUpstream#stream}: every publisher is a real HTTP call to
 * MockWebServer, which serves {@code /tck/<n>/v1/chat/completions} as a stream of exactly {@code n} chunks (generated as
 * the client reads, so even the {@code Integer.MAX_VALUE} one costs only what is read) and {@code /tck/fail/...} as an
 * HTTP 500.
 */
@Test
public class SseChunkPublisherTckTest extends FlowPublisherVerification<ChatChunk> {

    /** Generous: the build machines are noisy 2-core boxes. */
    private static final long DEFAULT_TIMEOUT_MILLIS = 500;

    private MockWebServer server;
    private OkHttpClient client;

    public SseChunkPublisherTckTest() {
        super(new TestEnvironment(DEFAULT_TIMEOUT_MILLIS));
    }

    @BeforeClass
    public void startServer() throws IOException {
        server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                List<String> path = request.getUrl().pathSegments();
                if (path.get(1).equals("fail")) {
                    return Sse.json(500, "{\"error\":{\"message\":\"The TCK's failed publisher\"}}");
                }
                return new MockResponse.Builder()
                        .setHeader("Content-Type", "text/event-stream")
                        .body(new GeneratedStreamBody(Long.parseLong(path.get(1))))
                        .build();
            }
        });
        server.start();
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        dispatcher.setMaxRequestsPerHost(256);
        client = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    }

    @AfterClass(alwaysRun = true)
    public void stopServer() {
        client.dispatcher().cancelAll();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        server.close();
    }

    private Flow.Publisher<ChatChunk> publisher(String segment) {
        OkHttpChatCompletionsUpstream upstream = OkHttpChatCompletionsUpstream.builder()
                .baseUrl(server.url("/tck/" + segment + "/v1").toString())
                .client(client)
                .build();
        return upstream.stream(Fixtures.request());
    }

    @Override
    public Flow.Publisher<ChatChunk> createFlowPublisher(long elements) {
        return publisher(Long.toString(elements));
    }

    @Override
    public Flow.Publisher<ChatChunk> createFailedFlowPublisher() {
        return publisher("fail");
    }

    @Override
    public long maxElementsFromPublisher() {
        return Integer.MAX_VALUE; // enough for every TCK test, including rule 3.17's
    }
}
