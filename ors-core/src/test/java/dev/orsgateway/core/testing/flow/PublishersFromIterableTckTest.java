package dev.orsgateway.core.testing.flow;

import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.Test;

/** The Reactive Streams TCK against {@link Publishers#fromIterable} (and {@link Publishers#failed}). */
@Test
public class PublishersFromIterableTckTest extends FlowPublisherVerification<Integer> {

    public PublishersFromIterableTckTest() {
        super(new TestEnvironment(TckSupport.DEFAULT_TIMEOUT_MILLIS));
    }

    @Override
    public Flow.Publisher<Integer> createFlowPublisher(long elements) {
        return Publishers.fromIterable(TckSupport.range(elements));
    }

    @Override
    public Flow.Publisher<Integer> createFailedFlowPublisher() {
        return Publishers.failed(new IllegalStateException("failed publisher"));
    }

    @Override
    public long maxElementsFromPublisher() {
        return TckSupport.MAX_ELEMENTS;
    }
}
