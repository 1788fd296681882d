package dev.orsgateway.upstream.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.chat.ChatChunk;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Demand, backpressure down to the socket, cancellation, and the publisher's Reactive Streams contract. */
@Timeout(60)
class BackpressureTest {

    /** Far more than the socket buffers of both ends can hold (about 40 MB). */
    private static final long HUGE = 400_000;

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private OkHttpChatCompletionsUpstream upstream;

    @BeforeEach
    void setUp() {
        upstream = Sse.upstream(server.url("/v1")).streamBuffer(4).build();
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    private static MockResponse generated(GeneratedStreamBody body) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body)
                .build();
    }

    @Test
    void nothingIsSentUntilSubscribed() throws InterruptedException {
        server.enqueue(Sse.response(Fixtures.contentStream(1)).build());

        Flow.Publisher<ChatChunk> publisher = upstream.stream(Fixtures.request());

        assertThat(server.takeRequest(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(Sse.collect(publisher)).hasSize(1);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void subscriberThatCancelsInOnSubscribeSendsNothing() throws InterruptedException {
        server.enqueue(Sse.response(Fixtures.contentStream(1)).build());
        RecordingSubscriber<ChatChunk> cancelling = new RecordingSubscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                super.onSubscribe(s);
                s.cancel();
            }
        };

        upstream.stream(Fixtures.request()).subscribe(cancelling);
        List<ChatChunk> second = Sse.collect(
                upstream.stream(Fixtures.request().toBuilder().model("second").build()));

        assertThat(second).hasSize(1);
        RecordedRequest only = server.takeRequest();
        assertThat(only.getBody().utf8()).contains("\"model\":\"second\"");
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(cancelling.items()).isEmpty();
        assertThat(cancelling.isTerminated()).isFalse();
    }

    @Test
    void eachRequestOfOneDeliversExactlyOneChunk() throws InterruptedException {
        server.enqueue(Sse.response(Fixtures.contentStream(5)).build());
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>();
        upstream.stream(Fixtures.request()).subscribe(subscriber);

        for (int i = 1; i <= 5; i++) {
            subscriber.request(1);
            assertThat(subscriber.awaitItems(i)).hasSize(i);
        }
        List<ChatChunk> chunks = subscriber.awaitCompletion();

        assertThat(chunks)
                .extracting(ChatChunk::id)
                .containsExactly(
                        "chatcmpl-0000000000",
                        "chatcmpl-0000000001",
                        "chatcmpl-0000000002",
                        "chatcmpl-0000000003",
                        "chatcmpl-0000000004");
    }

    @Test
    void withoutDemandTheClientStopsReadingAndTheServersWritesBlock() throws InterruptedException {
        GeneratedStreamBody body = new GeneratedStreamBody(HUGE);
        server.enqueue(generated(body));
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>();
        upstream.stream(Fixtures.request()).subscribe(subscriber);

        subscriber.request(3);
        subscriber.awaitItems(3);
        long stalledAt = body.awaitStalled();

        assertThat(stalledAt).as("events the server could write").isLessThan(HUGE);
        assertThat(body.finished()).isFalse();
        assertThat(subscriber.items()).hasSize(3);

        subscriber.request(2);
        List<ChatChunk> five = subscriber.awaitItems(5);

        assertThat(five).extracting(ChatChunk::id).endsWith("chatcmpl-0000000003", "chatcmpl-0000000004");
        subscriber.assertNoViolations();

        subscriber.cancel();

        assertThat(body.awaitWriteFailure())
                .as("the server saw the connection close")
                .isTrue();
        assertThat(subscriber.items()).hasSize(5);
        assertThat(subscriber.isTerminated()).isFalse();
        assertThat(subscriber.signalsAfterCancel()).isZero();
    }

    @Test
    void cancelMidStreamClosesTheConnectionAndStopsSignals() throws InterruptedException {
        GeneratedStreamBody body = new GeneratedStreamBody(HUGE);
        server.enqueue(generated(body));
        // Cancelled from inside onNext, on the delivering thread: then no further signal may follow (rule 3.7 with
        // serialized signals). A cancel from another thread may race one onNext already under way (rule 3.12 only
        // promises the signals stop "eventually"), which would make the count below a coin toss.
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>(Long.MAX_VALUE) {
            @Override
            public void onNext(ChatChunk item) {
                super.onNext(item);
                if (items().size() == 100) {
                    cancel();
                }
            }
        };
        upstream.stream(Fixtures.request()).subscribe(subscriber);

        subscriber.awaitItems(100);

        assertThat(body.awaitWriteFailure())
                .as("the server saw the connection close")
                .isTrue();
        assertThat(subscriber.items()).hasSize(100);
        assertThat(subscriber.isTerminated()).isFalse();
        assertThat(subscriber.signalsAfterCancel()).isZero();
        subscriber.assertNoViolations();
    }

    @Test
    void requestOfZeroFailsTheStreamWithIllegalArgumentAndClosesTheConnection() throws InterruptedException {
        GeneratedStreamBody body = new GeneratedStreamBody(HUGE);
        server.enqueue(generated(body));
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>();
        upstream.stream(Fixtures.request()).subscribe(subscriber);
        subscriber.request(2);
        subscriber.awaitItems(2);

        subscriber.request(0);

        assertThat(subscriber.awaitError())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3.9");
        assertThat(body.awaitWriteFailure()).isTrue();
    }

    @Test
    void subscriberThrowingFromOnNextCancelsTheCall() throws InterruptedException {
        GeneratedStreamBody body = new GeneratedStreamBody(HUGE);
        server.enqueue(generated(body));
        RecordingSubscriber<ChatChunk> throwing = new RecordingSubscriber<>(Long.MAX_VALUE) {
            @Override
            public void onNext(ChatChunk item) {
                super.onNext(item);
                throw new IllegalStateException("subscriber bug");
            }
        };

        upstream.stream(Fixtures.request()).subscribe(throwing);

        assertThat(body.awaitWriteFailure()).isTrue();
        assertThat(throwing.items()).hasSize(1);
        assertThat(throwing.isTerminated()).isFalse();
    }

    @Test
    void secondSubscriberIsRefusedWithOnError() {
        server.enqueue(Sse.response(Fixtures.contentStream(2)).build());
        Flow.Publisher<ChatChunk> publisher = upstream.stream(Fixtures.request());
        RecordingSubscriber<ChatChunk> first = RecordingSubscriber.unbounded();
        RecordingSubscriber<ChatChunk> second = RecordingSubscriber.unbounded();

        publisher.subscribe(first);
        publisher.subscribe(second);

        assertThat(second.awaitError()).isInstanceOf(IllegalStateException.class);
        assertThat(first.awaitCompletion()).hasSize(2);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void completionNeedsNoDemandOnceTheBufferIsDrained() {
        server.enqueue(Sse.response(Fixtures.contentStream(2)).build());
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>(2);

        upstream.stream(Fixtures.request()).subscribe(subscriber);

        assertThat(subscriber.awaitCompletion()).hasSize(2);
    }
}
