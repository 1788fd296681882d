package dev.orsgateway.transcoder;

import static dev.orsgateway.transcoder.Translation.assertRejected;
import static dev.orsgateway.transcoder.Translation.chatJson;
import static dev.orsgateway.transcoder.Translation.items;
import static dev.orsgateway.transcoder.Translation.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.testing.SpecSchemas;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tool call's {@code extra_content} (Gemini 3's thought signature, which Gemini wants back on the call) is kept on
 * its item as {@code ors:extra_content}, streamed or not, and goes back as the call's {@code extra_content} when the
 * item is replayed; every standard event and the response still validate.
 */
class ExtraContentTest {

    private static final CreateResponseRequest WEATHER = Fixtures.request("text-then-tool-call");
    private static final String SIGNATURE_A =
            "{\"google\":{\"thought_signature\":\"CiQB0e2Kb3mQvX9pLr4TzW8sYcN1aHd=\"}}";
    private static final String SIGNATURE_B = "{\"google\":{\"thought_signature\":\"EjQKMgHR7Ypv3k2TQ+8b0w==\"}}";

    @Test
    void aSignatureInTheFirstFragmentOnlyIsOnTheItemAddedAndDone() {
        List<ResponseEvent> events = run(
                WEATHER,
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,"
                        + "\"id\":\"call_1\",\"type\":\"function\",\"extra_content\":" + SIGNATURE_A + ","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"loc\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{"
                        + "\"arguments\":\"ation\\\":\\\"Paris\\\"}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
        Response response = StreamInvariants.check(events);

        Item.FunctionCall call = (Item.FunctionCall) response.output().get(0);
        assertThat(call.arguments()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(call.extra().get("ors:extra_content")).isEqualTo(tree(SIGNATURE_A));
        JsonNode added = itemOf(events, "response.output_item.added");
        assertThat(added.get("ors:extra_content")).isEqualTo(tree(SIGNATURE_A));
        assertThat(itemOf(events, "response.output_item.done").get("ors:extra_content"))
                .isEqualTo(tree(SIGNATURE_A));
        // As stored and read back (GET /responses/{id}, previous_response_id): the field survives.
        Response stored = Fixtures.read(OrsJson.write(response), Response.class);
        assertThat(((Item.FunctionCall) stored.output().get(0)).extra().get("ors:extra_content"))
                .isEqualTo(tree(SIGNATURE_A));
        SpecSchemas.assertValidResponse(OrsJson.tree(stored));
    }

    @Test
    void parallelCallsKeepEachItsOwnAndACallWithoutNoneInterleavedOrNot() {
        // Gemini signs only the first of parallel calls; interleaved fragments are held and emitted at the end.
        Response response = StreamInvariants.check(run(
                WEATHER,
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
                        + "{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"extra_content\":" + SIGNATURE_A
                        + ",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\"}},"
                        + "{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"extra_content\":" + SIGNATURE_B
                        + ",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
                        + "{\"index\":1,\"function\":{\"arguments\":\"\\\"Tokyo\\\"}\"}},"
                        + "{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":2,\"id\":\"call_c\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"location\\\":\\\"Rome\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}"));

        assertThat(response.output()).hasSize(3);
        assertThat(extraContent(response.output().get(0))).isEqualTo(tree(SIGNATURE_A));
        assertThat(extraContent(response.output().get(1))).isEqualTo(tree(SIGNATURE_B));
        assertThat(((Item.FunctionCall) response.output().get(1)).arguments()).isEqualTo("{\"location\":\"Tokyo\"}");
        assertThat(((Item.FunctionCall) response.output().get(2)).extra()).doesNotContainKey("ors:extra_content");
    }

    @Test
    void aNonStreamedCompletionKeepsEachCallsExtraContent() {
        ChatCompletion completion = Fixtures.read(
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gemini-3-pro-preview\","
                        + "\"choices\":[{\"index\":0,\"finish_reason\":\"tool_calls\",\"message\":{\"role\":\"assistant\","
                        + "\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\",\"extra_content\":" + SIGNATURE_A
                        + ",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"}},"
                        + "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"location\\\":\\\"Tokyo\\\"}\"}}]}}]}",
                ChatCompletion.class);

        Response response = Fixtures.chatTranscoder().toResponse(WEATHER, Fixtures.initial(WEATHER), completion);

        SpecSchemas.assertValidResponse(response);
        assertThat(extraContent(response.output().get(0))).isEqualTo(tree(SIGNATURE_A));
        assertThat(((Item.FunctionCall) response.output().get(1)).extra()).doesNotContainKey("ors:extra_content");
    }

    @Test
    void customAndBuiltInToolCallsKeepItToo() {
        CreateResponseRequest request = Translation.request("{\"model\":\"gemini-3-pro-preview\",\"input\":\"Go\","
                + "\"stream\":true,\"tools\":[{\"type\":\"custom\",\"name\":\"apply_patch\"},{\"type\":\"shell\"}]}");
        List<ResponseEvent> events = run(
                request,
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_p\","
                        + "\"type\":\"function\",\"extra_content\":" + SIGNATURE_A + ",\"function\":{\"name\":"
                        + "\"apply_patch\",\"arguments\":\"{\\\"input\\\":\\\"*** Begin Patch\\\"}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_s\","
                        + "\"type\":\"function\",\"extra_content\":" + SIGNATURE_B + ",\"function\":{\"name\":"
                        + "\"shell\",\"arguments\":\"{\\\"commands\\\":[\\\"ls\\\"]}\"}}]},"
                        + "\"finish_reason\":\"tool_calls\"}]}");
        for (ResponseEvent event : events) {
            // OpenAI's item types are checked against its own shapes, the rest against the spec.
            SpecSchemas.assertValidEvent(OrsJson.tree(event));
        }
        Response response = Fixtures.finalResponse(events);

        assertThat(response.output().get(0)).isInstanceOf(Item.CustomToolCall.class);
        assertThat(extraContent(response.output().get(0))).isEqualTo(tree(SIGNATURE_A));
        assertThat(response.output().get(1).type()).isEqualTo("shell_call");
        assertThat(extraContent(response.output().get(1))).isEqualTo(tree(SIGNATURE_B));
    }

    @Test
    void aReplayedCallGoesBackWithItsExtraContentAndOnlyThen() {
        List<Item> history = items("[{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"user\",\"content\":\"Go\"},"
                + "{\"type\":\"function_call\",\"id\":\"fc_1\",\"status\":\"completed\",\"call_id\":\"call_a\","
                + "\"name\":\"get_weather\",\"arguments\":\"{}\",\"ors:extra_content\":" + SIGNATURE_A + "},"
                + "{\"type\":\"function_call\",\"id\":\"fc_2\",\"status\":\"completed\",\"call_id\":\"call_b\","
                + "\"name\":\"get_weather\",\"arguments\":\"{}\"}]");
        JsonNode chat = chatJson(
                TranscoderOptions.DEFAULT,
                "{\"model\":\"gemini-3-pro-preview\",\"previous_response_id\":\"resp_1\",\"tools\":[{\"type\":"
                        + "\"function\",\"name\":\"get_weather\"},{\"type\":\"custom\",\"name\":\"apply_patch\"},"
                        + "{\"type\":\"shell\"}],\"input\":["
                        + "{\"type\":\"function_call_output\",\"call_id\":\"call_a\",\"output\":\"18C\"},"
                        + "{\"type\":\"function_call_output\",\"call_id\":\"call_b\",\"output\":\"22C\"},"
                        + "{\"type\":\"custom_tool_call\",\"call_id\":\"call_p\",\"name\":\"apply_patch\","
                        + "\"input\":\"x\",\"ors:extra_content\":" + SIGNATURE_B + "},"
                        + "{\"type\":\"custom_tool_call_output\",\"call_id\":\"call_p\",\"output\":\"ok\"},"
                        + "{\"type\":\"shell_call\",\"call_id\":\"call_s\",\"action\":{\"commands\":[\"ls\"]},"
                        + "\"status\":\"completed\",\"ors:extra_content\":" + SIGNATURE_A + "},"
                        + "{\"type\":\"shell_call_output\",\"call_id\":\"call_s\",\"output\":[]}]}",
                history);

        assertThat(chat.at("/messages/1/tool_calls"))
                .isEqualTo(tree("[{\"id\":\"call_a\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"},\"extra_content\":"
                        + SIGNATURE_A
                        + "},{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{}\"}}]"));
        assertThat(chat.at("/messages/4/tool_calls/0/extra_content")).isEqualTo(tree(SIGNATURE_B));
        assertThat(chat.at("/messages/6/tool_calls/0/extra_content")).isEqualTo(tree(SIGNATURE_A));
        assertThat(chat.toString()).doesNotContain("ors:extra_content");
    }

    @Test
    void aClientsValueThatIsNotAnObjectIsRefused() {
        assertRejected(
                "{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"call_id\":\"call_a\",\"name\":\"f\","
                        + "\"arguments\":\"{}\",\"ors:extra_content\":\"CiQB0e2K\"}]}",
                "input[0].ors:extra_content",
                "invalid_value",
                "must be an object");
        // null is as good as absent.
        assertThat(chatJson(
                                TranscoderOptions.DEFAULT,
                                "{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"call_id\":\"call_a\","
                                        + "\"name\":\"f\",\"arguments\":\"{}\",\"ors:extra_content\":null}]}",
                                List.of())
                        .at("/messages/0/tool_calls/0")
                        .has("extra_content"))
                .isFalse();
    }

    private static List<ResponseEvent> run(CreateResponseRequest request, String... chunks) {
        StreamTranscoder transcoder = Fixtures.transcoder(request);
        List<ResponseEvent> events = new ArrayList<>();
        for (String json : chunks) {
            events.addAll(transcoder.onChunk(Fixtures.read(json, ChatChunk.class)));
        }
        events.addAll(transcoder.onComplete());
        return events;
    }

    private static JsonNode itemOf(List<ResponseEvent> events, String type) {
        for (ResponseEvent event : events) {
            JsonNode json = OrsJson.tree(event);
            if (json.path("type").asText().equals(type)) {
                return json.get("item");
            }
        }
        throw new AssertionError("no " + type);
    }

    private static JsonNode extraContent(Item item) {
        return OrsJson.tree(item).get("ors:extra_content");
    }
}
