package dev.orsgateway.core.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.routing.RetryPolicy;
import dev.orsgateway.core.routing.Route;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.testing.ScriptedUpstream;
import dev.orsgateway.core.testing.flow.Publishers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against {@link FailoverStream}: every publisher under test first fails over (its primary
 * answers 503 before any chunk), then passes on its fallback's chunks, so the rules are checked across the switch.
 */
@Test
public class FailoverStreamTckTest extends FlowPublisherVerification<ChatChunk> {
    private static final ChatCompletionRequest REQUEST = ChatCompletionRequest.builder()
            .model("m")
            .messages(List.of(ChatMessage.user("hi")))
            .build();

    public FailoverStreamTckTest() {
        super(new TestEnvironment(500));
    }

    @Override
    public Flow.Publisher<ChatChunk> createFlowPublisher(long elements) {
        Iterable<ChatChunk> chunks = () -> IntStream.range(0, Math.toIntExact(elements))
                .mapToObj(i -> ScriptedUpstream.contentChunk("c", "t" + i))
                .iterator();
        return stream(request -> Publishers.failed(error(503)), request -> Publishers.fromIterable(chunks));
    }

    @Override
    public Flow.Publisher<ChatChunk> createFailedFlowPublisher() {
        return stream(request -> Publishers.failed(error(503)), request -> Publishers.failed(error(400)));
    }

    @Override
    public long maxElementsFromPublisher() {
        return Integer.MAX_VALUE;
    }

    private static Flow.Publisher<ChatChunk> stream(
            Function<ChatCompletionRequest, Flow.Publisher<ChatChunk>> primary,
            Function<ChatCompletionRequest, Flow.Publisher<ChatChunk>> fallback) {
        Router router = Router.builder()
                .upstream("primary", new Upstream(primary))
                .upstream("fallback", new Upstream(fallback))
                .route(Route.forModel("*").to("primary").to("fallback").build())
                .retry(new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10)))
                .build();
        return new RoutedCall(router, router.route("m").orElseThrow(), REQUEST, "resp_tck").stream();
    }

    private static OrsException error(int status) {
        return new OrsException(new ErrorPayload("server_error", "upstream_error", "scripted " + status, null), status);
    }

    private record Upstream(Function<ChatCompletionRequest, Flow.Publisher<ChatChunk>> streams)
            implements ChatCompletionsUpstream {
        @Override
        public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
            return streams.apply(request);
        }

        @Override
        public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String describe() {
            return "tck";
        }
    }
}
