package dev.orsgateway.upstream.okhttp.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.upstream.ChatPayloads;
import dev.orsgateway.core.upstream.UpstreamErrors;
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
    private final ChatPayloads payloads;
    private final String upstream;
    private final CallLimit limit;
    private final int bufferSize;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /**
     * A publisher that will send {@code request} with {@code client}, buffering up to {@code bufferSize} parsed chunks
     * ahead of demand, if {@code limit} has room when it is subscribed.
     */
    public SseChunkPublisher(
            OkHttpClient client,
            Request request,
            UpstreamErrors errors,
            ChatPayloads payloads,
            String upstream,
            int bufferSize,
            CallLimit limit) {
        this.client = client;
        this.request = request;
        this.errors = errors;
        this.payloads = payloads;
        this.limit = limit;
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
        OrsException refused = limit.tryAcquire();
        SseChunkSubscription subscription = new SseChunkSubscription(
                client,
                request,
                errors,
                payloads,
                upstream,
                bufferSize,
                subscriber,
                refused == null ? limit::release : () -> {});
        if (refused != null) {
            subscription.refuse(refused);
        } else {
            subscription.start();
        }
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
