package dev.orsgateway.upstream.okhttp.internal;

import dev.orsgateway.core.chat.ChatChunk;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * The publisher of one streamed completion: cold (the request is sent when it is subscribed) and unicast (a second
 * subscriber gets {@code onSubscribe} then {@code onError(IllegalStateException)}, rule 1.9).
 */
public final class SseChunkPublisher implements Flow.Publisher<ChatChunk> {

    private final OkHttpClient client;
    private final Request request;
    private final UpstreamErrors errors;
    private final String upstream;
    private final int bufferSize;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /**
     * A publisher that will send {@code request} with {@code client}, buffering up to {@code bufferSize} parsed chunks
     * ahead of demand.
     */
    public SseChunkPublisher(
            OkHttpClient client, Request request, UpstreamErrors errors, String upstream, int bufferSize) {
        this.client = client;
        this.request = request;
        this.errors = errors;
        this.upstream = upstream;
        this.bufferSize = bufferSize;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
        if (!subscribed.compareAndSet(false, true)) {
            rejectSecondSubscriber(subscriber);
            return;
        }
        new SseChunkSubscription(client, request, errors, upstream, bufferSize, subscriber).start();
    }

    private static void rejectSecondSubscriber(Flow.Subscriber<? super ChatChunk> subscriber) {
        try {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("A chat completion stream may be subscribed only once"));
        } catch (Throwable e) {
            // Rule 2.13 violation by the subscriber; subscribe still returns normally (rule 1.9).
        }
    }
}
