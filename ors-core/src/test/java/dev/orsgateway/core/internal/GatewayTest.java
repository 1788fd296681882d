package dev.orsgateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.InMemoryResponseStore;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.ResponseTranscoder;
import dev.orsgateway.core.spi.StoredResponse;
import dev.orsgateway.core.testing.ScriptedUpstream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * The gateway's orchestration, with a minimal transcoder of our own (so nothing here depends on ors-transcoder): the
 * terminal event waits for the store, a storage failure becomes {@code error} + {@code response.failed}, the
 * concurrency bound refuses at once and is released however a response ends, and continuations are checked.
 */
class GatewayTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final GatedStore store = new GatedStore();

    private OrsGateway gateway(int maxConcurrent) {
        return OrsGateway.builder()
                .upstream(upstream)
                .store(store)
                .transcoder(new EchoTranscoder())
                .idGenerator(IdGenerator.sequential())
                .clock(CLOCK)
                .maxConcurrentResponses(maxConcurrent)
                .retryAfter(Duration.ofSeconds(2))
                .build();
    }

    private static CreateResponseRequest request(String text) {
        return CreateResponseRequest.builder().model("m").input(text).build();
    }

    @Test
    void theTerminalEventIsDeliveredOnlyOnceTheStoreHasTheResponse() {
        OrsGateway gateway = gateway(10);
        upstream.enqueueText("Hel", "lo");
        store.gate = new CompletableFuture<>();
        Collector events = new Collector();
        gateway.respond(request("hi")).subscribe(events);

        assertThat(events.types())
                .containsExactly("response.created", "response.output_text.delta", "response.output_text.delta");
        assertThat(events.completed).isFalse();
        assertThat(store.saved).hasSize(1); // handed to the store while the deltas were delivered

        store.gate.complete(null);

        assertThat(events.types()).endsWith("response.completed");
        assertThat(events.completed).isTrue();
        String id = ((ResponseEvent.Lifecycle) events.events.get(0)).response().id();
        assertThat(gateway.retrieve(id, null)).map(Response::status).contains(ResponseStatus.COMPLETED);
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void aStorageFailureReplacesTheTerminalEventWithErrorAndFailed() {
        OrsGateway gateway = gateway(10);
        upstream.enqueueText("x");
        store.gate = CompletableFuture.failedFuture(new IllegalStateException("disk full"));
        Collector events = new Collector();
        gateway.respond(request("hi")).subscribe(events);

        assertThat(events.types()).endsWith("error", "response.failed");
        ResponseEvent.Error error = (ResponseEvent.Error) events.events.get(events.events.size() - 2);
        assertThat(error.error().code()).isEqualTo("storage_error");
        assertThat(error.error().message()).contains("disk full");
        Response failed = ((ResponseEvent.Lifecycle) events.events.get(events.events.size() - 1)).response();
        assertThat(failed.status()).isEqualTo(ResponseStatus.FAILED);
        assertThat(events.completed).isTrue();
    }

    @Test
    void requestsOverTheBoundAreRefusedAtOnceWithRetryAfterAndThePlaceIsFreedByACancel() {
        OrsGateway gateway = gateway(1);
        ScriptedUpstream.Script stalled = upstream.enqueueStallAfter(List.of(ScriptedUpstream.roleChunk("c1")));
        Collector first = new Collector();
        gateway.respond(request("one")).subscribe(first);

        assertThatThrownBy(() -> gateway.respond(request("two"))).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(429);
            assertThat(e.error().type()).isEqualTo(OrsException.TOO_MANY_REQUESTS);
            assertThat(e.error().code()).isEqualTo("concurrency_limit");
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        });
        assertThatThrownBy(() -> gateway.complete(request("three"))).isInstanceOf(OrsException.class);
        assertThat(upstream.requestCount()).isEqualTo(1); // nothing reached the upstream

        first.subscription.cancel();
        assertThat(stalled.cancelled()).isTrue();
        assertThat(gateway.responsesInProgress()).isZero();

        upstream.enqueueText("ok");
        Response response = gateway.complete(request("four")).join();
        assertThat(response.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void anUpstreamFailureBeforeAnyOutputIsOnErrorAndFreesThePlace() {
        OrsGateway gateway = gateway(1);
        upstream.enqueueFailure(429, OrsException.TOO_MANY_REQUESTS, "rate_limited", "slow down");
        Collector events = new Collector();
        gateway.respond(request("hi")).subscribe(events);

        assertThat(events.events).isEmpty();
        assertThat(events.error)
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.httpStatus()).isEqualTo(429));
        assertThat(gateway.responsesInProgress()).isZero();
        assertThat(store.saved).isEmpty();
    }

    @Test
    void aStreamWithStoreFalseIsNotStoredAndItsTerminalEventIsNotHeld() {
        OrsGateway gateway = gateway(10);
        upstream.enqueueText("x");
        store.gate = new CompletableFuture<>(); // would hold a stored response forever
        Collector events = new Collector();
        gateway.respond(request("hi").toBuilder().store(false).build()).subscribe(events);

        assertThat(events.completed).isTrue();
        assertThat(store.saved).isEmpty();
    }

    @Test
    void completeWaitsForTheStoreAndReportsItsFailureAsStorageError() {
        OrsGateway gateway = gateway(10);
        upstream.enqueueText("x");
        store.gate = CompletableFuture.failedFuture(new IllegalStateException("disk full"));

        assertThatThrownBy(() -> gateway.complete(request("hi")).join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(OrsException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(500);
                    assertThat(e.error().code()).isEqualTo("storage_error");
                });
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void aStoreThatAnswersWithItsOwnErrorKeepsItsStatusAndRetryAfter() {
        OrsGateway gateway = gateway(10);
        upstream.enqueueText("x");
        OrsException overloaded = new OrsException(
                        new ErrorPayload(OrsException.SERVER_ERROR, "store_overloaded", "the store is busy", null), 503)
                .withRetryAfter(Duration.ofSeconds(1));
        store.gate = CompletableFuture.failedFuture(overloaded);

        assertThatThrownBy(() -> gateway.complete(request("hi")).join())
                .cause()
                .isInstanceOfSatisfying(OrsException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.error().code()).isEqualTo("store_overloaded");
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                });
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void aContinuationReplaysTheChainAndRefusesFailedOrForeignResponses() {
        OrsGateway gateway = gateway(10);
        upstream.enqueueText("first answer");
        Response first = gateway.complete(request("first"), "alice").join();
        upstream.enqueueText("second answer");
        gateway.complete(
                        request("second").toBuilder()
                                .previousResponseId(first.id())
                                .build(),
                        "alice")
                .join();
        assertThat(upstream.lastRequest().messages()).hasSize(3); // user, assistant, user

        assertThatThrownBy(() -> gateway.respond(
                        request("x").toBuilder().previousResponseId(first.id()).build(), "bob"))
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));

        Response failed = first.toBuilder()
                .id("resp_failed")
                .status(ResponseStatus.FAILED)
                .build();
        store.save(new StoredResponse(failed, List.of(), "alice"));
        assertThatThrownBy(() -> gateway.respond(
                        request("x").toBuilder()
                                .previousResponseId("resp_failed")
                                .build(),
                        "alice"))
                .isInstanceOfSatisfying(OrsException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.error().code()).isEqualTo("previous_response_failed");
                });
    }

    /** An in-memory store whose asynchronous saves complete when {@link #gate} does. */
    static final class GatedStore implements ResponseStore {
        private final InMemoryResponseStore memory = new InMemoryResponseStore();
        volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
        final List<StoredResponse> saved = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> saveAsync(StoredResponse response) {
            saved.add(response);
            return gate.thenRun(() -> memory.save(response));
        }

        @Override
        public void save(StoredResponse response) {
            memory.save(response);
        }

        @Override
        public Optional<StoredResponse> find(String id) {
            return memory.find(id);
        }

        @Override
        public Optional<List<Item>> replay(String id) {
            return memory.replay(id);
        }

        @Override
        public Optional<ItemPage> inputItems(String id, PageRequest page) {
            return memory.inputItems(id, page);
        }

        @Override
        public boolean delete(String id) {
            return memory.delete(id);
        }
    }

    /** Records every signal; requests everything. */
    static final class Collector implements Flow.Subscriber<ResponseEvent> {
        final List<ResponseEvent> events = new CopyOnWriteArrayList<>();
        volatile Flow.Subscription subscription;
        volatile boolean completed;
        volatile Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ResponseEvent event) {
            events.add(event);
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
            completed = true;
        }

        List<String> types() {
            return events.stream().map(ResponseEvent::type).toList();
        }
    }

    /** A transcoder just big enough for orchestration: one created event, a delta per content chunk, a terminal. */
    static final class EchoTranscoder implements ResponseTranscoder {
        @Override
        public ChatCompletionRequest toChatRequest(CreateResponseRequest request, List<Item> history) {
            List<ChatMessage> messages = new ArrayList<>();
            for (Item item : history) {
                messages.add(
                        item instanceof Item.Message m && "assistant".equals(m.role())
                                ? ChatMessage.assistant("a")
                                : ChatMessage.user("u"));
            }
            messages.add(ChatMessage.user("u"));
            return ChatCompletionRequest.builder()
                    .model(request.model())
                    .messages(messages)
                    .build();
        }

        @Override
        public Session open(CreateResponseRequest request, Response initial, IdGenerator ids, Clock clock) {
            return new Session() {
                private long sequence;
                private boolean started;
                private final StringBuilder text = new StringBuilder();

                @Override
                public List<ResponseEvent> onChunk(ChatChunk chunk) {
                    List<ResponseEvent> events = new ArrayList<>();
                    if (!started) {
                        started = true;
                        events.add(new ResponseEvent.Created(sequence++, initial));
                    }
                    for (ChunkChoice choice : chunk.choices() == null ? List.<ChunkChoice>of() : chunk.choices()) {
                        if (choice.delta() != null && choice.delta().content() != null) {
                            text.append(choice.delta().content());
                            events.add(new ResponseEvent.OutputTextDelta(
                                    sequence++, "msg_1", 0, 0, choice.delta().content(), null, null));
                        }
                    }
                    return events;
                }

                @Override
                public List<ResponseEvent> onComplete() {
                    Item message = Item.Message.of(
                            MessageRole.ASSISTANT, List.of(new ContentPart.OutputText(text.toString())));
                    Response done = initial.toBuilder()
                            .status(ResponseStatus.COMPLETED)
                            .output(List.of(message))
                            .completedAt(clock.instant().getEpochSecond())
                            .build();
                    return List.of(new ResponseEvent.Completed(sequence++, done));
                }

                @Override
                public List<ResponseEvent> onError(Throwable error) {
                    Response failed =
                            initial.toBuilder().status(ResponseStatus.FAILED).build();
                    return List.of(
                            new ResponseEvent.Error(
                                    sequence++, new ErrorPayload("server_error", "upstream", "failed", null)),
                            new ResponseEvent.Failed(sequence++, failed));
                }

                @Override
                public boolean hasStarted() {
                    return started;
                }
            };
        }

        @Override
        public Response toResponse(
                CreateResponseRequest request,
                Response initial,
                ChatCompletion completion,
                IdGenerator ids,
                Clock clock) {
            String text = completion.choices().get(0).message().content().asText();
            return initial.toBuilder()
                    .status(ResponseStatus.COMPLETED)
                    .output(List.of(Item.Message.of(MessageRole.ASSISTANT, List.of(new ContentPart.OutputText(text)))))
                    .completedAt(clock.instant().getEpochSecond())
                    .build();
        }
    }
}
