package dev.orsgateway.core.testing;

import static dev.orsgateway.core.testing.SpecSchemas.assertInvalid;
import static dev.orsgateway.core.testing.SpecSchemas.assertValid;
import static dev.orsgateway.core.testing.SpecSchemas.assertValidEvent;
import static dev.orsgateway.core.testing.SpecSchemas.assertValidResponse;
import static dev.orsgateway.core.testing.SpecSchemas.errors;
import static dev.orsgateway.core.testing.SpecSchemas.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecSchemasTest {

    /** A minimal complete response: every one of the 31 required keys, nullable ones null. */
    static final String SKELETON = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1764967971,"
            + "\"completed_at\":1764967972,\"status\":\"completed\",\"incomplete_details\":null,\"model\":\"m\","
            + "\"previous_response_id\":null,\"instructions\":null,"
            + "\"output\":[{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\","
            + "\"content\":[{\"type\":\"output_text\",\"text\":\"Hi\",\"annotations\":[]}]}],"
            + "\"error\":null,\"tools\":[],\"tool_choice\":\"auto\",\"truncation\":\"disabled\","
            + "\"parallel_tool_calls\":true,\"text\":{\"format\":{\"type\":\"text\"}},\"top_p\":1,"
            + "\"presence_penalty\":0,\"frequency_penalty\":0,\"top_logprobs\":0,\"temperature\":1,"
            + "\"reasoning\":{\"effort\":null,\"summary\":null},"
            + "\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3,"
            + "\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens_details\":{\"reasoning_tokens\":0}},"
            + "\"max_output_tokens\":null,\"max_tool_calls\":null,\"store\":true,\"background\":false,"
            + "\"service_tier\":\"default\",\"metadata\":{},\"safety_identifier\":null,\"prompt_cache_key\":null}";

    static ObjectNode skeleton() {
        return (ObjectNode) json(SKELETON);
    }

    @Nested
    class ResponseResource {

        @Test
        void skeletonIsValid() {
            assertThat(errors("ResponseResource", skeleton())).isEmpty();
            assertValidResponse(skeleton());
        }

        @Test
        void requiredKeysAreExactlyTheSkeletonKeys() {
            Set<String> required = new TreeSet<>();
            SpecSchemas.document()
                    .at("/components/schemas/ResponseResource/required")
                    .forEach(n -> required.add(n.asText()));
            Set<String> skeletonKeys = new TreeSet<>();
            skeleton().fieldNames().forEachRemaining(skeletonKeys::add);
            assertThat(required).hasSize(31).isEqualTo(skeletonKeys);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "id",
                    "object",
                    "created_at",
                    "completed_at",
                    "status",
                    "incomplete_details",
                    "model",
                    "previous_response_id",
                    "instructions",
                    "output",
                    "error",
                    "tools",
                    "tool_choice",
                    "truncation",
                    "parallel_tool_calls",
                    "text",
                    "top_p",
                    "presence_penalty",
                    "frequency_penalty",
                    "top_logprobs",
                    "temperature",
                    "reasoning",
                    "usage",
                    "max_output_tokens",
                    "max_tool_calls",
                    "store",
                    "background",
                    "service_tier",
                    "metadata",
                    "safety_identifier",
                    "prompt_cache_key"
                })
        void removingARequiredKeyMakesItInvalid(String key) {
            ObjectNode response = skeleton();
            assertThat(response.remove(key)).as("skeleton has %s", key).isNotNull();
            assertThat(assertInvalid("ResponseResource", response))
                    .singleElement(InstanceOfAssertFactories.STRING)
                    .contains("required")
                    .contains("'" + key + "'");
        }

        @Test
        void nullTemperatureIsInvalid() {
            ObjectNode response = skeleton();
            response.putNull("temperature");
            assertThat(assertInvalid("ResponseResource", response))
                    .anySatisfy(e -> assertThat(e).contains("temperature").contains("null"));
        }

        @Test
        void outputTextWithoutAnnotationsIsInvalid() {
            ObjectNode response = skeleton();
            ((ObjectNode) response.at("/output/0/content/0")).remove("annotations");
            assertThat(assertInvalid("ResponseResource", response))
                    .anySatisfy(e -> assertThat(e).contains("annotations"));
        }

        @Test
        void jsonSchemaFormatEchoMustHaveANullSchema() {
            // The spec declares the echoed text.format json_schema "schema" as anyOf [{type: null}] only.
            ObjectNode response = skeleton();
            response.set(
                    "text",
                    json("{\"format\":{\"type\":\"json_schema\",\"name\":\"answer\",\"description\":null,"
                            + "\"schema\":null,\"strict\":true}}"));
            assertValidResponse(response);

            ((ObjectNode) response.at("/text/format"))
                    .set("schema", json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"));
            assertThat(assertInvalid("ResponseResource", response))
                    .anySatisfy(e -> assertThat(e).contains("schema"));
        }

        @Test
        void enumTypeAndOneOfAreEnforced() {
            ObjectNode wrongEnum = skeleton();
            wrongEnum.put("object", "responses");
            assertThat(assertInvalid("ResponseResource", wrongEnum))
                    .anySatisfy(e -> assertThat(e).contains("object").contains("enum"));

            ObjectNode wrongNullable = skeleton();
            wrongNullable.put("completed_at", "soon");
            assertInvalid("ResponseResource", wrongNullable);

            ObjectNode wrongInteger = skeleton();
            wrongInteger.put("created_at", 1.5);
            assertInvalid("ResponseResource", wrongInteger);

            ObjectNode wrongChoice = skeleton();
            wrongChoice.put("tool_choice", "sometimes");
            assertInvalid("ResponseResource", wrongChoice);

            ObjectNode unknownItem = skeleton();
            ((ObjectNode) unknownItem.at("/output/0")).put("type", "web_search_call");
            assertInvalid("ResponseResource", unknownItem);
        }

        @Test
        void embeddedExampleIsInvalid() {
            // Finding: the "example" the spec embeds in ResponseResource is not a valid ResponseResource. It omits
            // required nullable keys and has "reasoning": {} although Reasoning requires effort and summary.
            JsonNode example = SpecSchemas.document().at("/components/schemas/ResponseResource/example");
            assertThat(example.isObject()).isTrue();
            List<String> errors = assertInvalid("ResponseResource", example);
            List<String> missing = new ArrayList<>();
            for (String key : List.of(
                    "incomplete_details",
                    "previous_response_id",
                    "instructions",
                    "error",
                    "max_output_tokens",
                    "max_tool_calls",
                    "safety_identifier",
                    "prompt_cache_key")) {
                if (errors.stream().anyMatch(e -> e.contains("required") && e.contains("'" + key + "'"))) {
                    missing.add(key);
                }
            }
            assertThat(missing).hasSize(8);
            assertThat(errors).anySatisfy(e -> assertThat(e).contains("reasoning"));
        }
    }

    @Nested
    class Events {

        static final String DELTA = "{\"type\":\"response.output_text.delta\",\"sequence_number\":10,"
                + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\" a\"}";

        @Test
        void eventMapIsDerivedFromTheSpec() {
            assertThat(SpecSchemas.eventSchemaByType())
                    .hasSize(24)
                    .containsEntry("response.created", "ResponseCreatedStreamingEvent")
                    .containsEntry("response.output_text.delta", "ResponseOutputTextDeltaStreamingEvent")
                    .containsEntry(
                            "response.reasoning_summary_text.delta", "ResponseReasoningSummaryDeltaStreamingEvent")
                    .containsEntry("error", "ErrorStreamingEvent");
        }

        @Test
        void eventMapCoversExactlyTheStreamSchemasOfThePostOperation() {
            JsonNode oneOf = SpecSchemas.document()
                    .at("/paths/~1responses/post/responses/200/content/text~1event-stream/schema/oneOf");
            assertThat(oneOf.isArray()).isTrue();
            Set<String> streamed = new TreeSet<>();
            oneOf.forEach(ref -> streamed.add(ref.get("$ref").asText().replace("#/components/schemas/", "")));
            assertThat(new TreeSet<>(SpecSchemas.eventSchemaByType().values())).isEqualTo(streamed);
        }

        @Test
        void outputTextDeltaIsValid() {
            assertValidEvent(json(DELTA));
        }

        @Test
        void outputTextDeltaWithoutItemIdIsInvalid() {
            ObjectNode event = (ObjectNode) json(DELTA);
            event.remove("item_id");
            assertThatThrownBy(() -> assertValidEvent(event))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("ResponseOutputTextDeltaStreamingEvent")
                    .hasMessageContaining("item_id");
        }

        @Test
        void errorEventWithNestedPayloadIsValid() {
            assertValidEvent(json("{\"type\":\"error\",\"sequence_number\":3,\"error\":{\"type\":\"server_error\","
                    + "\"code\":\"upstream_failed\",\"message\":\"The provider failed.\",\"param\":null}}"));
        }

        @Test
        void errorEventInOpenAiFlatShapeIsInvalid() {
            // OpenAI's Responses stream puts code/message/param at the top level; Open Responses nests them.
            JsonNode flat = json("{\"type\":\"error\",\"sequence_number\":3,\"code\":\"upstream_failed\","
                    + "\"message\":\"The provider failed.\",\"param\":null}");
            assertThatThrownBy(() -> assertValidEvent(flat))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("ErrorStreamingEvent")
                    .hasMessageContaining("'error'");
        }

        @Test
        void unknownEventTypeFails() {
            assertThatThrownBy(() -> assertValidEvent(
                            json("{\"type\":\"response.output_text.annotation.deleted\"," + "\"sequence_number\":1}")))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("unknown streaming event type");
            assertThatThrownBy(() -> assertValidEvent(json("{\"sequence_number\":1}")))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no string \"type\"");
        }

        @Test
        void createdEventCarriesAFullResponse() {
            ObjectNode event = (ObjectNode) json("{\"type\":\"response.created\",\"sequence_number\":0}");
            ObjectNode response = skeleton();
            event.set("response", response);
            assertValidEvent(event);
            response.remove("usage");
            assertThatThrownBy(() -> assertValidEvent(event)).hasMessageContaining("usage");
        }
    }

    /** OpenAI's shapes the spec lacks: checked against openai/tool-items.schema.json, the rest against the spec. */
    @Nested
    class OpenAiShapes {

        static final String CUSTOM_CALL = "{\"type\":\"custom_tool_call\",\"id\":\"ctc_1\",\"call_id\":\"call_1\","
                + "\"name\":\"apply_patch\",\"input\":\"*** Begin Patch\\n*** End Patch\\n\",\"status\":\"completed\"}";

        static ObjectNode responseWithOpenAiParts() {
            ObjectNode response = skeleton();
            ((com.fasterxml.jackson.databind.node.ArrayNode) response.get("output")).add(json(CUSTOM_CALL));
            ((com.fasterxml.jackson.databind.node.ArrayNode) response.get("output"))
                    .add(json("{\"type\":\"shell_call\",\"id\":\"sh_1\",\"call_id\":\"call_2\","
                            + "\"action\":{\"commands\":[\"ls\"]},\"status\":\"completed\"}"));
            response.set(
                    "tools",
                    json("[{\"type\":\"namespace\",\"name\":\"multi_agent_v1\",\"description\":\"Agents.\","
                            + "\"tools\":[{\"type\":\"function\",\"name\":\"spawn_agent\",\"strict\":false}]},"
                            + "{\"type\":\"custom\",\"name\":\"apply_patch\",\"format\":{\"type\":\"grammar\","
                            + "\"syntax\":\"lark\",\"definition\":\"start: x\"}},"
                            + "{\"type\":\"web_search\",\"external_web_access\":true},"
                            + "{\"type\":\"tool_search\",\"execution\":\"client\",\"parameters\":{}},"
                            + "{\"type\":\"function\",\"name\":\"f\",\"description\":null,\"parameters\":null,"
                            + "\"strict\":false}]"));
            response.set("tool_choice", json("{\"type\":\"custom\",\"name\":\"apply_patch\"}"));
            return response;
        }

        @Test
        void aResponseWithOpenAiItemsToolsAndToolChoiceIsValid() {
            assertValidResponse(responseWithOpenAiParts());
            // The spec alone rejects it: these parts are checked against OpenAI's shapes, not skipped.
            assertThat(errors("ResponseResource", responseWithOpenAiParts())).isNotEmpty();
        }

        @Test
        void everyOpenAiPartIsStillChecked() {
            ObjectNode noInput = responseWithOpenAiParts();
            ((ObjectNode) noInput.at("/output/1")).remove("input");
            assertThat(SpecSchemas.responseErrors(noInput))
                    .anySatisfy(e -> assertThat(e).startsWith("$.output[1]").contains("input"));

            ObjectNode badAction = responseWithOpenAiParts();
            ((ObjectNode) badAction.at("/output/2/action")).put("commands", "ls");
            assertThat(SpecSchemas.responseErrors(badAction))
                    .anySatisfy(e -> assertThat(e).startsWith("$.output[2]"));

            ObjectNode badTool = responseWithOpenAiParts();
            ((ObjectNode) badTool.at("/tools/0")).remove("tools");
            assertThat(SpecSchemas.responseErrors(badTool))
                    .anySatisfy(e -> assertThat(e).startsWith("$.tools[0]"));

            ObjectNode badChoice = responseWithOpenAiParts();
            ((ObjectNode) badChoice.get("tool_choice")).remove("name");
            assertThat(SpecSchemas.responseErrors(badChoice))
                    .anySatisfy(e -> assertThat(e).startsWith("$.tool_choice"));

            // The spec part around them still counts.
            ObjectNode noUsage = responseWithOpenAiParts();
            noUsage.remove("usage");
            assertThat(SpecSchemas.responseErrors(noUsage))
                    .anySatisfy(e -> assertThat(e).contains("usage"));
            // A hosted tool's item (not served by the gateway) is neither spec nor one of these shapes.
            ObjectNode hostedItem = skeleton();
            ((ObjectNode) hostedItem.at("/output/0")).put("type", "web_search_call");
            assertThat(SpecSchemas.responseErrors(hostedItem)).isNotEmpty();
        }

        @Test
        void customToolInputEventsAndItemEventsAreChecked() {
            assertValidEvent(json("{\"type\":\"response.custom_tool_call_input.delta\",\"sequence_number\":4,"
                    + "\"item_id\":\"ctc_1\",\"output_index\":1,\"delta\":\"*** Begin\"}"));
            assertValidEvent(json("{\"type\":\"response.custom_tool_call_input.done\",\"sequence_number\":5,"
                    + "\"item_id\":\"ctc_1\",\"output_index\":1,\"input\":\"*** Begin Patch\"}"));
            assertThatThrownBy(() -> assertValidEvent(json("{\"type\":\"response.custom_tool_call_input.done\","
                            + "\"sequence_number\":5,\"item_id\":\"ctc_1\",\"output_index\":1}")))
                    .hasMessageContaining("OpenAI CustomToolCallInputDoneEvent")
                    .hasMessageContaining("input");
            ObjectNode added = (ObjectNode)
                    json("{\"type\":\"response.output_item.added\",\"sequence_number\":3," + "\"output_index\":1}");
            added.set("item", json(CUSTOM_CALL));
            assertValidEvent(added);
            ((ObjectNode) added.get("item")).put("status", "done");
            assertThatThrownBy(() -> assertValidEvent(added)).hasMessageContaining("OpenAI OutputItemEvent");
            ObjectNode completed = (ObjectNode) json("{\"type\":\"response.completed\",\"sequence_number\":9}");
            completed.set("response", responseWithOpenAiParts());
            assertValidEvent(completed);
            ((ObjectNode) completed.at("/response/output/1")).remove("call_id");
            assertThatThrownBy(() -> assertValidEvent(completed)).hasMessageContaining("$.response.output[1]");
        }

        @Test
        void listedInputItemsOfOpenAiTypesAreChecked() {
            assertThat(SpecSchemas.inputItemErrors(json("{\"type\":\"custom_tool_call_output\",\"id\":\"ctco_1\","
                            + "\"call_id\":\"call_1\",\"output\":\"Done.\",\"status\":\"completed\"}")))
                    .isEmpty();
            assertThat(SpecSchemas.inputItemErrors(json("{\"type\":\"tool_search_output\",\"call_id\":\"s1\","
                            + "\"execution\":\"client\",\"status\":\"completed\",\"tools\":[{\"type\":\"namespace\","
                            + "\"name\":\"mcp__cal__\",\"description\":\"Calendar.\",\"tools\":[{\"type\":\"function\","
                            + "\"name\":\"create_event\",\"defer_loading\":true}]}]}")))
                    .isEmpty();
            assertThat(SpecSchemas.inputItemErrors(json("{\"type\":\"shell_call_output\",\"call_id\":\"c\","
                            + "\"output\":[{\"stdout\":\"\",\"stderr\":\"\"}]}")))
                    .isNotEmpty();
        }
    }

    @Nested
    class CreateResponseBody {

        @Test
        void stringInputIsValid() {
            assertValid("CreateResponseBody", json("{\"model\":\"m\",\"input\":\"hi\"}"));
        }

        @Test
        void messageItemInputIsValid() {
            assertValid(
                    "CreateResponseBody",
                    json("{\"model\":\"m\",\"input\":[{\"type\":\"message\",\"role\":\"user\","
                            + "\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]}"));
        }

        @Test
        void jsonSchemaTextFormatIsValid() {
            assertValid(
                    "CreateResponseBody",
                    json("{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\","
                            + "\"name\":\"answer\",\"schema\":{\"type\":\"object\"},\"strict\":true}}}"));
        }

        @Test
        void jsonObjectTextFormatIsInvalid() {
            // Trap: the request-side TextFormatParam offers only text and json_schema, although the response-side
            // TextField (and OpenAI's API) also has json_object.
            JsonNode request =
                    json("{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_object\"}}}");
            assertThat(assertInvalid("CreateResponseBody", request))
                    .anySatisfy(e -> assertThat(e).contains("format"));
        }
    }

    /**
     * Places where release 2026-04-24 rejects (or accepts) what an implementer coming from OpenAI's API would expect
     * otherwise. Each test pins the current behaviour so a spec update that changes it is noticed.
     */
    @Nested
    class Findings {

        @Test
        void discriminatorDoesNotDriveOneOf() {
            // ItemReferenceParam's "type" is optional; with OpenAPI discriminator semantics an item without "type"
            // would be rejected, with plain oneOf it is an item reference.
            assertValid("CreateResponseBody", json("{\"input\":[{\"id\":\"msg_1\"}]}"));
        }

        @Test
        void inputMessagesNeedAnExplicitType() {
            // OpenAI accepts {"role","content"} without "type"; every Open Responses message item requires it.
            assertInvalid("CreateResponseBody", json("{\"input\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            assertValid(
                    "CreateResponseBody",
                    json("{\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":\"hi\"}]}"));
        }

        @Test
        void reasoningItemWithContentCannotBeSentBackAsInput() {
            // A ReasoningBody output item may carry "content"; the ReasoningItemParam input only allows null there.
            String reasoning = "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":\"summary_text\","
                    + "\"text\":\"s\"}],\"content\":[{\"type\":\"reasoning_text\",\"text\":\"t\"}]}";
            assertValid("ItemField", json(reasoning));
            assertInvalid("CreateResponseBody", json("{\"input\":[" + reasoning + "]}"));
        }

        @Test
        void minimalReasoningEffortAndTinyMaxOutputTokensAreRejected() {
            // ReasoningEffortEnum documents "minimal" in x-enumDescriptions but its enum lacks it.
            assertInvalid("CreateResponseBody", json("{\"reasoning\":{\"effort\":\"minimal\"}}"));
            assertInvalid("CreateResponseBody", json("{\"max_output_tokens\":15}"));
            assertValid("CreateResponseBody", json("{\"max_output_tokens\":16}"));
        }

        @Test
        void echoedFunctionToolRequiresAnUndeclaredDescription() {
            // FunctionTool lists "description" in required but not in properties: any value, even null, satisfies it.
            assertInvalid("Tool", json("{\"type\":\"function\",\"name\":\"f\",\"parameters\":null,\"strict\":null}"));
            assertValid(
                    "Tool",
                    json("{\"type\":\"function\",\"name\":\"f\",\"description\":null,\"parameters\":null,"
                            + "\"strict\":null}"));
        }

        @Test
        void urlCitationRequiresAnUndeclaredTitle() {
            String citation =
                    "{\"type\":\"url_citation\",\"url\":\"https://a.example\",\"start_index\":0," + "\"end_index\":1";
            assertInvalid("Annotation", json(citation + "}"));
            assertValid("Annotation", json(citation + ",\"title\":\"A\"}"));
        }

        @Test
        void objectsAreOpenSoUnknownKeysPass() {
            // No schema in the document sets additionalProperties: false; misspelled optional keys are not caught.
            assertValid("CreateResponseBody", json("{\"model\":\"m\",\"temprature\":0.2}"));
            ObjectNode response = skeleton();
            response.put("user", "u1");
            assertValidResponse(response);
        }
    }

    @Nested
    class Fixture {

        record ErrorPayload(String type, String code, String message, String param) {}

        @Test
        void everyComponentSchemaLoadsAndResolvesItsRefs() {
            assertThat(SpecSchemas.schemaNames()).hasSize(108);
            for (String name : SpecSchemas.schemaNames()) {
                // Loading each schema resolves all of its $refs; the result itself does not matter.
                assertThat(errors(name, NullNode.getInstance())).isNotNull();
            }
        }

        @Test
        void unknownSchemaNameIsRejected() {
            assertThatThrownBy(() -> errors("NoSuchSchema", json("{}")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NoSuchSchema");
        }

        @Test
        void failureMessageShowsTheJsonAndEveryError() {
            ObjectNode response = skeleton();
            response.remove("id");
            response.remove("model");
            assertThatThrownBy(() -> assertValidResponse(response))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("2 errors")
                    .hasMessageContaining("'id'")
                    .hasMessageContaining("'model'")
                    .hasMessageContaining("\"created_at\" : 1764967971");
        }

        @Test
        void valuesAreSerializedWithTheSharedMapper() {
            assertValid("ErrorPayload", new ErrorPayload("server_error", "c", "m", "p"));
            // OrsJson omits nulls, but ErrorPayload requires "code" and "param" even when they are null: a model
            // class must force those keys to be written.
            assertThat(assertInvalid("ErrorPayload", new ErrorPayload("server_error", null, "m", null)))
                    .hasSize(2)
                    .anySatisfy(e -> assertThat(e).contains("'code'"))
                    .anySatisfy(e -> assertThat(e).contains("'param'"));
        }
    }
}
