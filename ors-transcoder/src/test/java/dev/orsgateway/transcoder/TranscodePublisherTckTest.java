package dev.orsgateway.transcoder;

import static org.testng.Assert.assertEquals;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.testing.flow.Publishers;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK against the publisher {@link ChatTranscoder#transcode} returns.
 *
 * <p>The TCK needs a publisher of exactly {@code n} elements. A response of {@code k} one-token text chunks has
 * exactly {@code k + 8} events ({@code response.created}, {@code response.in_progress},
 * {@code output_item.added}, {@code content_part.added}, {@code k} deltas, {@code output_text.done},
 * {@code content_part.done}, {@code output_item.done}, {@code response.completed}), so for {@code n >= 8} the
 * publisher under test is {@code transcode} itself over {@code n - 8} chunks, unwrapped. No completed response has
 * fewer than 8 events (and a failed one has 4 or more), so for {@code n < 8} the publisher is {@link TakeFirst}: the
 * first {@code n} events of the 8-event response, after which it cancels {@code transcode} and completes. The
 * wrapper only relays signals, so those cases still exercise {@code transcode}'s subscription, demand and
 * cancellation. {@code transcode} never signals {@code onError} (an upstream failure becomes {@code error} and
 * {@code response.failed} events), so there is no failed publisher and those TCK rules are skipped.
 */
@Test
public class TranscodePublisherTckTest extends FlowPublisherVerification<ResponseEvent> {

    /** The events of a completed text response besides one delta per chunk. */
    static final int FIXED_EVENTS = 8;

    public TranscodePublisherTckTest() {
        super(new TestEnvironment(500));
    }

    @Override
    public Flow.Publisher<ResponseEvent> createFlowPublisher(long elements) {
        if (elements >= FIXED_EVENTS) {
            return transcode(elements - FIXED_EVENTS);
        }
        return new TakeFirst<>(transcode(0), elements);
    }

    @Override
    public Flow.Publisher<ResponseEvent> createFailedFlowPublisher() {
        return null;
    }

    @Override
    public long maxElementsFromPublisher() {
        // The chunk source is lazy, so even the rule 3.17 test that asks for this many runs (it cancels early).
        return Integer.MAX_VALUE;
    }

    /** The construction above yields exactly {@code n} events, for small {@code n} and around the threshold. */
    @Test
    public void createFlowPublisherYieldsExactlyTheRequestedNumberOfEvents() throws Exception {
        for (long n = 0; n <= 20; n++) {
            List<ResponseEvent> events =
                    Publishers.collect(createFlowPublisher(n)).get(5, TimeUnit.SECONDS);
            assertEquals(events.size(), n, "events of createFlowPublisher(" + n + ")");
        }
    }

    private static Flow.Publisher<ResponseEvent> transcode(long chunks) {
        CreateResponseRequest request = Fixtures.simpleRequest();
        return Fixtures.chatTranscoder()
                .transcode(request, Fixtures.initial(request), Publishers.fromIterable(textChunks(chunks)));
    }

    /** {@code count} chunks of one word each, generated as iterated. */
    private static Iterable<ChatChunk> textChunks(long count) {
        return () -> new Iterator<>() {
            private long made;

            @Override
            public boolean hasNext() {
                return made < count;
            }

            @Override
            public ChatChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                made++;
                return new ChatChunk(
                        "chatcmpl-tck",
                        Fixtures.CREATED_AT,
                        "gpt-4o-mini",
                        List.of(new ChunkChoice(0, ChatDelta.ofContent(" w" + made), null)),
                        null);
            }
        };
    }

    /**
     * The first {@code limit} elements of {@code source}: then it cancels the source and completes. Every signal to
     * the subscriber is made from inside a signal of {@code source} (which serializes them), so they are serialized
     * too; requests and cancellation pass straight through until the end.
     */
    static final class TakeFirst<T> implements Flow.Publisher<T> {
        private final Flow.Publisher<T> source;
        private final long limit;

        TakeFirst(Flow.Publisher<T> source, long limit) {
            this.source = source;
            this.limit = limit;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super T> subscriber) {
            Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
            source.subscribe(new Take<>(subscriber, limit));
        }

        private static final class Take<T> implements Flow.Subscriber<T>, Flow.Subscription {
            private volatile Flow.Subscriber<? super T> downstream; // cleared when done (rule 3.13)
            private volatile Flow.Subscription upstream;
            private volatile boolean done; // no more requests pass through
            private volatile boolean cancelled; // by the subscriber: it gets no further signal
            private long remaining; // touched only inside upstream signals

            Take(Flow.Subscriber<? super T> downstream, long limit) {
                this.downstream = downstream;
                this.remaining = limit;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                upstream = subscription;
                Flow.Subscriber<? super T> subscriber = downstream;
                if (remaining == 0) {
                    done = true; // before onSubscribe, so requests made from it are no-ops
                }
                subscriber.onSubscribe(this);
                if (remaining == 0) {
                    finish(subscriber);
                }
            }

            @Override
            public void onNext(T item) {
                Flow.Subscriber<? super T> subscriber = downstream;
                if (subscriber == null || remaining == 0) {
                    return;
                }
                remaining--;
                if (remaining == 0) {
                    done = true; // before onNext, so requests made from it are no-ops
                }
                subscriber.onNext(item);
                if (remaining == 0) {
                    finish(subscriber);
                }
            }

            @Override
            public void onError(Throwable throwable) {
                Flow.Subscriber<? super T> subscriber = downstream;
                if (subscriber != null) {
                    downstream = null;
                    subscriber.onError(throwable);
                }
            }

            @Override
            public void onComplete() {
                Flow.Subscriber<? super T> subscriber = downstream;
                if (subscriber != null) {
                    downstream = null;
                    subscriber.onComplete();
                }
            }

            @Override
            public void request(long n) {
                if (!done && !cancelled) {
                    upstream.request(n); // including n <= 0: the source signals the rule 3.9 error
                }
            }

            @Override
            public void cancel() {
                cancelled = true;
                downstream = null;
                if (!done) {
                    done = true;
                    upstream.cancel();
                }
            }

            /** The limit is reached: cancel the source and complete, unless the subscriber cancelled meanwhile. */
            private void finish(Flow.Subscriber<? super T> subscriber) {
                downstream = null;
                upstream.cancel();
                if (!cancelled) {
                    subscriber.onComplete();
                }
            }
        }
    }
}
