package dev.orsgateway.core.internal.flow;

import java.util.List;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.Test;

/** The Reactive Streams TCK against {@link FlatMapProcessor} as a publisher: a 1:1 stage over a list source. */
@Test
public class FlatMapProcessorTckTest extends FlowPublisherVerification<Integer> {

    public FlatMapProcessorTckTest() {
        super(new TestEnvironment(TckSupport.DEFAULT_TIMEOUT_MILLIS));
    }

    @Override
    public Flow.Publisher<Integer> createFlowPublisher(long elements) {
        FlatMapProcessor<Integer, Integer> processor = new FlatMapProcessor<>(List::of);
        Publishers.fromIterable(TckSupport.range(elements)).subscribe(processor);
        return processor;
    }

    @Override
    public Flow.Publisher<Integer> createFailedFlowPublisher() {
        // Upstream fails at once and the stage re-throws, so downstream sees onError.
        FlatMapProcessor<Integer, Integer> processor = new FlatMapProcessor<>(new FlatMapProcessor.Stage<>() {
            @Override
            public List<Integer> onNext(Integer item) {
                return List.of(item);
            }

            @Override
            public List<Integer> onError(Throwable error) {
                throw (RuntimeException) error;
            }
        });
        Publishers.<Integer>failed(new IllegalStateException("upstream failed")).subscribe(processor);
        return processor;
    }

    @Override
    public long maxElementsFromPublisher() {
        return TckSupport.MAX_ELEMENTS;
    }
}
