package dev.orsgateway.server;

import static dev.orsgateway.server.WsClient.assertError;
import static dev.orsgateway.server.WsClient.types;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seven WebSocket cases of the official compliance suite ({@code openresponses/openresponses},
 * {@code src/lib/compliance-tests.ts}), as its harness runs them: a real WebSocket client on {@code /v1/responses} with
 * {@code Authorization: Bearer} and {@code Content-Type} on the upgrade, the request bodies it sends, and a turn read
 * up to its first terminal event or error message. Every message is validated against {@code openapi.json} (the
 * union of the streaming events and {@code WebSocketErrorEvent}); beyond the harness, the tests assert the exact event
 * sequences and what the upstream received. On Tomcat and Jetty.
 */
class WebSocketComplianceTest {
    private static final String KEY = "sk-compliance";
    private static final Map<String, String> HEADERS =
            Map.of("Authorization", "Bearer " + KEY, "Content-Type", "application/json");

    /** The events of a text turn of two deltas, as on an event stream, without {@code [DONE]}. */
    static final List<String> TEXT_TURN = List.of(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed");

    private static Fixture start(ServletContainer container) throws Exception {
        return Fixture.start(container, c -> c.apiKey(KEY));
    }

    private static String create(String fields) {
        return "{\"type\":\"response.create\",\"model\":\"gpt-4o-mini\"," + fields + "}";
    }

    /** The final response of a turn that completed. */
    static JsonNode completed(List<JsonNode> turn) {
        assertThat(types(turn)).last().isEqualTo("response.completed");
        JsonNode response = turn.get(turn.size() - 1).path("response");
        SpecSchemas.assertValidResponse(response);
        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("output")).isNotEmpty();
        return response;
    }

    /** Role and text of each message of an upstream request. */
    static List<String> messages(ChatCompletionRequest request) {
        List<String> messages = new ArrayList<>();
        for (JsonNode message : OrsJson.tree(request).path("messages")) {
            JsonNode content = message.path("content");
            String text = content.isTextual()
                    ? content.asText()
                    : content.path(0).path("text").asText();
            messages.add(message.path("role").asText() + ": " + text);
        }
        return messages;
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void websocketResponse(ServletContainer container) throws Exception {
        try (Fixture f = start(container);
                WsClient ws = WsClient.connect(f, HEADERS)) {
            f.upstream.enqueueText("Hello", " there");

            List<JsonNode> turn = ws.create(
                    create(
                            "\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":\"Say hello in exactly 3 words.\"}]"));

            assertThat(types(turn)).containsExactlyElementsOf(TEXT_TURN);
            JsonNode response = completed(turn);
            assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Hello there");
            for (int i = 0; i < turn.size(); i++) {
                assertThat(turn.get(i).path("sequence_number").asInt()).isEqualTo(i);
            }
            assertThat(messages(f.upstream.lastRequest())).containsExactly("user: Say hello in exactly 3 words.");
            assertThat(f.upstream.lastRequest().stream()).isTrue();
            assertThat(f.store.saves.get()).isEqualTo(1); // store defaults to true, as over HTTP
            assertThat(ws.nothingPending()).isTrue(); // no [DONE], nothing after the terminal event
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void websocketSequentialResponses(ServletContainer container) throws Exception {
        try (Fixture f = start(container);
                WsClient ws = WsClient.connect(f, HEADERS)) {
            f.upstream.enqueueText("One", ".");
            f.upstream.enqueueText("Two", ".");

            List<JsonNode> first = ws.create(create("\"input\":\"Say one.\",\"store\":false"));
            List<JsonNode> second = ws.create(create("\"input\":\"Say two.\",\"store\":false"));

            assertThat(types(first)).containsExactlyElementsOf(TEXT_TURN);
            assertThat(types(second)).containsExactlyElementsOf(TEXT_TURN);
            assertThat(completed(first).at("/output/0/content/0/text").asText()).isEqualTo("One.");
            assertThat(completed(second).at("/output/0/content/0/text").asText())
                    .isEqualTo("Two.");
            assertThat(completed(second).path("id").asText())
                    .isNotEqualTo(completed(first).path("id").asText());
            assertThat(f.upstream.requests()).hasSize(2);
            assertThat(messages(f.upstream.requests().get(0))).containsExactly("user: Say one.");
            assertThat(messages(f.upstream.requests().get(1))).containsExactly("user: Say two.");
            assertThat(f.store.saves.get()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void websocketContinuation(ServletContainer container) throws Exception {
        try (Fixture f = start(container);
                WsClient ws = WsClient.connect(f, HEADERS)) {
            f.upstream.enqueueText("Noted", ".");
            f.upstream.enqueueText("Cobalt", ".");

            JsonNode first = completed(ws.create(create("\"input\":\"My favorite color is cobalt.\",\"store\":false")));
            List<JsonNode> second = ws.create(create("\"previous_response_id\":\""
                    + first.path("id").asText() + "\",\"input\":\"What is my favorite color?\",\"store\":false"));

            assertThat(types(second)).containsExactlyElementsOf(TEXT_TURN);
            JsonNode response = completed(second);
            assertThat(response.path("previous_response_id").asText())
                    .isEqualTo(first.path("id").asText());
            assertThat(response.path("store").asBoolean()).isFalse();
            // The model saw the first turn, replayed from the connection's memory: nothing was stored.
            assertThat(messages(f.upstream.lastRequest()))
                    .containsExactly(
                            "user: My favorite color is cobalt.",
                            "assistant: Noted.",
                            "user: What is my favorite color?");
            assertThat(f.store.saves.get()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void websocketReconnectStoreFalseRecovery(ServletContainer container) throws Exception {
        try (Fixture f = start(container)) {
            f.upstream.enqueueText("Remembered", ".");
            String id;
            try (WsClient a = WsClient.connect(f, HEADERS)) {
                id = completed(a.create(create("\"input\":\"Remember the code word: aurora.\",\"store\":false")))
                        .path("id")
                        .asText();
            }
            try (WsClient b = WsClient.connect(f, HEADERS)) {
                JsonNode error = assertError(
                        b.create(create("\"previous_response_id\":\"" + id
                                + "\",\"input\":\"What was the code word?\",\"store\":false")),
                        404,
                        "previous_response_not_found");
                assertThat(error.at("/error/param").asText()).isEqualTo("previous_response_id");

                f.upstream.enqueueText("Fresh", ".");
                List<JsonNode> fresh = b.create(create("\"input\":\"Start over: say fresh.\",\"store\":false"));
                assertThat(types(fresh)).containsExactlyElementsOf(TEXT_TURN);
                completed(fresh);
            }
            assertThat(f.upstream.requests()).hasSize(2); // the refused continuation never reached the upstream
            assertThat(messages(f.upstream.lastRequest())).containsExactly("user: Start over: say fresh.");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void websocketPreviousResponseNotFound(ServletContainer container) throws Exception {
        try (Fixture f = start(container);
                WsClient ws = WsClient.connect(f, HEADERS)) {
            String missing = "resp_openresponses_missing_" + System.currentTimeMillis();

            List<JsonNode> turn = ws.create(
                    create("\"store\":false,\"previous_response_id\":\"" + missing + "\",\"input\":\"Continue.\""));

            JsonNode error = assertError(turn, 404, "previous_response_not_found");
            assertThat(error.at("/error/message").asText()).contains(missing);
            assertThat(f.upstream.requestCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void websocketFailedContinuationEvictsCache(ServletContainer container) throws Exception {
        try (Fixture f = start(container);
                WsClient ws = WsClient.connect(f, HEADERS)) {
            f.upstream.enqueueText("Ready", ".");
            String id = completed(ws.create(create("\"input\":\"Get ready.\",\"store\":false")))
                    .path("id")
                    .asText();

            // An output for a call that was never made: refused here, whatever the upstream would do with it.
            List<JsonNode> failed = ws.create(create("\"previous_response_id\":\"" + id + "\",\"store\":false,"
                    + "\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"call_openresponses_missing\","
                    + "\"output\":\"{}\"}]"));
            assertError(failed, 400, "tool_call_not_found");

            List<JsonNode> again =
                    ws.create(create("\"previous_response_id\":\"" + id + "\",\"store\":false,\"input\":\"Again.\""));
            assertError(again, 404, "previous_response_not_found");
            assertThat(f.upstream.requestCount()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void websocketCompactNewChain(ServletContainer container) throws Exception {
        try (Fixture f = start(container)) {
            f.upstream.enqueueText("The user is planning a trip to Lisbon.");
            Fixture.Reply compacted = f.send(f.post(
                            "/responses/compact",
                            "{\"model\":\"gpt-4o-mini\",\"input\":["
                                    + "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                                    + "\"text\":\"I am planning a trip to Lisbon.\"}]},"
                                    + "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":"
                                    + "\"output_text\",\"text\":\"Lisbon is lovely in spring.\"}]},"
                                    + "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                                    + "\"text\":\"Keep that in mind.\"}]}]}")
                    .header("Authorization", "Bearer " + KEY)
                    .build());
            assertThat(compacted.status()).as(compacted.toString()).isEqualTo(200);
            SpecSchemas.assertValid("CompactResource", compacted.json());
            ArrayNode output = (ArrayNode) compacted.json().path("output");
            assertThat(output.get(0).path("type").asText()).isEqualTo("compaction");

            ArrayNode input = output.deepCopy();
            input.add(Sse.parse("{\"type\":\"message\",\"role\":\"user\",\"content\":\"Where am I going?\"}"));
            ObjectNode message = (ObjectNode) Sse.parse(create("\"tools\":[],\"store\":false"));
            message.set("input", input);
            f.upstream.enqueueText("To ", "Lisbon.");
            try (WsClient ws = WsClient.connect(f, HEADERS)) {
                List<JsonNode> turn = ws.create(message.toString());

                assertThat(types(turn)).containsExactlyElementsOf(TEXT_TURN);
                assertThat(completed(turn).at("/output/0/content/0/text").asText())
                        .isEqualTo("To Lisbon.");
            }
            // The model reads the sealed summary, the items the compaction kept, then the new message.
            List<String> upstream = messages(f.upstream.lastRequest());
            assertThat(upstream.get(0))
                    .isEqualTo("user: Summary of the earlier conversation, compacted:\n\n"
                            + "The user is planning a trip to Lisbon.");
            assertThat(upstream).last().isEqualTo("user: Where am I going?");
            assertThat(upstream).hasSize(output.size() + 1);
            assertThat(f.store.saves.get()).isZero();
        }
    }
}
