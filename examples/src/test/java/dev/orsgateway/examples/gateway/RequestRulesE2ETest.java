package dev.orsgateway.examples.gateway;

import static dev.orsgateway.examples.gateway.Harness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.examples.scripted.Script;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gateway decides before any upstream call: {@code store: false}, unknown {@code previous_response_id}s and
 * tool outputs that answer no call. Each rejection must leave the upstream's request count unchanged.
 */
class RequestRulesE2ETest {

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

    @Test
    void storeFalseKeepsNothingAndCannotBeContinued() {
        Response completed =
                h.complete(request("Remember nothing.").store(false).build());
        assertThat(completed.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(completed.store()).isFalse();
        assertThat(ConversationE2ETest.text(completed)).isEqualTo("You said: Remember nothing.");
        Response streamed = h.stream(request("Nor this.").store(false).build()).response();
        assertThat(streamed.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(streamed.store()).isFalse();
        // store is the gateway's business: it never reaches the provider (which would keep the completion).
        assertThat(h.takeUpstreamBody().has("store")).isFalse();
        assertThat(h.takeUpstreamBody().has("store")).isFalse();

        for (Response response : List.of(completed, streamed)) {
            assertThat(h.gateway.retrieve(response.id(), null)).isEmpty();
            assertThat(h.gateway.listInputItems(response.id(), PageRequest.DEFAULT, null))
                    .isEmpty();
            assertThat(h.gateway.delete(response.id(), null)).isFalse();
        }
        assertThat(h.storedResponseRows()).isZero();
        assertThat(h.storedItemRows()).isZero();

        int upstreamCalls = h.server.requestCount();
        for (Response response : List.of(completed, streamed)) {
            assertRejectedBeforeUpstream(
                    request("Do you remember?")
                            .previousResponseId(response.id())
                            .build(),
                    e -> assertPreviousResponseNotFound(e, response.id()));
        }
        assertThat(h.server.requestCount()).isEqualTo(upstreamCalls);
    }

    @Test
    void anUnknownPreviousResponseIdFailsFastWith404() {
        assertRejectedBeforeUpstream(
                request("Hello again.").previousResponseId("resp_never_existed").build(),
                e -> assertPreviousResponseNotFound(e, "resp_never_existed"));
        // A real id under another owner is just as unknown.
        Response mine = h.complete(request("Mine.").build(), "alice");
        int upstreamCalls = h.server.requestCount();
        assertRejectedBeforeUpstream(
                request("Theirs?").previousResponseId(mine.id()).build(),
                "bob",
                e -> assertPreviousResponseNotFound(e, mine.id()));
        assertThat(h.server.requestCount()).isEqualTo(upstreamCalls);
        assertThat(h.server.requestCount()).isEqualTo(1);
    }

    @Test
    void anOrphanFunctionCallOutputIs400NamingTheCallIdBeforeAnyUpstreamCall() {
        Consumer<OrsException> orphan = e -> {
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
            assertThat(e.error().code()).isEqualTo("tool_call_not_found");
            assertThat(e.error().param()).isEqualTo("input[1].call_id");
            assertThat(e.getMessage()).contains("call_nowhere");
        };
        List<Item> input =
                List.of(Item.Message.user("Here is the result."), Item.FunctionCallOutput.of("call_nowhere", "42"));

        assertRejectedBeforeUpstream(request(input).build(), orphan);

        // With a history that has calls, but not this one.
        h.server.enqueue(Script.toolCalls(
                Script.call("get_weather", "{\"location\":\"Rome\"}").withId("call_rome")));
        Response withCall = h.complete(request("Weather in Rome?")
                .tools(List.of(ConversationE2ETest.weatherTool()))
                .build());
        assertThat(withCall.output()).singleElement().isInstanceOf(Item.FunctionCall.class);
        int upstreamCalls = h.server.requestCount();
        assertRejectedBeforeUpstream(
                request(input)
                        .previousResponseId(withCall.id())
                        .tools(List.of(ConversationE2ETest.weatherTool()))
                        .build(),
                orphan);
        assertThat(h.server.requestCount()).isEqualTo(upstreamCalls);
        assertThat(h.storedResponseRows()).isEqualTo(1);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private void assertRejectedBeforeUpstream(CreateResponseRequest request, Consumer<OrsException> check) {
        assertRejectedBeforeUpstream(request, null, check);
    }

    /** Every entry point throws from the calling thread, and the upstream sees no request. */
    private void assertRejectedBeforeUpstream(
            CreateResponseRequest request, String owner, Consumer<OrsException> check) {
        int before = h.server.requestCount();
        assertThatThrownBy(() -> h.gateway.respond(request, owner)).isInstanceOfSatisfying(OrsException.class, check);
        assertThatThrownBy(() -> h.gateway.respond(request, owner, event -> {}))
                .isInstanceOfSatisfying(OrsException.class, check);
        assertThatThrownBy(() -> h.gateway.complete(request, owner)).isInstanceOfSatisfying(OrsException.class, check);
        assertThatThrownBy(() -> h.gateway.previewUpstreamRequest(request, owner))
                .isInstanceOfSatisfying(OrsException.class, check);
        assertThat(h.server.requestCount()).isEqualTo(before);
    }

    private static void assertPreviousResponseNotFound(OrsException e, String id) {
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.error().type()).isEqualTo(OrsException.NOT_FOUND);
        assertThat(e.error().code()).isEqualTo("previous_response_not_found");
        assertThat(e.error().param()).isEqualTo("previous_response_id");
        assertThat(e.getMessage()).contains(id);
    }
}
