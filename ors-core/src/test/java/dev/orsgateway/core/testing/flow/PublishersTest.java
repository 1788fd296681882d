package dev.orsgateway.core.testing.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PublishersTest {

    @Test
    void fromIterableEmitsOnlyWhatIsRequested() {
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        Publishers.fromIterable(List.of("a", "b", "c")).subscribe(subscriber);
        assertThat(subscriber.signals).containsExactly("subscribe");

        subscriber.request(2);
        assertThat(subscriber.signals).containsExactly("subscribe", "next:a", "next:b");

        subscriber.request(1);
        assertThat(subscriber.signals).containsExactly("subscribe", "next:a", "next:b", "next:c", "complete");
    }

    @Test
    void fromIterableOfNothingCompletesWithoutDemand() {
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        Publishers.<String>fromIterable(List.of()).subscribe(subscriber);
        assertThat(subscriber.signals).containsExactly("subscribe", "complete");
    }

    @Test
    void fromIterableReplaysEverythingToEverySubscriber() throws Exception {
        var publisher = Publishers.fromIterable(List.of("a", "b"));

        assertThat(Publishers.collect(publisher).get(5, TimeUnit.SECONDS)).containsExactly("a", "b");
        assertThat(Publishers.collect(publisher).get(5, TimeUnit.SECONDS)).containsExactly("a", "b");
    }

    @Test
    void fromIterableFailsTheStreamOnANullElement() {
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        Publishers.fromIterable(Arrays.asList("a", null, "c")).subscribe(subscriber);
        subscriber.request(5);
        assertThat(subscriber.items).containsExactly("a");
        assertThat(subscriber.error).isInstanceOf(NullPointerException.class);
    }

    @Test
    void fromIterableFailsTheStreamWhenTheIteratorThrows() {
        IllegalStateException failure = new IllegalStateException("store read failed");
        Iterable<String> failing = () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                if (next == 2) {
                    throw failure;
                }
                return "item" + next++;
            }
        };
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        Publishers.fromIterable(failing).subscribe(subscriber);
        subscriber.request(Long.MAX_VALUE);
        assertThat(subscriber.signals)
                .containsExactly(
                        "subscribe", "next:item0", "next:item1", "error:IllegalStateException:store read failed");
        assertThat(subscriber.error).isSameAs(failure);
    }

    @Test
    void fromIterableStopsAfterCancel() {
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        Publishers.fromIterable(List.of("a", "b", "c")).subscribe(subscriber);
        subscriber.request(1);
        subscriber.cancel();
        subscriber.request(5);
        assertThat(subscriber.signals).containsExactly("subscribe", "next:a");
    }

    @Test
    void fromIterableSignalsIllegalArgumentForNonPositiveRequest() {
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        Publishers.fromIterable(List.of("a")).subscribe(subscriber);
        subscriber.request(-1);
        assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class);
        assertThat(subscriber.signals).hasSize(2);
    }

    @Test
    void failedSignalsOnSubscribeThenTheError() {
        IllegalStateException failure = new IllegalStateException("nope");
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        Publishers.<String>failed(failure).subscribe(subscriber);
        assertThat(subscriber.signals).containsExactly("subscribe", "error:IllegalStateException:nope");
        assertThat(subscriber.error).isSameAs(failure);
    }

    @Test
    void collectCompletesExceptionallyWhenTheStreamFails() {
        IllegalStateException failure = new IllegalStateException("nope");
        CompletableFuture<List<String>> result = Publishers.collect(Publishers.failed(failure));
        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCause(failure);
    }

    @Test
    void collectRequestsEverythingAndCancelsASecondSubscription() throws Exception {
        AtomicReference<Flow.Subscriber<? super String>> captured = new AtomicReference<>();
        Flow.Publisher<String> capturing = captured::set;
        CompletableFuture<List<String>> result = Publishers.collect(capturing);
        ManualPublisher<String> first = new ManualPublisher<>();
        ManualPublisher<String> second = new ManualPublisher<>();

        first.subscribe(captured.get());
        second.subscribe(captured.get()); // rule 2.5

        assertThat(first.requested()).isEqualTo(Long.MAX_VALUE);
        assertThat(second.cancelled()).isTrue();
        assertThat(second.requested()).isZero();
        first.emit("a");
        assertThat(result).isNotDone();
        first.complete();
        assertThat(result.get(5, TimeUnit.SECONDS)).containsExactly("a");
    }
}
