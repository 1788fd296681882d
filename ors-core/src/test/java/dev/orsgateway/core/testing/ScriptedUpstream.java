package dev.orsgateway.core.testing;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.chat.CompletionChoice;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.testing.flow.Publishers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test fixture: an in-process {@link ChatCompletionsUpstream} that answers from a script. Each call to {@link #stream}
 * or {@link #complete} takes the next enqueued {@link Script} (in call order) and records the request it received;
 * with nothing enqueued, the call fails with an {@link IllegalStateException}, so a test that did not expect an
 * upstream call sees it.
 *
 * <p>Scripts: a text reply (usable streamed or not), raw chunk lists, whole completions, a failure before the first
 * chunk (an {@link OrsException} with the status of your choice), a failure after {@code n} chunks, and a stall
 * after {@code n} chunks that lasts until the subscriber cancels. Every script is a handle that tells how many chunks
 * it delivered and whether, and when, it was cancelled.
 *
 * <p>Thread-safe. Streamed chunks are delivered on the thread that subscribes or requests, as demanded.
 */
public final class ScriptedUpstream implements ChatCompletionsUpstream {

    /** The model name scripted chunks and completions report. */
    public static final String MODEL = "scripted-model";

    private final ConcurrentLinkedQueue<Script> scripts = new ConcurrentLinkedQueue<>();
    private final List<ChatCompletionRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger completionIds = new AtomicInteger();

    /** An upstream with nothing enqueued. */
    public ScriptedUpstream() {}

    // ---- scripting

    /**
     * Enqueues a text reply: streamed, a role chunk, one content chunk per delta, a {@code stop} chunk and a usage
     * chunk; not streamed, one completion with the deltas joined.
     */
    public Script enqueueText(String... deltas) {
        List<String> parts = List.of(deltas);
        return enqueue(
                new Script(Kind.TEXT, textChunks(nextCompletionId(), parts), completion(String.join("", parts)), null));
    }

    /** Enqueues a streamed reply made of exactly these chunks, then completion. */
    public Script enqueueChunks(List<ChatChunk> chunks) {
        return enqueue(new Script(Kind.CHUNKS, List.copyOf(chunks), null, null));
    }

    /** Enqueues a non-streamed reply: this completion. */
    public Script enqueueCompletion(ChatCompletion completion) {
        return enqueue(new Script(Kind.COMPLETION, List.of(), Objects.requireNonNull(completion), null));
    }

    /**
     * Enqueues a failure before the first chunk: the stream signals {@code onError(error)} right after
     * {@code onSubscribe}; a non-streamed call's future fails with it.
     */
    public Script enqueueFailure(OrsException error) {
        return enqueue(new Script(Kind.FAIL, List.of(), null, Objects.requireNonNull(error)));
    }

    /** A failure before the first chunk: an {@link OrsException} of this status, type and message. */
    public Script enqueueFailure(int httpStatus, String type, String code, String message) {
        return enqueueFailure(new OrsException(new ErrorPayload(type, code, message, null), httpStatus));
    }

    /** Enqueues a stream that delivers {@code chunks} and then fails with {@code error}. */
    public Script enqueueFailureAfter(List<ChatChunk> chunks, Throwable error) {
        return enqueue(new Script(Kind.FAIL_AFTER, List.copyOf(chunks), null, Objects.requireNonNull(error)));
    }

    /**
     * Enqueues a stream that delivers {@code chunks} and then neither completes nor fails until its subscriber
     * cancels; {@link Script#awaitCancelled} observes the cancel.
     */
    public Script enqueueStallAfter(List<ChatChunk> chunks) {
        return enqueue(new Script(Kind.STALL, List.copyOf(chunks), null, null));
    }

    /**
     * Enqueues a stream that delivers {@code before}, then waits until {@link Script#release()} (or a cancel), then
     * delivers {@code after} and completes: a turn a test holds in flight for as long as it needs.
     */
    public Script enqueueHeld(List<ChatChunk> before, List<ChatChunk> after) {
        List<ChatChunk> all = new ArrayList<>(before);
        all.addAll(after);
        Script script = new Script(Kind.HOLD, List.copyOf(all), null, null);
        script.holdAt = before.size();
        return enqueue(script);
    }

    private Script enqueue(Script script) {
        scripts.add(script);
        return script;
    }

    // ---- chunk helpers

    /**
     * The chunks of a text reply: a role chunk, one content chunk per delta, a {@code stop} chunk and a usage-only
     * chunk, all with completion id {@code id}.
     */
    public static List<ChatChunk> textChunks(String id, List<String> deltas) {
        List<ChatChunk> chunks = new ArrayList<>();
        chunks.add(roleChunk(id));
        for (String delta : deltas) {
            chunks.add(contentChunk(id, delta));
        }
        chunks.add(finishChunk(id, "stop"));
        int completionTokens = deltas.size();
        chunks.add(new ChatChunk(id, 1L, MODEL, List.of(), new ChatUsage(5, completionTokens, 5 + completionTokens)));
        return chunks;
    }

    /** The chunks of a text reply, before its {@code stop}: a role chunk and one content chunk per delta. */
    public static List<ChatChunk> partialTextChunks(String... deltas) {
        List<ChatChunk> chunks = new ArrayList<>();
        chunks.add(roleChunk("chatcmpl-partial"));
        for (String delta : deltas) {
            chunks.add(contentChunk("chatcmpl-partial", delta));
        }
        return chunks;
    }

    /** A first chunk carrying only {@code role: assistant}. */
    public static ChatChunk roleChunk(String id) {
        ChatDelta delta = new ChatDelta("assistant", null, null, null, null, null, null, null);
        return new ChatChunk(id, 1L, MODEL, List.of(new ChunkChoice(0, delta, null)), null);
    }

    /** A chunk carrying one content fragment. */
    public static ChatChunk contentChunk(String id, String content) {
        return new ChatChunk(id, 1L, MODEL, List.of(new ChunkChoice(0, ChatDelta.ofContent(content), null)), null);
    }

    /** A chunk that ends the choice with {@code finishReason}. */
    public static ChatChunk finishChunk(String id, String finishReason) {
        ChatDelta empty = new ChatDelta(null, null, null, null, null, null, null, null);
        return new ChatChunk(id, 1L, MODEL, List.of(new ChunkChoice(0, empty, finishReason)), null);
    }

    /** A completion whose one choice is {@code text}, finished with {@code stop}. */
    public ChatCompletion completion(String text) {
        ChatMessage.AssistantMessage message = new ChatMessage.AssistantMessage(ChatContent.of(text), null);
        return new ChatCompletion(
                nextCompletionId(),
                1L,
                MODEL,
                List.of(new CompletionChoice(0, message, "stop")),
                new ChatUsage(5, 1, 6));
    }

    private String nextCompletionId() {
        return "chatcmpl-" + completionIds.incrementAndGet();
    }

    // ---- inspection

    /** The requests received so far, in order (a streamed request counts when its publisher is subscribed). */
    public List<ChatCompletionRequest> requests() {
        return List.copyOf(requests);
    }

    /** How many requests were received. */
    public int requestCount() {
        return requests.size();
    }

    /** The most recent request. */
    public ChatCompletionRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("the scripted upstream received no request");
        }
        return requests.get(requests.size() - 1);
    }

    /** How many enqueued scripts no call has taken yet. */
    public int pendingScripts() {
        return scripts.size();
    }

    // ---- the SPI

    @Override
    public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        AtomicBoolean subscribed = new AtomicBoolean();
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            if (!subscribed.compareAndSet(false, true)) {
                Publishers.<ChatChunk>failed(new IllegalStateException("a scripted stream may be subscribed once"))
                        .subscribe(subscriber);
                return;
            }
            requests.add(request);
            Script script = scripts.poll();
            if (script == null) {
                Publishers.<ChatChunk>failed(new IllegalStateException("the scripted upstream has no script left"))
                        .subscribe(subscriber);
                return;
            }
            script.publisher().subscribe(subscriber);
        };
    }

    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        requests.add(request);
        Script script = scripts.poll();
        if (script == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("the scripted upstream has no script left"));
        }
        return script.completion();
    }

    @Override
    public String describe() {
        return "scripted upstream";
    }

    private enum Kind {
        TEXT,
        CHUNKS,
        COMPLETION,
        FAIL,
        FAIL_AFTER,
        STALL,
        HOLD
    }

    /** One scripted reply, and what happened to it. */
    public static final class Script {
        private final Kind kind;
        private final List<ChatChunk> chunks;
        private final ChatCompletion completion;
        private final Throwable error;
        private final AtomicLong delivered = new AtomicLong();
        private final AtomicLong requested = new AtomicLong();
        private final CountDownLatch subscribed = new CountDownLatch(1);
        private final CountDownLatch cancelled = new CountDownLatch(1);
        private int holdAt = -1;
        private volatile boolean released;
        private volatile ScriptedSubscription subscription;

        private Script(Kind kind, List<ChatChunk> chunks, ChatCompletion completion, Throwable error) {
            this.kind = kind;
            this.chunks = chunks;
            this.completion = completion;
            this.error = error;
        }

        /** How many chunks the subscriber has received. */
        public long delivered() {
            return delivered.get();
        }

        /** The total demand the subscriber signalled (saturating). */
        public long requested() {
            return requested.get();
        }

        /** How many chunks this script streams. */
        public int chunkCount() {
            return chunks.size();
        }

        /** Whether the subscriber cancelled. */
        public boolean cancelled() {
            return cancelled.getCount() == 0;
        }

        /** Waits up to {@code timeout} for the subscriber to cancel; returns whether it did. */
        public boolean awaitCancelled(Duration timeout) throws InterruptedException {
            return cancelled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Lets a held stream ({@link ScriptedUpstream#enqueueHeld}) go on. */
        public void release() {
            released = true;
            ScriptedSubscription active = subscription;
            if (active != null) {
                active.drain();
            }
        }

        /** Waits up to {@code timeout} for a subscriber; returns whether one came. */
        public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
            return subscribed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        Flow.Publisher<ChatChunk> publisher() {
            return switch (kind) {
                case TEXT, CHUNKS -> counting(Publishers.fromIterable(chunks));
                case FAIL -> counting(Publishers.failed(error));
                case FAIL_AFTER, STALL, HOLD -> new ScriptedPublisher(this);
                case COMPLETION ->
                    Publishers.failed(new IllegalStateException("a completion script was used for a streamed call"));
            };
        }

        CompletableFuture<ChatCompletion> completion() {
            return switch (kind) {
                case TEXT, COMPLETION -> CompletableFuture.completedFuture(completion);
                case FAIL -> CompletableFuture.failedFuture(error);
                case CHUNKS, FAIL_AFTER, STALL, HOLD ->
                    CompletableFuture.failedFuture(
                            new IllegalStateException("a streaming script was used for a non-streamed call"));
            };
        }

        /** Wraps a publisher so that deliveries, demand and cancels are counted on this script. */
        private Flow.Publisher<ChatChunk> counting(Flow.Publisher<ChatChunk> source) {
            return subscriber -> source.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscribed.countDown();
                    subscriber.onSubscribe(new Flow.Subscription() {
                        @Override
                        public void request(long n) {
                            addDemand(n);
                            subscription.request(n);
                        }

                        @Override
                        public void cancel() {
                            cancelled.countDown();
                            subscription.cancel();
                        }
                    });
                }

                @Override
                public void onNext(ChatChunk item) {
                    delivered.incrementAndGet();
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }

        private void addDemand(long n) {
            if (n > 0) {
                requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
        }

        @Override
        public String toString() {
            return "Script[" + kind + ", " + chunks.size() + " chunks]";
        }
    }

    /**
     * Delivers a script's chunks as demanded, then fails ({@code FAIL_AFTER}) or stalls until cancelled
     * ({@code STALL}); {@code HOLD} waits at its hold point until released, then completes. Signals are serialized by a work-in-progress counter and delivered on the requesting thread.
     */
    private static final class ScriptedPublisher implements Flow.Publisher<ChatChunk> {
        private final Script script;

        ScriptedPublisher(Script script) {
            this.script = script;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
            Objects.requireNonNull(subscriber, "subscriber");
            new ScriptedSubscription(script, subscriber).start();
        }
    }

    private static final class ScriptedSubscription implements Flow.Subscription {
        private final Script script;
        private final Flow.Subscriber<? super ChatChunk> subscriber;
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean cancelled;
        private volatile boolean badRequest;
        // Drain loop only.
        private int index;
        private boolean done;
        private boolean started;

        ScriptedSubscription(Script script, Flow.Subscriber<? super ChatChunk> subscriber) {
            this.script = script;
            this.subscriber = subscriber;
        }

        void start() {
            script.subscription = this;
            drain();
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = true;
            } else {
                script.addDemand(n);
                demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            drain();
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                script.cancelled.countDown();
            }
            drain();
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                drainOnce();
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void drainOnce() {
            if (done) {
                return;
            }
            if (!started) {
                started = true;
                script.subscribed.countDown();
                subscriber.onSubscribe(this);
            }
            while (!done) {
                if (cancelled) {
                    done = true;
                    return;
                }
                if (badRequest) {
                    done = true;
                    subscriber.onError(new IllegalArgumentException("rule 3.9: request must be positive"));
                    return;
                }
                if (index == script.holdAt && !script.released) {
                    return; // HOLD: release() drains again
                }
                if (index == script.chunks.size()) {
                    if (script.kind == Kind.FAIL_AFTER) {
                        done = true;
                        subscriber.onError(script.error);
                    } else if (script.kind == Kind.HOLD) {
                        done = true;
                        subscriber.onComplete();
                    }
                    return; // STALL: nothing more until cancel
                }
                if (demand.get() == 0) {
                    return;
                }
                demand.decrementAndGet();
                ChatChunk chunk = script.chunks.get(index++);
                script.delivered.incrementAndGet();
                subscriber.onNext(chunk);
            }
        }
    }

    @Override
    public String toString() {
        return "ScriptedUpstream" + Arrays.asList(scripts.toArray());
    }
}
