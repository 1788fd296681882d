package dev.orsgateway.core.testing.flow;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.Test;

/** The Reactive Streams TCK against the subscriber behind {@link Publishers#collect}. */
@Test
public class CollectSubscriberTckTest extends FlowSubscriberBlackboxVerification<Integer> {

    public CollectSubscriberTckTest() {
        super(new TestEnvironment(TckSupport.DEFAULT_TIMEOUT_MILLIS));
    }

    @Override
    public Flow.Subscriber<Integer> createFlowSubscriber() {
        // collect() subscribes its own subscriber; capture it instead of letting it subscribe anywhere.
        AtomicReference<Flow.Subscriber<? super Integer>> captured = new AtomicReference<>();
        Flow.Publisher<Integer> capturing = captured::set;
        Publishers.collect(capturing);
        @SuppressWarnings("unchecked") // collect's subscriber accepts any T; here T is Integer
        Flow.Subscriber<Integer> subscriber = (Flow.Subscriber<Integer>) captured.get();
        return subscriber;
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}
