package dev.orsgateway.core.internal;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.testing.flow.Publishers;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against {@link ThinkTags#extract}: over {@code n} chunks of plain text (an answer without a
 * think block, so each chunk in is one chunk out and nothing is held at the end) it publishes exactly {@code n}.
 */
@Test
public class ThinkTagsTckTest extends FlowPublisherVerification<ChatChunk> {

    public ThinkTagsTckTest() {
        super(new TestEnvironment(500));
    }

    @Override
    public Flow.Publisher<ChatChunk> createFlowPublisher(long elements) {
        Iterable<ChatChunk> chunks = () -> IntStream.range(0, Math.toIntExact(elements))
                .mapToObj(i -> new ChatChunk(
                        "c", 1L, "m", List.of(new ChunkChoice(0, ChatDelta.ofContent("w" + i), null)), null))
                .iterator();
        return ThinkTags.extract(Publishers.fromIterable(chunks));
    }

    @Override
    public Flow.Publisher<ChatChunk> createFailedFlowPublisher() {
        return ThinkTags.extract(Publishers.failed(new IllegalStateException("failed upstream")));
    }

    @Override
    public long maxElementsFromPublisher() {
        return Integer.MAX_VALUE; // the source is lazy: the rule 3.17 test cancels after a few
    }
}
