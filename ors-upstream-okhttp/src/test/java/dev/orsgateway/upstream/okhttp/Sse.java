package dev.orsgateway.upstream.okhttp;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mockwebserver3.MockResponse;
import okhttp3.HttpUrl;

/** MockWebServer responses and small helpers shared by the tests. */
final class Sse {

    private Sse() {}

    /** A 200 {@code text/event-stream} response with {@code body}. */
    static MockResponse.Builder response(String body) {
        return new MockResponse.Builder()
                .setHeader("Content-Type", "text/event-stream")
                .body(body);
    }

    /** A JSON response with the given status. */
    static MockResponse json(int status, String body) {
        return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    /** An upstream for the server's {@code /v1}. */
    static OkHttpChatCompletionsUpstream.Builder upstream(HttpUrl v1) {
        return OkHttpChatCompletionsUpstream.builder().baseUrl(v1.toString());
    }

    /** Subscribes with unbounded demand and waits for completion. */
    static List<ChatChunk> collect(Flow.Publisher<ChatChunk> publisher) {
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();
        publisher.subscribe(subscriber);
        return subscriber.awaitCompletion();
    }

    /** Subscribes with unbounded demand and waits for the failure, which must be an {@link OrsException}. */
    static OrsException failure(Flow.Publisher<ChatChunk> publisher) {
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();
        publisher.subscribe(subscriber);
        Throwable error = subscriber.awaitError();
        if (error instanceof OrsException ors) {
            return ors;
        }
        throw new AssertionError("expected an OrsException", error);
    }

    /** Waits for the future's failure, which must be an {@link OrsException}. */
    static OrsException failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof OrsException ors) {
                return ors;
            }
            throw new AssertionError("expected an OrsException", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no outcome", e);
        }
    }
}
