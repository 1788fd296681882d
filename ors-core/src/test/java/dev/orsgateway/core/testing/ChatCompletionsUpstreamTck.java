package dev.orsgateway.core.testing;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.testing.FakeChatServer.GeneratedStream;
import dev.orsgateway.core.testing.FakeChatServer.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against an upstream's {@code stream}: every publisher is a real HTTP call to a
 * {@link FakeChatServer}, which serves {@code /tck/<n>/v1/chat/completions} as a stream of exactly {@code n} chunks
 * (generated as the client reads, so even the {@code Integer.MAX_VALUE} one costs only what is read) and
 * {@code /tck/fail/...} as an HTTP 500. A transport's test class extends it and builds the upstream for a base URL.
 */
@Test
public abstract class ChatCompletionsUpstreamTck extends FlowPublisherVerification<ChatChunk> {

    /** Generous: the build machines are noisy 2-core boxes. */
    private static final long DEFAULT_TIMEOUT_MILLIS = 500;

    private FakeChatServer server;
    private final List<ChatCompletionsUpstream> built = new ArrayList<>();

    protected ChatCompletionsUpstreamTck() {
        super(new TestEnvironment(DEFAULT_TIMEOUT_MILLIS));
    }

    /**
     * Builds the upstream under test.
     *
     * @param baseUrl its base URL
     * @return a new upstream; closed after the class if {@link AutoCloseable}
     */
    protected abstract ChatCompletionsUpstream create(String baseUrl);

    @BeforeClass
    public void startServer() throws IOException {
        server = FakeChatServer.start();
        server.dispatch(request -> {
            String segment = request.path().split("/")[2];
            if (segment.equals("fail")) {
                return Reply.json(500, "{\"error\":{\"message\":\"The TCK's failed publisher\"}}");
            }
            return Reply.sse(new GeneratedStream(Long.parseLong(segment)));
        });
    }

    @AfterClass(alwaysRun = true)
    public void stopServer() throws Exception {
        for (ChatCompletionsUpstream upstream : built) {
            if (upstream instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        server.close();
    }

    private Flow.Publisher<ChatChunk> publisher(String segment) {
        ChatCompletionsUpstream upstream = create(server.url("/tck/" + segment + "/v1"));
        synchronized (built) {
            built.add(upstream);
        }
        return upstream.stream(UpstreamFixtures.request());
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
