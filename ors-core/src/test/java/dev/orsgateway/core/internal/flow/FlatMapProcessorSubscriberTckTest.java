package dev.orsgateway.core.internal.flow;

import java.util.List;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against {@link FlatMapProcessor} as a subscriber. A processor asks upstream only for what
 * its downstream wants, so each one under test has a downstream that requests everything.
 */
@Test
public class FlatMapProcessorSubscriberTckTest extends FlowSubscriberBlackboxVerification<Integer> {

    public FlatMapProcessorSubscriberTckTest() {
        super(new TestEnvironment(TckSupport.DEFAULT_TIMEOUT_MILLIS));
    }

    @Override
    public Flow.Subscriber<Integer> createFlowSubscriber() {
        FlatMapProcessor<Integer, Integer> processor = new FlatMapProcessor<>(List::of);
        Publishers.collect(processor);
        return processor;
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}
