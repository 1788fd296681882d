package dev.orsgateway.core.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FlatMapProcessorTest {

    /** "a" becomes "a1", "a2", "a3". */
    private static List<String> three(String item) {
        return List.of(item + "1", item + "2", item + "3");
    }

    private static <R> RecordingSubscriber<R> subscribe(FlatMapProcessor<?, R> processor) {
        RecordingSubscriber<R> downstream = new RecordingSubscriber<>();
        processor.subscribe(downstream);
        return downstream;
    }

    @Test
    void oneInputExpandingToThreeOutputsIsDeliveredOneAtATimeUnderRequestOne() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(FlatMapProcessorTest::three);
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);
        assertThat(upstream.requested()).isZero(); // nothing asked upstream before downstream demand

        downstream.request(1);
        assertThat(upstream.requested()).isEqualTo(1);
        upstream.emit("a");
        assertThat(downstream.items).containsExactly("a1");

        downstream.request(1);
        assertThat(downstream.items).containsExactly("a1", "a2");
        assertThat(upstream.requested())
                .as("no upstream request while outputs are buffered")
                .isEqualTo(1);

        downstream.request(1);
        assertThat(downstream.items).containsExactly("a1", "a2", "a3");
        assertThat(upstream.requested())
                .as("buffer empty but no demand left: still no upstream request")
                .isEqualTo(1);

        downstream.request(1);
        assertThat(upstream.requested()).isEqualTo(2);
        upstream.emit("b");
        assertThat(downstream.items).containsExactly("a1", "a2", "a3", "b1");
        assertThat(downstream.signals).doesNotContain("complete").noneMatch(s -> s.startsWith("error"));
    }

    @Test
    void stageCanDropItemsAndUpstreamIsAskedAgainForTheNext() {
        ManualPublisher<Integer> upstream = new ManualPublisher<>();
        FlatMapProcessor<Integer, Integer> processor = new FlatMapProcessor<>(i -> i % 2 == 0 ? List.of(i) : List.of());
        upstream.subscribe(processor);
        RecordingSubscriber<Integer> downstream = subscribe(processor);

        downstream.request(1);
        upstream.emit(1); // expands to nothing: demand is still 1, so the processor asks again
        assertThat(upstream.requested()).isEqualTo(2);
        upstream.emit(2);
        assertThat(downstream.items).containsExactly(2);
        assertThat(upstream.requested()).isEqualTo(2);
    }

    @Test
    void repeatedDownstreamRequestsKeepOneUpstreamRequestOutstanding() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(List::of);
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);

        downstream.request(1);
        downstream.request(1);
        downstream.request(5);
        assertThat(upstream.requested()).isEqualTo(1);

        upstream.emit("a");
        assertThat(upstream.requested()).isEqualTo(2);
        assertThat(downstream.items).containsExactly("a");
    }

    @Test
    void completionOutputsAreEmittedBeforeOnComplete() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(new FlatMapProcessor.Stage<>() {
            @Override
            public List<String> onNext(String item) {
                return List.of(item);
            }

            @Override
            public List<String> onComplete() {
                return List.of("end1", "end2");
            }
        });
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);

        downstream.request(1);
        upstream.emit("a");
        upstream.complete();
        assertThat(downstream.signals).containsExactly("subscribe", "next:a");

        downstream.request(1);
        assertThat(downstream.signals).containsExactly("subscribe", "next:a", "next:end1");

        downstream.request(1);
        assertThat(downstream.signals).containsExactly("subscribe", "next:a", "next:end1", "next:end2", "complete");
    }

    @Test
    void upstreamErrorTurnedIntoOutputsEndsWithNormalCompletion() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(new FlatMapProcessor.Stage<>() {
            @Override
            public List<String> onNext(String item) {
                return List.of(item);
            }

            @Override
            public List<String> onError(Throwable error) {
                return List.of("error:" + error.getMessage(), "response.failed");
            }
        });
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);

        downstream.request(10);
        upstream.emit("a");
        upstream.fail(new IllegalStateException("provider went away"));

        assertThat(downstream.signals)
                .containsExactly(
                        "subscribe", "next:a", "next:error:provider went away", "next:response.failed", "complete");
        assertThat(downstream.error).isNull();
    }

    @Test
    void byDefaultAnUpstreamErrorPassesThroughUnchanged() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(List::of);
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);
        IllegalStateException failure = new IllegalStateException("boom");

        upstream.fail(failure);

        assertThat(downstream.error).isSameAs(failure);
        assertThat(downstream.signals).containsExactly("subscribe", "error:IllegalStateException:boom");
    }

    @Test
    void stageThrowingSignalsExactlyOneOnErrorAndCancelsUpstream() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        IllegalArgumentException stageFailure = new IllegalArgumentException("bad chunk");
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(item -> {
            if (item.equals("boom")) {
                throw stageFailure;
            }
            return List.of(item);
        });
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);

        downstream.request(5);
        upstream.emit("ok");
        upstream.emit("boom");
        // Signals an upstream may still send after being cancelled (rule 3.12) must not reach downstream.
        upstream.emit("late");
        upstream.fail(new IllegalStateException("also late"));
        upstream.complete();

        assertThat(upstream.cancelled()).isTrue();
        assertThat(downstream.error).isSameAs(stageFailure);
        assertThat(downstream.signals)
                .containsExactly("subscribe", "next:ok", "error:IllegalArgumentException:bad chunk");
    }

    @Test
    void stageThrowingFromOnErrorSignalsThatExceptionDownstream() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(new FlatMapProcessor.Stage<>() {
            @Override
            public List<String> onNext(String item) {
                return List.of(item);
            }

            @Override
            public List<String> onError(Throwable error) {
                throw new UnsupportedOperationException("cannot convert " + error.getMessage());
            }
        });
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);

        upstream.fail(new IllegalStateException("x"));

        assertThat(downstream.signals)
                .containsExactly("subscribe", "error:UnsupportedOperationException:cannot convert x");
        assertThat(upstream.cancelled())
                .as("upstream already terminated; nothing to cancel")
                .isFalse();
    }

    @Test
    void stageReturningNullOutputSignalsNullPointerException() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(item -> Arrays.asList("a", null));
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);

        downstream.request(5);
        upstream.emit("x");

        assertThat(downstream.items).isEmpty();
        assertThat(downstream.error).isInstanceOf(NullPointerException.class);
        assertThat(upstream.cancelled()).isTrue();
    }

    @Test
    void cancelMidStreamCancelsUpstreamAndStopsAllSignals() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(FlatMapProcessorTest::three);
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);

        downstream.request(2);
        upstream.emit("a");
        assertThat(downstream.items).containsExactly("a1", "a2");

        downstream.cancel();
        assertThat(upstream.cancelled()).isTrue();

        downstream.request(5); // rule 3.6: no-op
        downstream.cancel(); // rule 3.7: no-op
        upstream.emit("b"); // in flight at cancellation
        upstream.complete();

        assertThat(downstream.signals).containsExactly("subscribe", "next:a1", "next:a2");
        assertThat(upstream.requested()).isEqualTo(1);
    }

    @Test
    void requestZeroSignalsIllegalArgumentExceptionAndCancelsUpstream() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(List::of);
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);

        downstream.request(0);

        assertThat(downstream.error)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3.9");
        assertThat(downstream.signals).hasSize(2);
        assertThat(upstream.cancelled()).isTrue();

        downstream.request(1);
        upstream.emit("late");
        assertThat(downstream.signals).hasSize(2);
    }

    @Test
    void negativeRequestSignalsIllegalArgumentEvenWithOutputsBuffered() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(FlatMapProcessorTest::three);
        upstream.subscribe(processor);
        RecordingSubscriber<String> downstream = subscribe(processor);

        downstream.request(1);
        upstream.emit("a");
        downstream.request(-7);

        assertThat(downstream.signals)
                .containsExactly(
                        "subscribe",
                        "next:a1",
                        "error:IllegalArgumentException:Rule 3.9: request(n) needs n > 0, got -7");
        assertThat(upstream.cancelled()).isTrue();
    }

    @Test
    void secondSubscriberGetsOnSubscribeThenOnErrorAndTheFirstIsUnaffected() {
        ManualPublisher<String> upstream = new ManualPublisher<>();
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(List::of);
        upstream.subscribe(processor);
        RecordingSubscriber<String> first = subscribe(processor);
        RecordingSubscriber<String> second = subscribe(processor);

        assertThat(second.signals)
                .containsExactly(
                        "subscribe", "error:IllegalStateException:FlatMapProcessor supports only one subscriber");

        first.request(1);
        upstream.emit("a");
        assertThat(first.signals).containsExactly("subscribe", "next:a");
        assertThat(second.signals).hasSize(2);
    }

    @Test
    void secondUpstreamSubscriptionIsCancelled() {
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(List::of);
        ManualPublisher<String> first = new ManualPublisher<>();
        ManualPublisher<String> second = new ManualPublisher<>();
        first.subscribe(processor);
        second.subscribe(processor); // rule 2.5

        assertThat(second.cancelled()).isTrue();
        assertThat(first.cancelled()).isFalse();

        RecordingSubscriber<String> downstream = subscribe(processor);
        downstream.request(1);
        assertThat(first.requested()).isEqualTo(1);
        assertThat(second.requested()).isZero();
    }

    @Test
    void upstreamSubscribingAfterDownstreamRequestedStillFlows() {
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(FlatMapProcessorTest::three);
        RecordingSubscriber<String> downstream = subscribe(processor);
        downstream.request(4);
        assertThat(downstream.signals).containsExactly("subscribe");

        Publishers.fromIterable(List.of("a", "b")).subscribe(processor);

        assertThat(downstream.items).containsExactly("a1", "a2", "a3", "b1");
        downstream.request(2);
        assertThat(downstream.signals).endsWith("next:b3", "complete");
    }

    @Test
    void downstreamSubscribingAfterUpstreamFailedStillGetsTheOutputs() throws Exception {
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(new FlatMapProcessor.Stage<>() {
            @Override
            public List<String> onNext(String item) {
                return List.of(item);
            }

            @Override
            public List<String> onError(Throwable error) {
                return List.of("failed:" + error.getMessage());
            }
        });
        Publishers.<String>failed(new IllegalStateException("early")).subscribe(processor);

        List<String> outputs = Publishers.collect(processor).get(5, TimeUnit.SECONDS);

        assertThat(outputs).containsExactly("failed:early");
    }

    @Test
    void downstreamSubscribingAfterUpstreamCompletedGetsCompletionOutputs() throws Exception {
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(new FlatMapProcessor.Stage<>() {
            @Override
            public List<String> onNext(String item) {
                return List.of(item);
            }

            @Override
            public List<String> onComplete() {
                return List.of("done");
            }
        });
        Publishers.<String>fromIterable(List.of()).subscribe(processor);

        assertThat(Publishers.collect(processor).get(5, TimeUnit.SECONDS)).containsExactly("done");
    }

    @Test
    void cancelBeforeUpstreamArrivesCancelsTheLateUpstream() {
        FlatMapProcessor<String, String> processor = new FlatMapProcessor<>(List::of);
        RecordingSubscriber<String> downstream = subscribe(processor);
        downstream.request(3);
        downstream.cancel();

        ManualPublisher<String> upstream = new ManualPublisher<>();
        upstream.subscribe(processor);

        assertThat(upstream.cancelled()).isTrue();
        assertThat(upstream.requested()).isZero();
    }

    @Test
    void requestingFromWithinOnNextDoesNotRecurse() throws Exception {
        int n = 50_000; // deep enough to overflow the stack if request re-entered the drain loop (rule 3.3)
        List<Integer> source = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            source.add(i);
        }
        FlatMapProcessor<Integer, Integer> processor = new FlatMapProcessor<>(List::of);
        Publishers.fromIterable(source).subscribe(processor);
        List<Integer> received = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        processor.subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                this.subscription = subscription;
                subscription.request(1);
            }

            @Override
            public void onNext(Integer item) {
                received.add(item);
                subscription.request(1);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });

        done.get(5, TimeUnit.SECONDS);
        assertThat(received).isEqualTo(source);
    }

    /**
     * Upstream emits from a producer thread; downstream requests from a consumer thread in random small batches; the
     * drain loop runs on whichever thread signals. Every output must arrive once, in order, with one upstream request
     * outstanding at most, and neither the stage nor the subscriber may ever be called concurrently.
     */
    @Test
    @Timeout(60)
    void producerAndConsumerThreadsDeliverEveryOutputInOrderExactlyOnce() throws Exception {
        int n = 100_000;
        AtomicBoolean stageOverlap = new AtomicBoolean();
        AtomicInteger inStage = new AtomicInteger();
        // Item i becomes i % 4 outputs (0 to 3), numbered i * 4 + j.
        FlatMapProcessor<Integer, Long> processor = new FlatMapProcessor<>(i -> {
            if (inStage.incrementAndGet() != 1) {
                stageOverlap.set(true);
            }
            List<Long> out = new ArrayList<>();
            for (int j = 0; j < i % 4; j++) {
                out.add(i * 4L + j);
            }
            inStage.decrementAndGet();
            return out;
        });
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i % 4; j++) {
                expected.add(i * 4L + j);
            }
        }

        ProducerThreadPublisher upstream = new ProducerThreadPublisher(n);
        upstream.subscribe(processor);

        Long end = -1L;
        LinkedBlockingQueue<Long> delivered = new LinkedBlockingQueue<>();
        CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
        AtomicBoolean subscriberOverlap = new AtomicBoolean();
        AtomicBoolean inSubscriber = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        processor.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription.complete(s);
            }

            @Override
            public void onNext(Long item) {
                if (!inSubscriber.compareAndSet(false, true)) {
                    subscriberOverlap.set(true);
                }
                delivered.add(item);
                inSubscriber.set(false);
            }

            @Override
            public void onError(Throwable throwable) {
                failure.set(throwable);
                delivered.add(end);
            }

            @Override
            public void onComplete() {
                delivered.add(end);
            }
        });

        ExecutorService consumerThread = Executors.newSingleThreadExecutor();
        try {
            Future<List<Long>> consumed = consumerThread.submit(() -> {
                Flow.Subscription s = subscription.get(10, TimeUnit.SECONDS);
                Random random = new Random(42);
                List<Long> received = new ArrayList<>();
                while (true) {
                    int batch = 1 + random.nextInt(8);
                    s.request(batch);
                    for (int k = 0; k < batch; k++) {
                        Long item = delivered.poll(30, TimeUnit.SECONDS);
                        if (item == null) {
                            throw new AssertionError("stalled after " + received.size() + " outputs");
                        }
                        if (item.equals(end)) {
                            return received;
                        }
                        received.add(item);
                    }
                }
            });
            List<Long> received = consumed.get(50, TimeUnit.SECONDS);

            assertThat(failure.get()).isNull();
            assertThat(received).hasSize(expected.size()).isEqualTo(expected);
            assertThat(delivered).as("nothing after onComplete").isEmpty();
            assertThat(upstream.maxOutstanding.get())
                    .as("upstream requests outstanding at once")
                    .isEqualTo(1);
            assertThat(upstream.emitted.get()).isEqualTo(n);
            assertThat(stageOverlap).isFalse();
            assertThat(subscriberOverlap).isFalse();
            upstream.thread.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(upstream.thread.isAlive()).isFalse();
        } finally {
            consumerThread.shutdownNow();
        }
    }

    /** Emits 0..n-1 from its own thread, each only once requested; records the peak of outstanding demand. */
    private static final class ProducerThreadPublisher implements Flow.Publisher<Integer> {
        private final int count;
        private final Semaphore permits = new Semaphore(0);
        private final AtomicLong outstanding = new AtomicLong();
        final AtomicLong maxOutstanding = new AtomicLong();
        final AtomicInteger emitted = new AtomicInteger();
        private volatile boolean cancelled;
        Thread thread;

        ProducerThreadPublisher(int count) {
            this.count = count;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Integer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    long now = outstanding.addAndGet(n);
                    maxOutstanding.accumulateAndGet(now, Math::max);
                    permits.release(Math.toIntExact(n));
                }

                @Override
                public void cancel() {
                    cancelled = true;
                    permits.release();
                }
            });
            thread = new Thread(
                    () -> {
                        try {
                            for (int i = 0; i < count; i++) {
                                permits.acquire();
                                if (cancelled) {
                                    return;
                                }
                                outstanding.decrementAndGet();
                                emitted.incrementAndGet();
                                subscriber.onNext(i);
                            }
                            subscriber.onComplete();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "producer");
            thread.setDaemon(true);
            thread.start();
        }
    }
}
