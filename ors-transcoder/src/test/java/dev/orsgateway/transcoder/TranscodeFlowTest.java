package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.internal.ResponseStream;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.testing.flow.Publishers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ChatTranscoder#transcode}: the Flow form of the state machine. */
class TranscodeFlowTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.orsgateway.transcoder.GoldenStreamTest#cases")
    void yieldsTheEventsOfTheSynchronousMachine(String name) throws Exception {
        CreateResponseRequest request = Fixtures.request(name);
        List<ChatChunk> chunks = Fixtures.chunks(name);
        // The one failing case: the iterator throws after the chunks, which fromIterable signals as onError.
        RuntimeException failure =
                name.equals("error-midstream") ? new IllegalStateException("unexpected end of stream") : null;

        List<ResponseEvent> expected = Fixtures.run(request, chunks, failure);
        List<ResponseEvent> actual = Publishers.collect(Fixtures.chatTranscoder()
                        .transcode(
                                request, Fixtures.initial(request), Publishers.fromIterable(failing(chunks, failure))))
                .get(5, TimeUnit.SECONDS);

        assertThat(actual).isEqualTo(expected);
        StreamInvariants.check(actual);
    }

    @Test
    void anUpstreamThatFailsBeforeItsFirstChunkIsPassedOnAsOnError() {
        // Nothing was streamed yet, so the caller (an HTTP server) can still answer with the upstream's status.
        CreateResponseRequest request = Fixtures.simpleRequest();
        OrsException failure = new OrsException(
                new ErrorPayload(OrsException.TOO_MANY_REQUESTS, "rate_limit_exceeded", "slow down", null), 429);
        var events = Publishers.collect(Fixtures.chatTranscoder()
                .transcode(request, Fixtures.initial(request), Publishers.<ChatChunk>failed(failure)));

        assertThatThrownBy(() -> events.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isSameAs(failure);
    }

    @Test
    void anUpstreamThatFailsAfterItsFirstChunkEndsWithErrorAndFailed() throws Exception {
        CreateResponseRequest request = Fixtures.simpleRequest();
        ChatChunk roleOnly = new ChatChunk(
                "c1",
                1L,
                "m",
                List.of(new ChunkChoice(0, new ChatDelta("assistant", null, null, null, null, null, null, null), null)),
                null);
        List<ResponseEvent> events = Publishers.collect(Fixtures.chatTranscoder()
                        .transcode(
                                request,
                                Fixtures.initial(request),
                                Publishers.fromIterable(failing(
                                        List.of(roleOnly),
                                        new UncheckedIOException(new IOException("connection reset"))))))
                .get(5, TimeUnit.SECONDS);

        assertThat(events)
                .extracting(ResponseEvent::type)
                .containsExactly("response.created", "response.in_progress", "error", "response.failed");
        Response failed = StreamInvariants.check(events);
        assertThat(failed.output()).isEmpty();
        assertThat(failed.error().message()).contains("connection reset");
        assertThat(failed.completedAt()).isNull();
        assertThat(((ResponseEvent.Error) events.get(2)).error().message()).contains("connection reset");
    }

    @Test
    void demandIsHonouredOneEventAtATime() {
        CreateResponseRequest request = Fixtures.request("text-then-tool-call");
        List<ChatChunk> chunks = Fixtures.chunks("text-then-tool-call");
        // The synchronous machine, chunk by chunk: chunksRead.get(i) is how many chunks event i needed.
        StreamTranscoder machine = Fixtures.transcoder(request);
        List<ResponseEvent> expected = new ArrayList<>();
        List<Integer> chunksRead = new ArrayList<>();
        for (int c = 0; c < chunks.size(); c++) {
            for (ResponseEvent event : machine.onChunk(chunks.get(c))) {
                expected.add(event);
                chunksRead.add(c + 1);
            }
        }
        for (ResponseEvent event : machine.onComplete()) {
            expected.add(event);
            chunksRead.add(chunks.size());
        }
        AtomicInteger pulled = new AtomicInteger();
        Flow.Publisher<ChatChunk> source = Publishers.fromIterable(() -> new Iterator<>() {
            private final Iterator<ChatChunk> delegate = chunks.iterator();

            @Override
            public boolean hasNext() {
                return delegate.hasNext();
            }

            @Override
            public ChatChunk next() {
                pulled.incrementAndGet();
                return delegate.next();
            }
        });
        Manual subscriber = new Manual();
        Fixtures.chatTranscoder()
                .transcode(request, Fixtures.initial(request), source)
                .subscribe(subscriber);

        assertThat(subscriber.subscription).as("onSubscribe").isNotNull();
        assertThat(subscriber.events).as("nothing before the first request").isEmpty();
        // Chunks are read a bounded prefetch ahead (one upstream request per batch, not per chunk); events are made
        // only on demand.
        int prefetch = ResponseStream.DEFAULT_PREFETCH;
        assertThat(pulled.get()).as("chunks read before demand").isLessThanOrEqualTo(prefetch);
        for (int i = 0; i < expected.size(); i++) {
            subscriber.subscription.request(1);
            assertThat(subscriber.events).as("events after request %d", i + 1).hasSize(i + 1);
            assertThat(subscriber.events.get(i)).isEqualTo(expected.get(i));
            assertThat(pulled.get())
                    .as("chunks read for event %d", i)
                    .isGreaterThanOrEqualTo(chunksRead.get(i))
                    .isLessThanOrEqualTo(chunksRead.get(i) + prefetch);
        }
        assertThat(subscriber.completed).as("completed after the last event").isTrue();
        assertThat(subscriber.error).isNull();
    }

    @Test
    void aSecondSubscriberIsRejected() {
        CreateResponseRequest request = Fixtures.simpleRequest();
        Flow.Publisher<ResponseEvent> events = Fixtures.chatTranscoder()
                .transcode(request, Fixtures.initial(request), Publishers.fromIterable(List.<ChatChunk>of()));
        Manual first = new Manual();
        Manual second = new Manual();
        events.subscribe(first);
        events.subscribe(second);

        assertThat(second.error).isInstanceOf(IllegalStateException.class);
        first.subscription.request(Long.MAX_VALUE);
        assertThat(first.completed).isTrue();
        StreamInvariants.check(first.events);
    }

    /** {@code chunks}, then (if {@code failure} is set) an iterator that throws it. */
    private static Iterable<ChatChunk> failing(List<ChatChunk> chunks, RuntimeException failure) {
        if (failure == null) {
            return chunks;
        }
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next == chunks.size()) {
                    throw failure;
                }
                return true;
            }

            @Override
            public ChatChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return chunks.get(next++);
            }
        };
    }

    /** A subscriber that requests only when told to and records every signal (all on the calling thread here). */
    private static final class Manual implements Flow.Subscriber<ResponseEvent> {
        final List<ResponseEvent> events = new ArrayList<>();
        Flow.Subscription subscription;
        boolean completed;
        Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
        }

        @Override
        public void onNext(ResponseEvent item) {
            events.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }
}
