package dev.orsgateway.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Read → write round trips of the Open Responses model: nothing the spec or a provider sends is lost. */
class ModelRoundTripTest {
    private static final ObjectMapper MAPPER = OrsJson.mapper();

    private static JsonNode roundTrip(String json, Class<?> type) throws Exception {
        // Through text, so numbers compare as parsed (an int written from a long field is still an int node).
        return MAPPER.readTree(OrsJson.write(MAPPER.readValue(json, type)));
    }

    /** Asserts every key of {@code expected} is in {@code actual} with an equal value (recursively). */
    private static void assertContains(JsonNode actual, JsonNode expected, String path) {
        if (expected.isObject()) {
            assertThat(actual.isObject()).as(path).isTrue();
            for (Map.Entry<String, JsonNode> e : expected.properties()) {
                assertThat(actual.has(e.getKey())).as(path + "." + e.getKey()).isTrue();
                assertContains(actual.get(e.getKey()), e.getValue(), path + "." + e.getKey());
            }
        } else if (expected.isArray()) {
            assertThat(actual.size()).as(path).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertContains(actual.get(i), expected.get(i), path + "[" + i + "]");
            }
        } else if (expected.isNumber()) {
            assertThat(actual.decimalValue()).as(path).isEqualByComparingTo(expected.decimalValue());
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    @Test
    void compactResourceExampleRoundTripsExactly() throws Exception {
        JsonNode example = SpecSchemas.document().at("/components/schemas/CompactResource/example");
        JsonNode written = roundTrip(example.toString(), CompactResponse.class);
        assertThat(written).isEqualTo(example);
        SpecSchemas.assertValid("CompactResource", written);
    }

    @Test
    void responseResourceExampleKeepsEveryFieldAndBecomesValid() throws Exception {
        // The embedded example misses required keys (a known defect of the spec document): reading fills them with
        // the spec's defaults, everything the example has survives, and what we write validates.
        JsonNode example = SpecSchemas.document().at("/components/schemas/ResponseResource/example");
        JsonNode written = roundTrip(example.toString(), Response.class);
        assertContains(written, example, "$");
        SpecSchemas.assertValidResponse(written);
    }

    @Test
    void unknownItemTypeSurvivesUnchanged() throws Exception {
        String json = "{\"type\":\"acme:search_result\",\"id\":\"sr_1\",\"status\":\"completed\",\"hits\":[{\"u\":1}]}";
        Item item = MAPPER.readValue(json, Item.class);
        assertThat(item).isInstanceOf(Item.Unknown.class);
        assertThat(item.type()).isEqualTo("acme:search_result");
        assertThat(item.id()).isEqualTo("sr_1");
        assertThat(OrsJson.tree(item)).isEqualTo(MAPPER.readTree(json));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hi\",\"annotations\":[{\"type\":\"url_citation\",\"url\":\"https://e.x\",\"start_index\":0,\"end_index\":2,\"title\":\"E\"}],\"acme:score\":0.5}],\"phase\":\"final_answer\",\"acme:tag\":\"x\"}",
                "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\",\"status\":\"completed\"}",
                "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"{\\\"temp\\\":20}\"}",
                "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":[{\"type\":\"input_text\",\"text\":\"ok\"},{\"type\":\"input_image\",\"image_url\":\"https://e.x/a.png\",\"detail\":\"low\"},{\"type\":\"input_video\",\"video_url\":\"https://e.x/v.mp4\"}]}",
                "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"s\"}],\"content\":[{\"type\":\"reasoning_text\",\"text\":\"t\"}],\"encrypted_content\":\"opaque\",\"status\":\"completed\"}",
                "{\"type\":\"item_reference\",\"id\":\"msg_9\"}",
                "{\"type\":\"compaction\",\"id\":\"cmp_1\",\"encrypted_content\":\"blob\",\"created_by\":\"ors\"}",
                "{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"a\"},{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,AAAA\"},{\"type\":\"input_file\",\"filename\":\"a.pdf\",\"file_data\":\"JVBE\"},{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklG\",\"format\":\"wav\"}},{\"type\":\"acme:sticker\",\"id\":7}]}",
                "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"no\"}]}",
                "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\",\"name\":\"spawn_agent\",\"arguments\":\"{}\",\"status\":\"completed\",\"namespace\":\"multi_agent_v1\"}",
                "{\"type\":\"custom_tool_call\",\"id\":\"ctc_1\",\"call_id\":\"call_1\",\"namespace\":\"tools\",\"name\":\"apply_patch\",\"input\":\"*** Begin Patch\\n\",\"status\":\"completed\"}",
                "{\"type\":\"custom_tool_call_output\",\"call_id\":\"call_1\",\"output\":[{\"type\":\"input_text\",\"text\":\"Done.\"}]}",
                "{\"type\":\"shell_call\",\"id\":\"sh_1\",\"call_id\":\"call_2\",\"action\":{\"commands\":[\"ls\"]},\"status\":\"completed\"}",
            })
    void knownItemsRoundTripExactly(String json) throws Exception {
        assertThat(roundTrip(json, Item.class)).isEqualTo(MAPPER.readTree(json));
    }

    @Test
    void openAiToolItemsToolChoicesAndEventsAreTyped() throws Exception {
        Item.FunctionCall call = (Item.FunctionCall) MAPPER.readValue(
                "{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"spawn_agent\",\"arguments\":\"{}\","
                        + "\"namespace\":\"multi_agent_v1\"}",
                Item.class);
        assertThat(call.namespace()).isEqualTo("multi_agent_v1");
        assertThat(Item.FunctionCall.of("c", "f", "{}").namespace()).isNull();
        Item custom = MAPPER.readValue(
                "{\"type\":\"custom_tool_call\",\"call_id\":\"c\",\"name\":\"p\",\"input\":\"x\"}", Item.class);
        assertThat(custom).isEqualTo(new Item.CustomToolCall(null, "c", null, "p", "x", null, Map.of()));
        assertThat(OrsJson.write(Item.CustomToolCallOutput.of("c", "ok")))
                .isEqualTo("{\"type\":\"custom_tool_call_output\",\"call_id\":\"c\",\"output\":\"ok\"}");
        assertThat(MAPPER.readValue("{\"type\":\"tool_search_call\",\"arguments\":{}}", Item.class))
                .isInstanceOf(Item.Unknown.class);

        for (String json : List.of(
                "{\"type\":\"custom\",\"name\":\"apply_patch\"}",
                "{\"type\":\"shell\"}",
                "{\"type\":\"mcp\",\"server_label\":\"deepwiki\",\"name\":\"ask\"}")) {
            ToolChoice choice = MAPPER.readValue(json, ToolChoice.class);
            assertThat(choice).isInstanceOf(ToolChoice.Typed.class);
            assertThat(OrsJson.tree(choice)).isEqualTo(MAPPER.readTree(json));
        }
        assertThat(((ToolChoice.Typed) MAPPER.readValue("{\"type\":\"custom\",\"name\":\"p\"}", ToolChoice.class))
                        .name())
                .isEqualTo("p");
        assertThatThrownBy(() -> MAPPER.readValue("{\"name\":\"p\"}", ToolChoice.class))
                .isInstanceOf(MismatchedInputException.class)
                .hasMessageContaining("type");

        for (String json : List.of(
                "{\"type\":\"response.custom_tool_call_input.delta\",\"sequence_number\":4,\"item_id\":\"ctc_1\","
                        + "\"output_index\":1,\"delta\":\"*** \"}",
                "{\"type\":\"response.custom_tool_call_input.done\",\"sequence_number\":5,\"item_id\":\"ctc_1\","
                        + "\"output_index\":1,\"input\":\"*** Begin\"}")) {
            ResponseEvent event = MAPPER.readValue(json, ResponseEvent.class);
            assertThat(event).isNotInstanceOf(ResponseEvent.Unknown.class);
            assertThat(MAPPER.readTree(OrsJson.write(event))).isEqualTo(MAPPER.readTree(json));
            assertThat(event.withSequenceNumber(9).sequenceNumber()).isEqualTo(9);
        }
    }

    @Test
    void stringContentIsReadAsOneTextPartOfTheRightKind() throws Exception {
        Item.Message user = (Item.Message)
                MAPPER.readValue("{\"type\":\"message\",\"role\":\"user\",\"content\":\"hello\"}", Item.class);
        assertThat(user.content()).containsExactly(new ContentPart.InputText("hello"));
        Item.Message assistant = (Item.Message)
                MAPPER.readValue("{\"type\":\"message\",\"role\":\"assistant\",\"content\":\"hi\"}", Item.class);
        assertThat(assistant.content()).containsExactly(new ContentPart.OutputText("hi"));
    }

    @Test
    void messageWithoutTypeAndBareReferenceAreAccepted() throws Exception {
        // The spec's own allowed_tools example omits "type" on a message; ItemReferenceParam makes it optional.
        List<Item> items = MAPPER.readValue(
                "[{\"role\":\"developer\",\"content\":\"be brief\"},{\"id\":\"msg_1\"}]", new TypeReference<>() {});
        assertThat(items.get(0)).isInstanceOf(Item.Message.class);
        assertThat(((Item.Message) items.get(0)).role()).isEqualTo(MessageRole.DEVELOPER);
        assertThat(items.get(1)).isEqualTo(new Item.ItemReference("msg_1", Map.of()));
    }

    @Test
    void itemWithoutTypeOrRoleIsRejected() {
        assertThatThrownBy(() -> MAPPER.readValue("{\"content\":\"x\",\"status\":\"y\"}", Item.class))
                .isInstanceOf(MismatchedInputException.class)
                .hasMessageContaining("type");
    }

    @Test
    void messageWithoutContentIsRejected() {
        assertThatThrownBy(() -> MAPPER.readValue("{\"type\":\"message\",\"role\":\"user\"}", Item.class))
                .isInstanceOf(MismatchedInputException.class)
                .hasMessageContaining("content");
        assertThatThrownBy(
                        () -> MAPPER.readValue("{\"type\":\"message\",\"role\":\"user\",\"content\":null}", Item.class))
                .hasMessageContaining("content");
    }

    @Test
    void unknownRoleIsRejected() {
        assertThatThrownBy(() ->
                        MAPPER.readValue("{\"type\":\"message\",\"role\":\"critic\",\"content\":\"x\"}", Item.class))
                .hasMessageContaining("critic");
    }

    @Test
    void requestWithEveryFieldRoundTrips() throws Exception {
        String json =
                "{\"model\":\"gpt-4o-mini\",\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}],"
                        + "\"instructions\":\"be nice\",\"previous_response_id\":\"resp_1\",\"include\":[\"message.output_text.logprobs\"],"
                        + "\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"description\":\"d\",\"parameters\":{\"type\":\"object\"},\"strict\":true}],"
                        + "\"tool_choice\":{\"type\":\"allowed_tools\",\"mode\":\"required\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]},"
                        + "\"parallel_tool_calls\":false,\"metadata\":{\"k\":\"v\"},\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\",\"description\":\"d\",\"schema\":{\"type\":\"object\"},\"strict\":true},\"verbosity\":\"low\"},"
                        + "\"temperature\":0.5,\"top_p\":0.9,\"presence_penalty\":0.1,\"frequency_penalty\":0.2,\"stream\":true,\"stream_options\":{\"include_obfuscation\":false},"
                        + "\"background\":false,\"max_output_tokens\":100,\"max_tool_calls\":3,\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"},"
                        + "\"safety_identifier\":\"u1\",\"prompt_cache_key\":\"k1\",\"truncation\":\"auto\",\"store\":false,\"service_tier\":\"flex\",\"top_logprobs\":2,"
                        + "\"user\":\"legacy\",\"acme:routing\":{\"region\":\"eu\"}}";
        JsonNode written = roundTrip(json, CreateResponseRequest.class);
        assertThat(written).isEqualTo(MAPPER.readTree(json));
        ObjectNode specOnly = (ObjectNode) written.deepCopy();
        specOnly.remove(List.of("user", "acme:routing"));
        SpecSchemas.assertValid("CreateResponseBody", specOnly);
    }

    @Test
    void stringInputIsOneUserMessage() throws Exception {
        CreateResponseRequest request =
                MAPPER.readValue("{\"model\":\"m\",\"input\":\"Say hello\"}", CreateResponseRequest.class);
        assertThat(request.input()).containsExactly(Item.Message.user("Say hello"));
        SpecSchemas.assertValid("CreateResponseBody", request);
    }

    @Test
    void toolChoiceFormsRoundTrip() throws Exception {
        for (String json : List.of(
                "\"none\"",
                "\"auto\"",
                "\"required\"",
                "{\"type\":\"function\",\"name\":\"f\"}",
                "{\"type\":\"allowed_tools\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}")) {
            assertThat(roundTrip(json, ToolChoice.class)).isEqualTo(MAPPER.readTree(json));
        }
        // Chat Completions' nested form, which OpenAI clients sometimes send, is understood.
        assertThat(MAPPER.readValue("{\"type\":\"function\",\"function\":{\"name\":\"g\"}}", ToolChoice.class))
                .isEqualTo(new ToolChoice.Function("g"));
        assertThatThrownBy(() -> MAPPER.readValue("\"sometimes\"", ToolChoice.class))
                .hasMessageContaining("sometimes");
    }

    @Test
    void unknownEventSurvivesUnchanged() throws Exception {
        String json = "{\"type\":\"acme:trace\",\"sequence_number\":7,\"span\":{\"id\":\"s\"}}";
        ResponseEvent event = MAPPER.readValue(json, ResponseEvent.class);
        assertThat(event).isInstanceOf(ResponseEvent.Unknown.class);
        assertThat(event.sequenceNumber()).isEqualTo(7);
        assertThat(MAPPER.readTree(OrsJson.write(event))).isEqualTo(MAPPER.readTree(json));
        assertThat(event.withSequenceNumber(9).sequenceNumber()).isEqualTo(9);
    }

    @Test
    void unknownFieldsOnKnownEventsSurvive() throws Exception {
        String json = "{\"type\":\"response.output_text.delta\",\"sequence_number\":3,\"item_id\":\"msg_1\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"he\",\"logprobs\":[],\"obfuscation\":\"xyz\",\"acme:t\":1}";
        ResponseEvent event = MAPPER.readValue(json, ResponseEvent.class);
        assertThat(event).isInstanceOf(ResponseEvent.OutputTextDelta.class);
        assertThat(MAPPER.readTree(OrsJson.write(event))).isEqualTo(MAPPER.readTree(json));
    }
}
