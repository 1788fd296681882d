package dev.orsgateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.ConnectionCache;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.spi.ResponseTranscoder;
import dev.orsgateway.core.testing.ScriptedUpstream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The connection-local memory of WebSocket mode, through {@code OrsGateway.respond(request, owner, cache)}: {@code
 * store: false} chains continue from the cache alone, with the whole conversation replayed in order; nothing of it is
 * visible to another cache or without one; a failed continuation (refused, an upstream error, {@code
 * response.failed}, a storage failure) evicts its {@code previous_response_id} for good on that cache.
 */
class ConnectionCacheTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    private final ScriptedUpstream upstream = new ScriptedUpstream();
    private final GatewayTest.GatedStore store = new GatewayTest.GatedStore();
    private final OrsGateway gateway = OrsGateway.builder()
            .upstream(upstream)
            .store(store)
            .transcoder(new TranscriptTranscoder())
            .idGenerator(IdGenerator.sequential())
            .clock(CLOCK)
            .build();

    private static CreateResponseRequest turn(String text, String previous, boolean store) {
        return CreateResponseRequest.builder()
                .model("m")
                .input(text)
                .previousResponseId(previous)
                .store(store)
                .build();
    }

    /** Runs one turn to its end; returns the response of its terminal event. */
    private Response run(CreateResponseRequest request, String owner, ConnectionCache cache) {
        GatewayTest.Collector events = new GatewayTest.Collector();
        gateway.respond(request, owner, cache).subscribe(events);
        assertThat(events.completed).as("the stream ended: %s", events.error).isTrue();
        return ((ResponseEvent.Lifecycle) events.events.get(events.events.size() - 1)).response();
    }

    /** What the upstream was last asked, one line per message: the replayed conversation. */
    private List<String> lastTranscript() {
        return upstream.lastRequest().messages().stream()
                .map(m -> ((ChatMessage.UserMessage) m).content().asText())
                .toList();
    }

    @Test
    void storeFalseChainsContinueFromTheCacheWithTheWholeConversationInOrder() {
        ConnectionCache cache = new ConnectionCache();
        upstream.enqueueText("one");
        Response first = run(turn("a", null, false), "alice", cache);
        assertThat(cache.latestResponseId()).contains(first.id());

        upstream.enqueueText("two");
        Response second = run(turn("b", first.id(), false), "alice", cache);
        upstream.enqueueText("three");
        Response third = run(turn("c", second.id(), false), "alice", cache);

        assertThat(third.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(lastTranscript())
                .containsExactly("user: a", "assistant: one", "user: b", "assistant: two", "user: c");
        assertThat(cache.latestResponseId()).contains(third.id());
        assertThat(store.saved).isEmpty(); // the store was never written, and never needed
    }

    @Test
    void theCacheIsVisibleNeitherToAnotherCacheNorWithoutOne() {
        ConnectionCache cache = new ConnectionCache();
        upstream.enqueueText("one");
        Response first = run(turn("a", null, false), "alice", cache);

        assertThatThrownBy(() -> gateway.respond(turn("b", first.id(), false), "alice", new ConnectionCache()))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
        assertThatThrownBy(() -> gateway.respond(turn("b", first.id(), false), "alice"))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
        assertThatThrownBy(() -> gateway.complete(turn("b", first.id(), false), "alice"))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
        // Another owner on the same cache (a transport keeps one owner per connection; the gateway checks anyway).
        assertThatThrownBy(() -> gateway.respond(turn("b", first.id(), false), "bob", cache))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void onlyTheLatestResponseIsKeptAndStoredOnesAreStillReadFromTheStore() {
        ConnectionCache cache = new ConnectionCache();
        upstream.enqueueText("one");
        Response stored = run(turn("a", null, true), "alice", cache);
        upstream.enqueueText("two");
        Response unstored = run(turn("b", null, false), "alice", cache);
        assertThat(cache.latestResponseId()).contains(unstored.id());

        upstream.enqueueText("three");
        run(turn("c", stored.id(), false), "alice", cache); // not the latest: from the store
        assertThat(lastTranscript()).containsExactly("user: a", "assistant: one", "user: c");

        assertThatThrownBy(() -> gateway.respond(turn("d", unstored.id(), false), "alice", cache))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
    }

    @Test
    void aContinuationRefusedBeforeTheUpstreamEvictsItsPreviousResponse() {
        ConnectionCache cache = new ConnectionCache();
        upstream.enqueueText("one");
        Response first = run(turn("a", null, false), "alice", cache);

        assertThatThrownBy(() -> gateway.respond(turn("reject", first.id(), false), "alice", cache))
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        assertThat(cache.latestResponseId()).isEmpty();
        assertThatThrownBy(() -> gateway.respond(turn("b", first.id(), false), "alice", cache))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void anUpstreamFailureBeforeOutputEvictsItsPreviousResponse() {
        ConnectionCache cache = new ConnectionCache();
        upstream.enqueueText("one");
        Response first = run(turn("a", null, false), "alice", cache);
        upstream.enqueueFailure(503, OrsException.SERVER_ERROR, "upstream_unavailable", "down");

        GatewayTest.Collector events = new GatewayTest.Collector();
        gateway.respond(turn("b", first.id(), false), "alice", cache).subscribe(events);

        assertThat(events.error).isInstanceOf(OrsException.class);
        assertThatThrownBy(() -> gateway.respond(turn("c", first.id(), false), "alice", cache))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
    }

    @Test
    void aFailedResponseEvictsItsPreviousResponseAndIsNotKept() {
        ConnectionCache cache = new ConnectionCache();
        upstream.enqueueText("one");
        Response first = run(turn("a", null, false), "alice", cache);
        upstream.enqueueFailureAfter(
                ScriptedUpstream.partialTextChunks("half"), new IllegalStateException("connection reset"));

        Response failed = run(turn("b", first.id(), false), "alice", cache);

        assertThat(failed.status()).isEqualTo(ResponseStatus.FAILED);
        assertThat(cache.latestResponseId()).isEmpty();
        assertThatThrownBy(() -> gateway.respond(turn("c", first.id(), false), "alice", cache))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
        assertThatThrownBy(() -> gateway.respond(turn("c", failed.id(), false), "alice", cache))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
    }

    @Test
    void anEvictedStoredResponseIsRefusedOnThatCacheButNotElsewhere() {
        ConnectionCache cache = new ConnectionCache();
        upstream.enqueueText("one");
        Response first = run(turn("a", null, true), "alice", cache);
        assertThat(cache.latestResponseId()).contains(first.id());

        store.gate = CompletableFuture.failedFuture(new IllegalStateException("disk full"));
        upstream.enqueueText("two");
        Response failed = run(turn("b", first.id(), true), "alice", cache);
        assertThat(failed.status()).isEqualTo(ResponseStatus.FAILED); // storing it failed
        store.gate = CompletableFuture.completedFuture(null);

        assertThatThrownBy(() -> gateway.respond(turn("c", first.id(), true), "alice", cache))
                .isInstanceOfSatisfying(OrsException.class, ConnectionCacheTest::isPreviousResponseNotFound);
        upstream.enqueueText("three");
        assertThat(run(turn("c", first.id(), true), "alice", new ConnectionCache())
                        .status())
                .isEqualTo(ResponseStatus.COMPLETED);
    }

    @Test
    void aCancelledTurnChangesNothing() {
        ConnectionCache cache = new ConnectionCache();
        upstream.enqueueText("one");
        Response first = run(turn("a", null, false), "alice", cache);
        ScriptedUpstream.Script stalled = upstream.enqueueStallAfter(ScriptedUpstream.partialTextChunks("x"));

        GatewayTest.Collector events = new GatewayTest.Collector();
        gateway.respond(turn("b", first.id(), false), "alice", cache).subscribe(events);
        events.subscription.cancel();

        assertThat(stalled.cancelled()).isTrue();
        assertThat(cache.latestResponseId()).contains(first.id());
        upstream.enqueueText("two");
        assertThat(run(turn("c", first.id(), false), "alice", cache).status()).isEqualTo(ResponseStatus.COMPLETED);
    }

    private static void isPreviousResponseNotFound(OrsException e) {
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.error().code()).isEqualTo("previous_response_not_found");
        assertThat(e.error().param()).isEqualTo("previous_response_id");
    }

    /**
     * {@link GatewayTest.EchoTranscoder}, but the upstream request spells out the conversation (one user message
     * {@code "<role>: <text>"} per item) so a test can read what was replayed; input {@code reject} is refused (400).
     */
    static final class TranscriptTranscoder implements ResponseTranscoder {
        private final GatewayTest.EchoTranscoder echo = new GatewayTest.EchoTranscoder();

        @Override
        public ChatCompletionRequest toChatRequest(CreateResponseRequest request, List<Item> history) {
            List<ChatMessage> messages = new ArrayList<>();
            List<Item> all = new ArrayList<>(history);
            all.addAll(request.input());
            for (Item item : all) {
                Item.Message message = (Item.Message) item;
                String text = message.content().stream()
                        .map(part -> part instanceof ContentPart.InputText in
                                ? in.text()
                                : ((ContentPart.OutputText) part).text())
                        .reduce("", String::concat);
                if (text.equals("reject")) {
                    throw OrsException.invalidRequest("input", "rejected by the test transcoder");
                }
                messages.add(ChatMessage.user(message.role().wireName() + ": " + text));
            }
            return ChatCompletionRequest.builder()
                    .model(request.model())
                    .messages(messages)
                    .build();
        }

        @Override
        public Session open(CreateResponseRequest request, Response initial, IdGenerator ids, Clock clock) {
            return echo.open(request, initial, ids, clock);
        }

        @Override
        public Response toResponse(
                CreateResponseRequest request,
                Response initial,
                ChatCompletion completion,
                IdGenerator ids,
                Clock clock) {
            return echo.toResponse(request, initial, completion, ids, clock);
        }
    }
}
