package dev.orsgateway.server;

import static dev.orsgateway.server.OrsServletTest.assertErrorShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code POST /responses/compact}, and compaction items coming back as input, over HTTP on both containers. */
class CompactionTest {

    private static final String CONVERSATION = "{\"model\":\"m\",\"input\":["
            + "{\"role\":\"user\",\"content\":\"My name is Ada.\"},"
            + "{\"role\":\"assistant\",\"content\":\"Hello Ada.\"},"
            + "{\"role\":\"user\",\"content\":\"I like tea.\"},"
            + "{\"role\":\"assistant\",\"content\":\"Noted.\"},"
            + "{\"role\":\"user\",\"content\":\"What do I like?\"}]}";

    private static Fixture.Reply compact(Fixture f, String body) {
        return f.send(f.post("/responses/compact", body).build());
    }

    /** Role and text of each message the upstream received last. */
    private static List<String> upstreamMessages(Fixture f) {
        List<String> messages = new ArrayList<>();
        for (JsonNode message : OrsJson.tree(f.upstream.lastRequest()).path("messages")) {
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
    void compactsAConversationIntoASealedSummaryAndContinuesFromIt(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("Ada likes ", "tea.");

            Fixture.Reply reply = compact(f, CONVERSATION);

            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.contentType()).startsWith("application/json");
            JsonNode compacted = reply.json();
            SpecSchemas.assertValid("CompactResource", compacted);
            assertThat(compacted.path("object").asText()).isEqualTo("response.compaction");
            assertThat(compacted.path("usage").path("total_tokens").isInt()).isTrue();
            JsonNode output = compacted.path("output");
            assertThat(output).hasSize(3);
            JsonNode item = output.get(0);
            assertThat(item.path("type").asText()).isEqualTo("compaction");
            assertThat(item.path("id").asText()).startsWith("cmp_");
            assertThat(item.path("encrypted_content").asText())
                    .startsWith("orsc1.")
                    .doesNotContain("tea");
            assertThat(output.get(1).path("role").asText()).isEqualTo("assistant");
            assertThat(output.get(1).at("/content/0/text").asText()).isEqualTo("Noted.");
            assertThat(output.get(2).at("/content/0/text").asText()).isEqualTo("What do I like?");
            // The model was asked to summarize the older three items, and only them.
            assertThat(f.upstream.requestCount()).isEqualTo(1);
            List<String> summarizing = upstreamMessages(f);
            assertThat(summarizing).hasSize(1);
            assertThat(summarizing.get(0))
                    .startsWith(
                            "user: <conversation>\nuser: My name is Ada.\nassistant: Hello Ada.\nuser: I like tea.\n"
                                    + "</conversation>")
                    .doesNotContain("What do I like?")
                    .contains("Write only the summary.");
            assertThat(f.store.saves.get()).isZero();

            // Continue: the compacted window plus a new message. The model reads the summary, then the kept items.
            ArrayNode input = ((ArrayNode) output.deepCopy());
            input.add(Sse.parse("{\"role\":\"user\",\"content\":\"And my name?\"}"));
            ObjectNode next = (ObjectNode) Sse.parse("{\"model\":\"m\"}");
            next.set("input", input);
            f.upstream.enqueueText("Ada.");
            Fixture.Reply continued = f.postJson(next.toString());
            assertThat(continued.status()).as(continued.toString()).isEqualTo(200);
            assertThat(upstreamMessages(f))
                    .containsExactly(
                            "user: Summary of the earlier conversation, compacted:\n\nAda likes tea.",
                            "assistant: Noted.",
                            "user: What do I like?",
                            "user: And my name?");

            // The compaction item was stored as it came, and a chain through it reads the summary again.
            f.upstream.enqueueText("Tea, Ada.");
            Fixture.Reply chained = f.postJson("{\"model\":\"m\",\"previous_response_id\":\""
                    + continued.json().path("id").asText() + "\",\"input\":\"Once more?\"}");
            assertThat(chained.status()).as(chained.toString()).isEqualTo(200);
            assertThat(upstreamMessages(f))
                    .containsExactly(
                            "user: Summary of the earlier conversation, compacted:\n\nAda likes tea.",
                            "assistant: Noted.",
                            "user: What do I like?",
                            "user: And my name?",
                            "assistant: Ada.",
                            "user: Once more?");
            JsonNode stored = f.get("/responses/" + continued.json().path("id").asText() + "/input_items?order=asc")
                    .json();
            assertThat(stored.at("/data/0/type").asText()).isEqualTo("compaction");
            assertThat(stored.at("/data/0/encrypted_content").asText())
                    .isEqualTo(item.path("encrypted_content").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aCompactionCanBeCompactedAgainFromAPreviousResponse(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("Ada likes tea.");
            JsonNode first = compact(f, CONVERSATION).json();
            ObjectNode next = (ObjectNode) Sse.parse("{\"model\":\"m\"}");
            next.set("input", first.path("output").deepCopy());
            f.upstream.enqueueText("You like tea.");
            String id = f.postJson(next.toString()).json().path("id").asText();

            f.upstream.enqueueText("Ada likes tea and asked twice.");
            Fixture.Reply again = compact(f, "{\"model\":\"m\",\"previous_response_id\":\"" + id + "\"}");

            assertThat(again.status()).as(again.toString()).isEqualTo(200);
            SpecSchemas.assertValid("CompactResource", again.json());
            assertThat(upstreamMessages(f).get(0))
                    .startsWith("user: <conversation>\nsummary of what came before: Ada likes tea.\n"
                            + "assistant: Noted.\n");
            assertThat(again.json().at("/output/0/type").asText()).isEqualTo("compaction");
            assertThat(again.json().at("/output/1/content/0/text").asText()).isEqualTo("What do I like?");
            assertThat(again.json().at("/output/2/content/0/text").asText()).isEqualTo("You like tea.");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aChangedOrForeignBlobIsRefusedAndNothingReachesTheUpstream(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("Ada likes tea.");
            String blob = compact(f, CONVERSATION)
                    .json()
                    .at("/output/0/encrypted_content")
                    .asText();
            int middle = blob.length() / 2;
            String changed =
                    blob.substring(0, middle) + (blob.charAt(middle) == 'A' ? 'B' : 'A') + blob.substring(middle + 1);
            int before = f.upstream.requestCount();

            for (String bad :
                    List.of(changed, "orsc1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "gAAAAABpM0Yj-x=")) {
                String item = "{\"type\":\"compaction\",\"encrypted_content\":\"" + bad + "\"}";
                Fixture.Reply create =
                        f.postJson("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"hi\"}," + item + "]}");
                assertErrorShape(create, 400);
                assertThat(create.json().at("/error/param").asText()).isEqualTo("input[1].encrypted_content");
                assertThat(create.json().at("/error/code").asText()).isEqualTo("invalid_encrypted_content");

                Fixture.Reply again = compact(
                        f,
                        "{\"model\":\"m\",\"input\":[" + item
                                + ",{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]}");
                assertErrorShape(again, 400);
                assertThat(again.json().at("/error/param").asText()).isEqualTo("input[0].encrypted_content");
            }
            assertThat(f.upstream.requestCount()).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aCompactionWithoutModelOrWindowIsA400(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            Fixture.Reply noModel = compact(f, "{\"input\":\"Hello\"}");
            assertErrorShape(noModel, 400);
            assertThat(noModel.json().at("/error/param").asText()).isEqualTo("model");

            Fixture.Reply nothing = compact(f, "{\"model\":\"m\",\"input\":[]}");
            assertErrorShape(nothing, 400);
            assertThat(nothing.json().at("/error/param").asText()).isEqualTo("input");

            assertErrorShape(
                    compact(f, "{\"model\":\"m\",\"input\":\"Hello\",\"previous_response_id\":\"resp_x\"}"), 404);
            assertErrorShape(f.get("/responses/compact"), 405);
            assertThat(f.upstream.requestCount()).isZero();
        }
    }

    /** The official compliance suite's {@code compact-response} and {@code compact-missing-model} cases, as sent. */
    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void theOfficialCompactCasesPass(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("The user asked for help; the assistant offered it.");

            Fixture.Reply response = f.send(f.post("/responses/compact", """
                            {"model": "gpt-4o-mini", "prompt_cache_key": "compliance-compact",
                             "input": [{"type": "message", "role": "user", "content": "Hello, can you help me?"},
                                       {"type": "message", "role": "assistant",
                                        "content": "Of course! What do you need?"}]}""")
                    .header("Authorization", "Bearer test-key")
                    .build());

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.contentType()).contains("application/json");
            SpecSchemas.assertValid("CompactResource", response.json());
            assertThat(response.json().path("object").asText()).isEqualTo("response.compaction");
            assertThat(response.json().path("output").findValuesAsText("type")).contains("compaction");
            assertThat(OrsJson.tree(f.upstream.lastRequest())
                            .path("prompt_cache_key")
                            .asText())
                    .isEqualTo("compliance-compact");

            Fixture.Reply missingModel = f.send(f.post("/responses/compact", """
                            {"input": [{"type": "message", "role": "user", "content": "Hello"}]}""")
                    .header("Authorization", "Bearer test-key")
                    .build());
            assertThat(missingModel.status()).isIn(400, 422);
            assertThat(f.upstream.requestCount()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void anUpstreamFailureKeepsItsStatus(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueFailure(429, "rate_limit_error", "rate_limit_exceeded", "Slow down.");

            Fixture.Reply reply = compact(f, CONVERSATION);

            assertErrorShape(reply, 429);
            assertThat(reply.json().at("/error/message").asText()).contains("Slow down.");
        }
    }
}
