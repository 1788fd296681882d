package dev.orsgateway.examples.gateway;

import static dev.orsgateway.examples.gateway.Harness.assistant;
import static dev.orsgateway.examples.gateway.Harness.messages;
import static dev.orsgateway.examples.gateway.Harness.request;
import static dev.orsgateway.examples.gateway.Harness.system;
import static dev.orsgateway.examples.gateway.Harness.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.model.Tool;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.examples.scripted.Script;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversations through {@code previous_response_id}, end to end: loopback HTTP upstream, SQLite file store. */
class ConversationE2ETest {

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
    void threeTurnsSendingOnlyTheNewMessageReplayTheWholeConversationInOrder() {
        // Turn 1, streamed, with its own instructions.
        h.server.enqueue(Script.text("Hello", " Ada."));
        Harness.Streamed turn1 = h.stream(request("My name is Ada.")
                .instructions("Instructions of turn one.")
                .build());
        Response r1 = turn1.response();
        assertThat(r1.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(turn1.deltaText()).isEqualTo("Hello Ada.");
        assertThat(r1.usage()).as("usage, asked for with stream_options").isNotNull();
        assertThat(text(r1)).isEqualTo("Hello Ada.");
        JsonNode body1 = h.takeUpstreamBody();
        assertThat(body1.get("messages"))
                .isEqualTo(messages(system("Instructions of turn one."), user("My name is Ada.")));
        assertThat(body1.get("stream").booleanValue()).isTrue();
        assertThat(body1.get("model").textValue()).isEqualTo(Harness.MODEL);

        // Turn 2, not streamed, without instructions: only the new user message.
        h.server.enqueue(Script.text("Your name", " is Ada."));
        Response r2 = h.complete(
                request("What is my name?").previousResponseId(r1.id()).build());
        assertThat(r2.previousResponseId()).isEqualTo(r1.id());
        assertThat(text(r2)).isEqualTo("Your name is Ada.");
        JsonNode body2 = h.takeUpstreamBody();
        assertThat(body2.get("messages"))
                .isEqualTo(messages(user("My name is Ada."), assistant("Hello Ada."), user("What is my name?")));
        assertThat(body2.has("stream")).isFalse();

        // Turn 3, streamed, with other instructions: turn 1's are not inherited, turn 3's come first.
        h.server.enqueue(Script.text("A-", "d-", "a."));
        Harness.Streamed turn3 = h.stream(request("Spell it.")
                .previousResponseId(r2.id())
                .instructions("Instructions of turn three.")
                .build());
        Response r3 = turn3.response();
        assertThat(r3.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(r3.instructions()).isEqualTo("Instructions of turn three.");
        assertThat(turn3.deltaText()).isEqualTo("A-d-a.");
        assertThat(text(r3)).isEqualTo("A-d-a.");
        JsonNode body3 = h.takeUpstreamBody();
        assertThat(body3.get("messages"))
                .isEqualTo(messages(
                        system("Instructions of turn three."),
                        user("My name is Ada."),
                        assistant("Hello Ada."),
                        user("What is my name?"),
                        assistant("Your name is Ada."),
                        user("Spell it.")));
        assertThat(body3.toString()).doesNotContain("Instructions of turn one.");
        assertThat(h.server.requestCount()).isEqualTo(3);

        // What the store replays for a fourth turn: every item, with the ids the gateway gave them.
        List<Item> replay = h.replay(r3.id());
        assertThat(replay).hasSize(6);
        assertThat(replay.stream().map(ConversationE2ETest::roleAndText))
                .containsExactly(
                        "user: My name is Ada.",
                        "assistant: Hello Ada.",
                        "user: What is my name?",
                        "assistant: Your name is Ada.",
                        "user: Spell it.",
                        "assistant: A-d-a.");
        assertThat(replay).allSatisfy(item -> assertThat(item.id()).isNotBlank());
        assertThat(replay.get(5)).isEqualTo(r3.output().get(0));
        assertThat(h.storedResponseRows()).isEqualTo(3);
    }

    @Test
    void aToolRoundTripSendsOnlyTheOutputAndTheUpstreamGetsTheWholeExchange() {
        h.server.enqueue(Script.toolCalls(
                Script.call("get_weather", "{\"location\":\"Paris\"}").withId("call_paris")));
        Harness.Streamed turn1 = h.stream(request("What is the weather in Paris?")
                .tools(List.of(weatherTool()))
                .build());
        Response r1 = turn1.response();
        assertThat(r1.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(r1.output()).singleElement().isInstanceOf(Item.FunctionCall.class);
        Item.FunctionCall call = (Item.FunctionCall) r1.output().get(0);
        assertThat(call.callId()).isEqualTo("call_paris");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(turn1.types()).contains("response.function_call_arguments.done");
        JsonNode body1 = h.takeUpstreamBody();
        assertThat(body1.get("messages")).isEqualTo(messages(user("What is the weather in Paris?")));
        assertThat(body1.at("/tools/0/function/name").textValue()).isEqualTo("get_weather");

        // Turn 2: only the tool's output; the demo model reports what the tool returned.
        Response r2 = h.complete(request(List.of(Item.FunctionCallOutput.of("call_paris", "{\"temperature_c\":18}")))
                .previousResponseId(r1.id())
                .tools(List.of(weatherTool()))
                .build());
        assertThat(r2.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(text(r2)).isEqualTo("The tool returned: {\"temperature_c\":18}");
        JsonNode body2 = h.takeUpstreamBody();
        assertThat(body2.get("messages")).isEqualTo(SpecSchemas.json("""
                        [
                          {"role": "user", "content": "What is the weather in Paris?"},
                          {"role": "assistant", "tool_calls": [{"id": "call_paris", "type": "function",
                            "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Paris\\"}"}}]},
                          {"role": "tool", "tool_call_id": "call_paris", "content": "{\\"temperature_c\\":18}"}
                        ]
                        """));

        assertThat(h.replay(r2.id()).stream().map(Item::type))
                .containsExactly("message", "function_call", "function_call_output", "message");
    }

    @Test
    void twoBranchesFromOneResponseEachSeeOnlyTheirOwnHistory() throws Exception {
        h.server.enqueue(Script.text("Blue."));
        Response root = h.complete(request("Pick a color.").build());
        h.takeUpstreamBody();

        // Both branches at once: one streamed, one not; the demo model answers both.
        Harness.Collector streamed = new Harness.Collector(Long.MAX_VALUE);
        h.gateway
                .respond(request("Why blue?").previousResponseId(root.id()).build(), null)
                .subscribe(streamed);
        CompletableFuture<Response> completed = h.gateway.complete(
                request("Pick another.").previousResponseId(root.id()).build(), null);
        Response a = streamed.await().response();
        Response b = Harness.await(completed);
        SpecSchemas.assertValidResponse(b);
        assertThat(text(a)).isEqualTo("You said: Why blue?");
        assertThat(text(b)).isEqualTo("You said: Pick another.");
        assertThat(a.previousResponseId()).isEqualTo(root.id());
        assertThat(b.previousResponseId()).isEqualTo(root.id());

        Map<String, JsonNode> bodies = lastUserMessageToMessages(2);
        assertThat(bodies.get("Why blue?"))
                .isEqualTo(messages(user("Pick a color."), assistant("Blue."), user("Why blue?")));
        assertThat(bodies.get("Pick another."))
                .isEqualTo(messages(user("Pick a color."), assistant("Blue."), user("Pick another.")));

        // One more turn on each branch.
        Response a2 = h.complete(request("And then?").previousResponseId(a.id()).build());
        Response b2 = h.stream(request("And then?").previousResponseId(b.id()).build())
                .response();
        assertThat(h.takeUpstreamBody().get("messages"))
                .isEqualTo(messages(
                        user("Pick a color."),
                        assistant("Blue."),
                        user("Why blue?"),
                        assistant("You said: Why blue?"),
                        user("And then?")));
        assertThat(h.takeUpstreamBody().get("messages"))
                .isEqualTo(messages(
                        user("Pick a color."),
                        assistant("Blue."),
                        user("Pick another."),
                        assistant("You said: Pick another."),
                        user("And then?")));

        List<Item> replayA = h.replay(a2.id());
        List<Item> replayB = h.replay(b2.id());
        assertThat(replayA.stream().map(ConversationE2ETest::roleAndText))
                .containsExactly(
                        "user: Pick a color.",
                        "assistant: Blue.",
                        "user: Why blue?",
                        "assistant: You said: Why blue?",
                        "user: And then?",
                        "assistant: You said: And then?");
        assertThat(replayB.stream().map(ConversationE2ETest::roleAndText))
                .containsExactly(
                        "user: Pick a color.",
                        "assistant: Blue.",
                        "user: Pick another.",
                        "assistant: You said: Pick another.",
                        "user: And then?",
                        "assistant: You said: And then?");
        // The shared root is the same stored items; everything after it belongs to one branch only.
        assertThat(replayA.subList(0, 2)).isEqualTo(replayB.subList(0, 2)).isEqualTo(h.replay(root.id()));
        assertThat(ids(replayA.subList(2, 6))).doesNotContainAnyElementsOf(ids(replayB));
        assertThat(h.replay(a.id())).isEqualTo(replayA.subList(0, 4));
        assertThat(h.replay(b.id())).isEqualTo(replayB.subList(0, 4));
    }

    @Test
    void inputItemsOfATurnAreItsOwnWithGatewayIdsAndPageEndToEnd() {
        h.server.enqueue(Script.toolCalls(
                Script.call("get_weather", "{\"location\":\"Oslo\"}").withId("call_1")));
        Response r1 = h.complete(
                request("Weather in Oslo?").tools(List.of(weatherTool())).build());
        h.server.enqueue(Script.text("Sunny", " today."));
        Item.Message own = new Item.Message(
                "msg_client_own",
                null,
                MessageRole.USER,
                List.of(new ContentPart.InputText("And tomorrow?")),
                null,
                Map.of());
        Response r2 = h.stream(request(List.of(
                                Item.FunctionCallOutput.of("call_1", "sunny"), Item.Message.user("Thanks."), own))
                        .previousResponseId(r1.id())
                        .tools(List.of(weatherTool()))
                        .build())
                .response();
        assertThat(text(r2)).isEqualTo("Sunny today.");

        ItemPage all = h.gateway
                .listInputItems(r2.id(), new PageRequest(null, null, 20, true), null)
                .orElseThrow();
        assertThat(all.data()).hasSize(3);
        assertThat(all.hasMore()).isFalse();
        all.data().forEach(item -> SpecSchemas.assertValid("ItemParam", item));
        Item.FunctionCallOutput output = (Item.FunctionCallOutput) all.data().get(0);
        Item.Message thanks = (Item.Message) all.data().get(1);
        Item.Message tomorrow = (Item.Message) all.data().get(2);
        assertThat(output.id()).startsWith("fco_");
        assertThat(output.callId()).isEqualTo("call_1");
        assertThat(output.output()).isEqualTo(new Item.Output.Text("sunny"));
        assertThat(thanks.id()).startsWith("msg_");
        assertThat(thanks.text()).isEqualTo("Thanks.");
        // A client's own id is kept; like every stored input item it gets a status (OpenAI lists them with one).
        assertThat(tomorrow)
                .isEqualTo(new Item.Message(
                        "msg_client_own", ItemStatus.COMPLETED, own.role(), own.content(), null, Map.of()));
        assertThat(output.status()).isEqualTo(ItemStatus.COMPLETED);
        assertThat(thanks.status()).isEqualTo(ItemStatus.COMPLETED);
        assertThat(all.firstId()).isEqualTo(output.id());
        assertThat(all.lastId()).isEqualTo("msg_client_own");
        // The stored input items are the ones the chain replays.
        assertThat(h.replay(r2.id()).subList(2, 5)).isEqualTo(all.data());

        // Default order: newest first.
        assertThat(h.gateway
                        .listInputItems(r2.id(), PageRequest.DEFAULT, null)
                        .orElseThrow()
                        .data())
                .containsExactly(tomorrow, thanks, output);

        // Pages of two, both directions.
        ItemPage ascending1 = h.gateway
                .listInputItems(r2.id(), new PageRequest(null, null, 2, true), null)
                .orElseThrow();
        assertThat(ascending1.data()).containsExactly(output, thanks);
        assertThat(ascending1.hasMore()).isTrue();
        assertThat(ascending1.lastId()).isEqualTo(thanks.id());
        ItemPage ascending2 = h.gateway
                .listInputItems(r2.id(), new PageRequest(ascending1.lastId(), null, 2, true), null)
                .orElseThrow();
        assertThat(ascending2.data()).containsExactly(tomorrow);
        assertThat(ascending2.hasMore()).isFalse();

        ItemPage descending1 = h.gateway
                .listInputItems(r2.id(), new PageRequest(null, null, 2, false), null)
                .orElseThrow();
        assertThat(descending1.data()).containsExactly(tomorrow, thanks);
        assertThat(descending1.hasMore()).isTrue();
        ItemPage descending2 = h.gateway
                .listInputItems(r2.id(), new PageRequest(descending1.lastId(), null, 2, false), null)
                .orElseThrow();
        assertThat(descending2.data()).containsExactly(output);
        assertThat(descending2.hasMore()).isFalse();

        assertThat(h.gateway
                        .listInputItems(r2.id(), new PageRequest(null, tomorrow.id(), 20, true), null)
                        .orElseThrow()
                        .data())
                .containsExactly(output, thanks);

        // Turn 1's own input is its one user message; nothing for unknown ids or other owners.
        assertThat(h.gateway
                        .listInputItems(r1.id(), PageRequest.DEFAULT, null)
                        .orElseThrow()
                        .data())
                .singleElement()
                .satisfies(item -> assertThat(roleAndText(item)).isEqualTo("user: Weather in Oslo?"));
        assertThat(h.gateway.listInputItems("resp_unknown", PageRequest.DEFAULT, null))
                .isEmpty();
        assertThat(h.gateway.listInputItems(r2.id(), PageRequest.DEFAULT, "someone-else"))
                .isEmpty();
    }

    @Test
    void retrieveGivesWhatTheTerminalEventCarriedAndDeleteBreaksTheChainForChildren() {
        Harness.Streamed turn1 = h.stream(request("One.").build());
        Response r1 = turn1.response();
        assertThat(h.gateway.retrieve(r1.id(), null)).hasValue(r1);
        assertThat(json(h.gateway.retrieve(r1.id(), null).orElseThrow())).isEqualTo(json(r1));
        assertThat(r1.id()).isEqualTo(turn1.created().id());
        // Stored before its terminal event is delivered: a listener can continue from it at once.
        List<Optional<Response>> seenAtTerminal = new ArrayList<>();
        Response listened = Harness.await(h.gateway.respond(request("One more.").build(), null, event -> {
            if (event.isTerminal()) {
                seenAtTerminal.add(h.gateway.retrieve(
                        ((ResponseEvent.Lifecycle) event).response().id(), null));
            }
        }));
        SpecSchemas.assertValidResponse(listened);
        assertThat(seenAtTerminal).containsExactly(Optional.of(listened));

        Response r2 = h.complete(request("Two.").previousResponseId(r1.id()).build());
        Response retrieved2 = h.gateway.retrieve(r2.id(), null).orElseThrow();
        SpecSchemas.assertValidResponse(retrieved2);
        assertThat(retrieved2).isEqualTo(r2);
        assertThat(json(retrieved2)).isEqualTo(json(r2));
        Response r3 =
                h.stream(request("Three.").previousResponseId(r2.id()).build()).response();
        assertThat(h.gateway.retrieve(r3.id(), null)).hasValue(r3);

        // Owners see only their own.
        assertThat(h.gateway.retrieve(r1.id(), "someone-else")).isEmpty();
        assertThat(h.gateway.delete(r1.id(), "someone-else")).isFalse();

        assertThat(h.gateway.delete(r1.id(), null)).isTrue();
        assertThat(h.gateway.retrieve(r1.id(), null)).isEmpty();
        assertThat(h.gateway.listInputItems(r1.id(), PageRequest.DEFAULT, null)).isEmpty();
        assertThat(h.gateway.delete(r1.id(), null)).isFalse();
        assertThat(h.gateway.retrieve(r2.id(), null)).hasValue(r2); // a child stays retrievable

        int upstreamCalls = h.server.requestCount();
        for (String id : List.of(r1.id(), r2.id(), r3.id())) {
            assertThatThrownBy(() -> h.gateway.respond(
                            request("Four.").previousResponseId(id).build(), null))
                    .as("continuing from %s", id)
                    .isInstanceOfSatisfying(OrsException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(404);
                        assertThat(e.error().code()).isEqualTo("previous_response_not_found");
                        assertThat(e.error().param()).isEqualTo("previous_response_id");
                    });
            assertThatThrownBy(() -> h.gateway.complete(
                            request("Four.").previousResponseId(id).build(), null))
                    .isInstanceOfSatisfying(
                            OrsException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
        }
        assertThat(h.server.requestCount()).isEqualTo(upstreamCalls);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    static String text(Response response) {
        StringBuilder text = new StringBuilder();
        for (Item item : response.output()) {
            if (item instanceof Item.Message message) {
                text.append(message.text());
            }
        }
        return text.toString();
    }

    static JsonNode json(Object value) {
        return OrsJson.mapper().valueToTree(value);
    }

    static List<String> ids(List<Item> items) {
        return items.stream().map(Item::id).toList();
    }

    static Tool weatherTool() {
        return Tool.Function.of(
                "get_weather",
                "Current weather for a city",
                SpecSchemas.json("{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},"
                        + "\"required\":[\"location\"]}"));
    }

    /** The last {@code n} upstream bodies' messages, by the text of their last user message. */
    private Map<String, JsonNode> lastUserMessageToMessages(int n) {
        Map<String, JsonNode> byText = new HashMap<>();
        for (int i = 0; i < n; i++) {
            JsonNode messages = h.takeUpstreamBody().get("messages");
            byText.put(messages.get(messages.size() - 1).get("content").textValue(), messages);
        }
        assertThat(byText).hasSize(n);
        return byText;
    }

    static String roleAndText(Item item) {
        if (item instanceof Item.Message message) {
            return message.role().wireName() + ": " + message.text();
        }
        return item.type();
    }
}
