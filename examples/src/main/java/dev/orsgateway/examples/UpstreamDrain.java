package dev.orsgateway.examples;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;

/**
 * The upstream calls in flight, so that the server can end them when its drain time is over: {@link #cancelAll()}
 * fails each with {@code server_shutting_down} (and cancels its HTTP call), and every call made after it fails at
 * once. Failing the upstream call rather than cutting the client's connection lets the gateway end the response as it
 * ends any upstream failure: an {@code error} and a {@code response.failed} event on a stream (stored as failed), a
 * 503 error before any output.
 */
final class UpstreamDrain {
    private final Set<Call> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelling;

    /** {@code upstream}, with its calls tracked. */
    ChatCompletionsUpstream track(ChatCompletionsUpstream upstream) {
        return new Tracked(upstream);
    }

    /** Fails every call in flight and every later one; returns how many were in flight. */
    int cancelAll() {
        cancelling = true;
        int cancelled = 0;
        for (Call call : open) {
            if (call.fail(shuttingDown())) {
                cancelled++;
            }
        }
        return cancelled;
    }

    static OrsException shuttingDown() {
        return new OrsException(
                new ErrorPayload(
                        OrsException.SERVER_ERROR,
                        "server_shutting_down",
                        "The server is shutting down: the response was cancelled at the end of its drain time.",
                        null),
                503);
    }

    private interface Call {
        /** Ends the call with {@code error}; false if it had ended already. */
        boolean fail(OrsException error);
    }

    private final class Tracked implements ChatCompletionsUpstream {
        private final ChatCompletionsUpstream delegate;

        Tracked(ChatCompletionsUpstream delegate) {
            this.delegate = delegate;
        }

        @Override
        public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
            Flow.Publisher<ChatChunk> source = delegate.stream(request);
            return subscriber -> {
                StreamCall call = new StreamCall(subscriber);
                open.add(call);
                if (cancelling) {
                    call.fail(shuttingDown()); // delivered once the subscription is handed on
                }
                source.subscribe(call);
            };
        }

        @Override
        public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
            if (cancelling) {
                return CompletableFuture.failedFuture(shuttingDown());
            }
            CompletableFuture<ChatCompletion> source = delegate.complete(request);
            CompletableFuture<ChatCompletion> result = new CompletableFuture<>();
            Call call = error -> {
                if (result.completeExceptionally(error)) {
                    source.cancel(true);
                    return true;
                }
                return false;
            };
            open.add(call);
            source.whenComplete((completion, error) -> {
                open.remove(call);
                if (error == null) {
                    result.complete(completion);
                } else {
                    result.completeExceptionally(
                            error instanceof CompletionException && error.getCause() != null
                                    ? error.getCause()
                                    : error);
                }
            });
            // The gateway cancels its future when the client leaves: so is the upstream call.
            result.whenComplete((completion, error) -> {
                open.remove(call);
                if (result.isCancelled()) {
                    source.cancel(true);
                }
            });
            if (cancelling) {
                call.fail(shuttingDown());
            }
            return result;
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public CompletableFuture<List<ModelInfo>> listModels() {
            return delegate.listModels();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }

    /**
     * A streamed call: passes the upstream's signals on, and can be failed from another thread. Every signal to the
     * subscriber is sent under this object's lock, so a failure never overlaps a chunk (Reactive Streams rule 1.3).
     */
    private final class StreamCall implements Flow.Subscriber<ChatChunk>, Flow.Subscription, Call {
        private final Flow.Subscriber<? super ChatChunk> downstream;
        private Flow.Subscription upstream; // guarded by this
        private OrsException pending; // a failure before the subscription was handed on; guarded by this
        private volatile boolean done;

        StreamCall(Flow.Subscriber<? super ChatChunk> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            OrsException failure;
            synchronized (this) {
                if (upstream != null) {
                    subscription.cancel(); // rule 2.5
                    return;
                }
                upstream = subscription;
                downstream.onSubscribe(this);
                failure = pending;
                if (failure == null || done) {
                    return;
                }
                done = true;
                downstream.onError(failure);
            }
            open.remove(this);
            subscription.cancel();
        }

        @Override
        public synchronized void onNext(ChatChunk chunk) {
            if (!done) {
                downstream.onNext(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                downstream.onError(error);
            }
            open.remove(this);
        }

        @Override
        public void onComplete() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                downstream.onComplete();
            }
            open.remove(this);
        }

        @Override
        public boolean fail(OrsException error) {
            Flow.Subscription subscription;
            synchronized (this) {
                if (done || pending != null) {
                    return false;
                }
                if (upstream == null) {
                    pending = error;
                    return true;
                }
                subscription = upstream;
                done = true;
                downstream.onError(error);
            }
            open.remove(this);
            subscription.cancel();
            return true;
        }

        // ---- the subscription the gateway holds

        @Override
        public void request(long n) {
            Flow.Subscription subscription;
            synchronized (this) {
                subscription = upstream;
            }
            if (!done && subscription != null) {
                subscription.request(n);
            }
        }

        @Override
        public void cancel() {
            Flow.Subscription subscription;
            synchronized (this) {
                done = true;
                subscription = upstream;
            }
            open.remove(this);
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }
}
