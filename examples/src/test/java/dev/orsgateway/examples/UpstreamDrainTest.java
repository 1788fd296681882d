package dev.orsgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The end of the drain time: calls in flight are failed with server_shutting_down, later ones at once. */
@Timeout(30)
class UpstreamDrainTest {

    private static final ChatCompletionRequest REQUEST =
            ChatCompletionRequest.builder().model("m").build();

    @Test
    void aWholeCompletionInFlightFailsAndItsCallIsCancelled() {
        Hanging hanging = new Hanging();
        UpstreamDrain drain = new UpstreamDrain();
        ChatCompletionsUpstream upstream = drain.track(hanging);

        CompletableFuture<ChatCompletion> call = upstream.complete(REQUEST);
        assertThat(drain.cancelAll()).isEqualTo(1);

        assertThat(failure(call).error().code()).isEqualTo("server_shutting_down");
        assertThat(failure(call).httpStatus()).isEqualTo(503);
        assertThat(hanging.completions.get(0)).isCancelled();
        // After the drain, a new call fails at once without reaching the upstream.
        assertThat(failure(upstream.complete(REQUEST)).error().code()).isEqualTo("server_shutting_down");
        assertThat(hanging.completions).hasSize(1);
        assertThat(drain.cancelAll()).isZero();
    }

    @Test
    void aStreamInFlightEndsWithTheErrorAfterItsChunksAndItsCallIsCancelled() throws Exception {
        Hanging hanging = new Hanging();
        UpstreamDrain drain = new UpstreamDrain();
        ChatCompletionsUpstream upstream = drain.track(hanging);

        Recorder first = new Recorder();
        upstream.stream(REQUEST).subscribe(first);
        Source source = hanging.streams.get(0);
        assertThat(source.requested).isPositive();
        source.subscriber.onNext(new ChatChunk("c1", 0L, "m", List.of(), null));
        assertThat(first.chunks).hasSize(1);

        assertThat(drain.cancelAll()).isEqualTo(1);
        assertThat(first.error.get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.error().code()).isEqualTo("server_shutting_down"));
        assertThat(source.cancelled).as("the upstream call is cancelled").isTrue();
        source.subscriber.onNext(new ChatChunk("c2", 0L, "m", List.of(), null));
        assertThat(first.chunks).as("nothing after the error").hasSize(1);

        Recorder later = new Recorder();
        upstream.stream(REQUEST).subscribe(later);
        assertThat(later.error.get(10, TimeUnit.SECONDS)).isInstanceOf(OrsException.class);
        assertThat(later.subscribed).isTrue();
    }

    @Test
    void callsThatEndedAreNotCounted() {
        UpstreamDrain drain = new UpstreamDrain();
        Hanging hanging = new Hanging();
        ChatCompletionsUpstream upstream = drain.track(hanging);
        CompletableFuture<ChatCompletion> call = upstream.complete(REQUEST);
        hanging.completions.get(0).completeExceptionally(new IllegalStateException("upstream down"));
        assertThat(call).isCompletedExceptionally();
        assertThat(drain.cancelAll()).isZero();
    }

    private static OrsException failure(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        Throwable error = future.handle((value, e) -> e).join();
        if (error instanceof CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        assertThat(error).isInstanceOf(OrsException.class);
        return (OrsException) error;
    }

    /** An upstream whose calls never finish on their own. */
    private static final class Hanging implements ChatCompletionsUpstream {
        final List<CompletableFuture<ChatCompletion>> completions = new ArrayList<>();
        final List<Source> streams = new ArrayList<>();

        @Override
        public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
            Source source = new Source();
            streams.add(source);
            return source;
        }

        @Override
        public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
            CompletableFuture<ChatCompletion> future = new CompletableFuture<>();
            completions.add(future);
            return future;
        }

        @Override
        public String describe() {
            return "hanging";
        }
    }

    /** A stream whose chunks the test sends itself. */
    private static final class Source implements Flow.Publisher<ChatChunk>, Flow.Subscription {
        Flow.Subscriber<? super ChatChunk> subscriber;
        volatile long requested;
        volatile boolean cancelled;

        @Override
        public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
            this.subscriber = subscriber;
            subscriber.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private static final class Recorder implements Flow.Subscriber<ChatChunk> {
        final java.util.concurrent.BlockingQueue<ChatChunk> chunks = new java.util.concurrent.LinkedBlockingQueue<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        volatile boolean subscribed;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscribed = true;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ChatChunk item) {
            chunks.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            error.complete(throwable);
        }

        @Override
        public void onComplete() {
            error.complete(null);
        }
    }
}
