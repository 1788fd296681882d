package dev.orsgateway.examples.gateway;

import static dev.orsgateway.examples.gateway.Harness.WAIT;
import static dev.orsgateway.examples.gateway.Harness.assistant;
import static dev.orsgateway.examples.gateway.Harness.messages;
import static dev.orsgateway.examples.gateway.Harness.request;
import static dev.orsgateway.examples.gateway.Harness.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.Script;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream failing (HTTP errors, a connection dying mid-stream) and the consumer going away. */
class UpstreamFailureE2ETest {

    private static final String RATE_LIMITED =
            "{\"error\":{\"message\":\"Rate limit reached for test-model\",\"type\":\"rate_limit_error\","
                    + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    private static final String HTML_500 =
            "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1>"
                    + "</body></html>";

    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    // ---- HTTP errors before any output -----------------------------------------------------------------------

    @Test
    void upstream429WithRetryAfterFailsStreamsAndCompletionsAndStoresNothing() {
        Consumer<OrsException> rateLimited = e -> {
            assertThat(e.httpStatus()).isEqualTo(429);
            assertThat(e.error().type()).isEqualTo(OrsException.TOO_MANY_REQUESTS);
            assertThat(e.getMessage()).contains("Rate limit reached for test-model");
            assertThat(e.error().headers()).containsEntry("retry-after", "7");
            SpecSchemas.assertValid("Error", e.error());
        };
        assertFailsEveryWayAndStoresNothing(
                () -> Script.httpError(429, RATE_LIMITED, Map.of("Retry-After", "7")), rateLimited);
    }

    @Test
    void upstream500WithAnHtmlBodyFailsStreamsAndCompletionsAndStoresNothing() {
        Consumer<OrsException> serverError = e -> {
            assertThat(e.httpStatus()).isEqualTo(500);
            assertThat(e.error().type()).isEqualTo(OrsException.SERVER_ERROR);
            SpecSchemas.assertValid("Error", e.error());
        };
        assertFailsEveryWayAndStoresNothing(() -> Script.httpError(500, HTML_500, "text/html"), serverError);
    }

    /** Streamed (publisher and listener forms) and not: each fails with the same error; nothing is stored. */
    private void assertFailsEveryWayAndStoresNothing(
            java.util.function.Supplier<Script> script, Consumer<OrsException> check) {
        // A stored first turn, so that the failing turns carry history (and would have something to store).
        Response first = h.complete(request("First.").build());
        CreateResponseRequest failing =
                request("Second.").previousResponseId(first.id()).build();

        h.server.enqueue(script.get());
        Harness.Streamed streamed = h.stream(failing);
        assertThat(streamed.events()).as("no event before the failure").isEmpty();
        assertThat(streamed.error()).isInstanceOfSatisfying(OrsException.class, check);

        h.server.enqueue(script.get());
        CompletableFuture<Response> listened = h.gateway.respond(failing, null, event -> {
            throw new AssertionError("unexpected event " + event);
        });
        check.accept(Harness.failure(listened));

        h.server.enqueue(script.get());
        check.accept(Harness.failure(h.gateway.complete(failing, null)));

        assertThat(h.server.requestCount()).isEqualTo(4);
        assertThat(h.server.requests())
                .allSatisfy(r -> assertThat(r.awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.COMPLETED));
        assertThat(h.storedResponseRows()).isEqualTo(1);
        assertThat(h.storedItemRows()).isEqualTo(2);
        // The conversation goes on from the last good turn.
        h.server.requests().forEach(r -> h.server.takeRequest());
        Response retry = h.complete(failing);
        assertThat(ConversationE2ETest.text(retry)).isEqualTo("You said: Second.");
        assertThat(h.takeUpstreamBody().get("messages"))
                .isEqualTo(messages(user("First."), assistant("You said: First."), user("Second.")));
    }

    // ---- the upstream dies mid-stream ------------------------------------------------------------------------

    @Test
    void anUpstreamDyingMidStreamEndsWithErrorThenFailedAndTheFailedResponseCannotBeContinued() {
        Response first = h.complete(request("First.").build());
        h.takeUpstreamBody();

        h.server.enqueue(Script.dieAfter(4));
        Harness.Streamed streamed = h.stream(
                request("Tell me a story.").previousResponseId(first.id()).build());
        RecordedRequest died = h.server.takeRequest();
        assertThat(died.awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.DIED);

        List<String> types = streamed.types();
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("error", "response.failed");
        assertThat(types).contains("response.created", "response.output_text.delta");
        ResponseEvent.Error error = (ResponseEvent.Error) streamed.events().get(types.size() - 2);
        assertThat(error.error().message()).isNotBlank();
        Response failed = streamed.response();
        assertThat(failed.status()).isEqualTo(ResponseStatus.FAILED);
        assertThat(failed.error()).isNotNull();
        assertThat(failed.id()).isEqualTo(streamed.created().id());
        assertThat(failed.previousResponseId()).isEqualTo(first.id());
        // What arrived before the cut is kept in the failed response, as streamed.
        assertThat(streamed.deltaText()).isNotEmpty();
        assertThat(ConversationE2ETest.text(failed)).isEqualTo(streamed.deltaText());

        // Stored as failed, exactly as the terminal event carried it, with its input.
        assertThat(h.gateway.retrieve(failed.id(), null)).hasValue(failed);
        assertThat(h.gateway
                        .listInputItems(failed.id(), dev.orsgateway.core.spi.PageRequest.DEFAULT, null)
                        .orElseThrow()
                        .data())
                .singleElement()
                .satisfies(item -> assertThat(((Item.Message) item).text()).isEqualTo("Tell me a story."));

        // Continuing from it is refused before any upstream call; its parent can still be continued.
        int upstreamCalls = h.server.requestCount();
        CreateResponseRequest fromFailed =
                request("Go on.").previousResponseId(failed.id()).build();
        Consumer<OrsException> previousFailed = e -> {
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.error().code()).isEqualTo("previous_response_failed");
            assertThat(e.error().param()).isEqualTo("previous_response_id");
            assertThat(e.getMessage()).contains(failed.id());
        };
        assertThatThrownBy(() -> h.gateway.respond(fromFailed, null))
                .isInstanceOfSatisfying(OrsException.class, previousFailed);
        assertThatThrownBy(() -> h.gateway.complete(fromFailed, null))
                .isInstanceOfSatisfying(OrsException.class, previousFailed);
        assertThat(h.server.requestCount()).isEqualTo(upstreamCalls);

        Response retry = h.complete(
                request("Tell me a story.").previousResponseId(first.id()).build());
        assertThat(retry.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(h.takeUpstreamBody().get("messages"))
                .isEqualTo(messages(user("First."), assistant("You said: First."), user("Tell me a story.")));
    }

    @Test
    void anUpstreamDyingBeforeAnyOutputFailsStreamsAndCompletionsAndStoresNothing() {
        // Streamed: the event stream opened, then the connection closed before the first chunk.
        h.server.enqueue(Script.dieAfter(0));
        Harness.Streamed streamed = h.stream(request("Hello?").build());
        assertThat(streamed.events()).isEmpty();
        assertThat(streamed.error())
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.httpStatus()).isEqualTo(502));
        assertThat(h.server.takeRequest().awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.DIED);

        // Not streamed: the connection closed without an answer.
        h.server.enqueue(Script.dieAfter(0));
        OrsException e = Harness.failure(h.gateway.complete(request("Hello?").build(), null));
        assertThat(e.httpStatus()).isEqualTo(502);
        assertThat(h.server.takeRequest().awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.DIED);
        assertThat(h.storedResponseRows()).isZero();
    }

    // ---- the consumer goes away ------------------------------------------------------------------------------

    @Test
    void cancellingAStreamMidWayDisconnectsFromTheUpstreamAndStoresNothing() throws Exception {
        h.server.enqueue(Script.stallAfter(3));
        Harness.Collector collector = new Harness.Collector(Long.MAX_VALUE);
        h.gateway.respond(request("Tell me a long story.").build(), null).subscribe(collector);
        List<ResponseEvent> seen = collector.awaitEvent(ResponseEvent.OutputTextDelta.class::isInstance);
        String id = ((ResponseEvent.Created) seen.get(0)).response().id();

        collector.subscription().cancel();

        assertThat(h.server.awaitClientDisconnect(WAIT))
                .as("the upstream saw the client go")
                .isTrue();
        assertThat(h.server.takeRequest().awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.CLIENT_DISCONNECTED);
        assertThat(collector.events()).noneMatch(ResponseEvent::isTerminal);
        assertThat(h.gateway.retrieve(id, null)).isEmpty();
        assertThat(h.storedResponseRows()).isZero();
    }

    @Test
    void cancellingTheListenerFutureMidStreamDisconnectsFromTheUpstreamAndStoresNothing() {
        h.server.enqueue(Script.stallAfter(3));
        CompletableFuture<String> created = new CompletableFuture<>();
        CompletableFuture<Void> firstDelta = new CompletableFuture<>();
        CompletableFuture<Response> result =
                h.gateway.respond(request("Tell me a long story.").build(), null, event -> {
                    SpecSchemas.assertValidEvent(event);
                    if (event instanceof ResponseEvent.Created c) {
                        created.complete(c.response().id());
                    } else if (event instanceof ResponseEvent.OutputTextDelta) {
                        firstDelta.complete(null);
                    }
                });
        Harness.await(firstDelta);

        assertThat(result.cancel(true)).isTrue();

        assertThat(h.server.awaitClientDisconnect(WAIT))
                .as("the upstream saw the client go")
                .isTrue();
        assertThat(h.server.takeRequest().awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.CLIENT_DISCONNECTED);
        assertThat(h.gateway.retrieve(Harness.await(created), null)).isEmpty();
        assertThat(h.storedResponseRows()).isZero();
    }

    @Test
    void cancellingACompletionWhileTheUpstreamStallsDisconnectsFromItAndStoresNothing() {
        h.server.enqueue(Script.stallAfter(0));
        CompletableFuture<Response> result =
                h.gateway.complete(request("Hello?").build(), null);
        RecordedRequest stalled = h.server.takeRequest();
        assertThat(stalled.outcome()).isEmpty();

        assertThat(result.cancel(true)).isTrue();

        assertThat(h.server.awaitClientDisconnect(WAIT))
                .as("the upstream saw the client go")
                .isTrue();
        assertThat(stalled.awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.CLIENT_DISCONNECTED);
        assertThat(h.storedResponseRows()).isZero();
    }
}
