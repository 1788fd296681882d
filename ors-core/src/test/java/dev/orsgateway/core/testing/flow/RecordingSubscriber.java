package dev.orsgateway.core.testing.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/** Records every signal it receives, in order, as text ("next:x", "complete", "error:Type:message"). */
final class RecordingSubscriber<T> implements Flow.Subscriber<T> {

    final List<String> signals = new ArrayList<>();
    final List<T> items = new ArrayList<>();
    Throwable error;
    Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        signals.add("subscribe");
    }

    @Override
    public void onNext(T item) {
        items.add(item);
        signals.add("next:" + item);
    }

    @Override
    public void onError(Throwable throwable) {
        error = throwable;
        signals.add("error:" + throwable.getClass().getSimpleName() + ":" + throwable.getMessage());
    }

    @Override
    public void onComplete() {
        signals.add("complete");
    }

    void request(long n) {
        subscription.request(n);
    }

    void cancel() {
        subscription.cancel();
    }
}
