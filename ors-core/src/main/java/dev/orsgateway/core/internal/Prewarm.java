package dev.orsgateway.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.model.Usage;
import dev.orsgateway.core.spi.ResponseTranscoder;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code "generate": false}: OpenAI's way (WebSocket mode; Codex CLI sends it first on every socket) to prepare a turn
 * without generating. The gateway validates the request and resolves its chain as for any turn, skips the model, and
 * answers a completed response with no output (not even the empty assistant message a model that said nothing
 * gets, which would then sit in the chain), stored and remembered like any other so the next turn continues from it.
 * The model's part is one chunk that ends the reply at once; {@link #session} turns it into the three events.
 */
final class Prewarm implements Flow.Publisher<ChatChunk> {

    private final String model;

    private Prewarm(String model) {
        this.model = model;
    }

    /** The events of a prepared-only turn whose response begins as {@code initial}. */
    static ResponseTranscoder.Session session(Response initial, Clock clock) {
        Response begun = ResponseReplay.begun(initial);
        return new ResponseTranscoder.Session() {
            private boolean started;
            private boolean finished;

            @Override
            public List<ResponseEvent> onChunk(ChatChunk chunk) {
                if (started) {
                    return List.of();
                }
                started = true;
                return List.of(new ResponseEvent.Created(0, begun), new ResponseEvent.InProgress(1, begun));
            }

            @Override
            public List<ResponseEvent> onComplete() {
                if (finished) {
                    return List.of();
                }
                finished = true;
                Response done = begun.toBuilder()
                        .status(ResponseStatus.COMPLETED)
                        .completedAt(clock.instant().getEpochSecond())
                        .usage(new Usage(0, 0, 0, null, null))
                        .build();
                return List.of(new ResponseEvent.Completed(2, done));
            }

            @Override
            public List<ResponseEvent> onError(Throwable error) {
                throw new IllegalStateException("a prepared-only turn has no model to fail", error);
            }

            @Override
            public boolean hasStarted() {
                return started;
            }
        };
    }

    /** Whether {@code request} asks not to generate. */
    static boolean isRequested(CreateResponseRequest request) {
        JsonNode generate = request.extra().get("generate");
        return generate != null && generate.isBoolean() && !generate.asBoolean();
    }

    /** The model's part of a prepared-only turn of {@code model}. */
    static Flow.Publisher<ChatChunk> reply(String model) {
        return new Prewarm(model);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
        AtomicBoolean done = new AtomicBoolean();
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (done.getAndSet(true)) {
                    return;
                }
                if (n <= 0) {
                    subscriber.onError(new IllegalArgumentException("rule 3.9: request(" + n + ")"));
                    return;
                }
                ChatDelta delta = new ChatDelta(null, null, null, null, null, null, null, Map.of());
                subscriber.onNext(new ChatChunk(
                        "prewarm", null, model, List.of(new ChunkChoice(0, delta, "stop", null, Map.of())), null));
                subscriber.onComplete();
            }

            @Override
            public void cancel() {
                done.set(true);
            }
        });
    }
}
