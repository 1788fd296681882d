package dev.orsgateway.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Everything the gateway writes validates against the spec's schemas. */
class SchemaConformanceTest {

    private static final Item.Message MESSAGE = new Item.Message(
            "msg_1",
            ItemStatus.COMPLETED,
            MessageRole.ASSISTANT,
            List.of(new ContentPart.OutputText("Hello"), new ContentPart.Refusal("no")),
            null,
            Map.of());
    private static final Item.FunctionCall CALL =
            new Item.FunctionCall("fc_1", "call_1", "get_weather", "{\"location\":\"Paris\"}", "completed", Map.of());
    private static final Item.Reasoning REASONING = new Item.Reasoning(
            "rs_1", List.of(), List.of(new ContentPart.ReasoningText("think")), null, "completed", Map.of());

    private static Response response(CreateResponseRequest request) {
        return Response.builder()
                .echo(request)
                .id("resp_1")
                .createdAt(1_764_967_971L)
                .build();
    }

    static Stream<CreateResponseRequest> requests() {
        JsonNode schema = OrsJson.tree(Map.of("type", "object"));
        return Stream.of(
                CreateResponseRequest.builder().model("m").input("hi").build(),
                CreateResponseRequest.builder().model("m").build(),
                CreateResponseRequest.builder()
                        .model("m")
                        .instructions("be brief")
                        .tools(List.of(Tool.Function.of("get_weather", null, schema)))
                        .toolChoice(new ToolChoice.AllowedTools(null, List.of(new ToolChoice.Function("get_weather"))))
                        .text(TextConfig.of(new TextFormat.JsonSchema("out", null, schema, null, Map.of())))
                        .reasoning(new ReasoningConfig("high", null))
                        .temperature(0.2)
                        .topP(0.5)
                        .topLogprobs(3)
                        .maxOutputTokens(64)
                        .maxToolCalls(2)
                        .metadata(Map.of("k", "v"))
                        .store(false)
                        .serviceTier("auto")
                        .truncation("auto")
                        .build(),
                CreateResponseRequest.builder()
                        .model("m")
                        .toolChoice(new ToolChoice.Function("f"))
                        .tools(List.of(new Tool.Function("f", "d", null, true, Map.of())))
                        .text(TextConfig.of(new TextFormat.JsonObject()))
                        .build(),
                CreateResponseRequest.builder()
                        .model("m")
                        .toolChoice(ToolChoice.REQUIRED)
                        .build());
    }

    @ParameterizedTest
    @MethodSource("requests")
    void echoedResponsesAreValidResponseResources(CreateResponseRequest request) {
        SpecSchemas.assertValidResponse(response(request));
    }

    @Test
    void terminalResponsesAreValid() {
        Response completed = response(CreateResponseRequest.builder().model("m").build()).toBuilder()
                .status(ResponseStatus.COMPLETED)
                .completedAt(1_764_967_972L)
                .output(List.of(REASONING, MESSAGE, CALL))
                .usage(new Usage(10, 5, 15, new Usage.InputTokensDetails(2, 0), new Usage.OutputTokensDetails(1)))
                .build();
        SpecSchemas.assertValidResponse(completed);
        SpecSchemas.assertValidResponse(completed.toBuilder()
                .status(ResponseStatus.INCOMPLETE)
                .incompleteDetails(IncompleteDetails.MAX_OUTPUT_TOKENS)
                .build());
        SpecSchemas.assertValidResponse(completed.toBuilder()
                .status(ResponseStatus.FAILED)
                .completedAt(null)
                .error(new ResponseError("server_error", "boom"))
                .build());
    }

    static Stream<ResponseEvent> events() {
        Response created = response(CreateResponseRequest.builder().model("m").build());
        Response done = created.toBuilder()
                .status(ResponseStatus.COMPLETED)
                .output(List.of(MESSAGE))
                .usage(Usage.of(1, 2))
                .build();
        ContentPart.OutputText empty = new ContentPart.OutputText("");
        Annotation citation = new Annotation.UrlCitation("https://e.x", 0, 5, "E", Map.of());
        return Stream.of(
                new ResponseEvent.Created(0, created),
                new ResponseEvent.Queued(
                        1, created.toBuilder().status(ResponseStatus.QUEUED).build()),
                new ResponseEvent.InProgress(2, created),
                new ResponseEvent.OutputItemAdded(
                        3,
                        0,
                        new Item.Message("msg_1", "in_progress", MessageRole.ASSISTANT, List.of(), null, Map.of())),
                new ResponseEvent.ContentPartAdded(4, "msg_1", 0, 0, empty),
                new ResponseEvent.OutputTextDelta(5, "msg_1", 0, 0, "Hel", List.of(), null),
                new ResponseEvent.OutputTextAnnotationAdded(6, "msg_1", 0, 0, 0, citation),
                new ResponseEvent.OutputTextDone(7, "msg_1", 0, 0, "Hello", List.of()),
                new ResponseEvent.ContentPartDone(8, "msg_1", 0, 0, new ContentPart.OutputText("Hello")),
                new ResponseEvent.RefusalDelta(9, "msg_1", 0, 1, "n"),
                new ResponseEvent.RefusalDone(10, "msg_1", 0, 1, "no"),
                new ResponseEvent.OutputItemDone(11, 0, MESSAGE),
                new ResponseEvent.ReasoningDelta(12, "rs_1", 1, 0, "th", null),
                new ResponseEvent.ReasoningDone(13, "rs_1", 1, 0, "think"),
                new ResponseEvent.ReasoningSummaryPartAdded(14, "rs_1", 1, 0, new ContentPart.SummaryText("")),
                new ResponseEvent.ReasoningSummaryTextDelta(15, "rs_1", 1, 0, "s", null),
                new ResponseEvent.ReasoningSummaryTextDone(16, "rs_1", 1, 0, "sum"),
                new ResponseEvent.ReasoningSummaryPartDone(17, "rs_1", 1, 0, new ContentPart.SummaryText("sum")),
                new ResponseEvent.OutputItemAdded(
                        18, 2, new Item.FunctionCall("fc_1", "call_1", "get_weather", "", "in_progress", Map.of())),
                new ResponseEvent.FunctionCallArgumentsDelta(19, "fc_1", 2, "{\"loc", null),
                new ResponseEvent.FunctionCallArgumentsDone(20, "fc_1", 2, "{\"location\":\"Paris\"}"),
                new ResponseEvent.Error(21, new ErrorPayload("server_error", null, "upstream died", null)),
                new ResponseEvent.Completed(22, done),
                new ResponseEvent.Incomplete(
                        23,
                        done.toBuilder()
                                .status(ResponseStatus.INCOMPLETE)
                                .incompleteDetails(IncompleteDetails.CONTENT_FILTER)
                                .build()),
                new ResponseEvent.Failed(
                        24,
                        done.toBuilder()
                                .status(ResponseStatus.FAILED)
                                .error(new ResponseError("server_error", "x"))
                                .build()));
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyEventTypeWeWriteIsValid(ResponseEvent event) {
        SpecSchemas.assertValidEvent(event);
    }

    @Test
    void theEventListCoversEverySpecEventType() {
        Set<String> written = new HashSet<>();
        events().forEach(e -> written.add(e.type()));
        assertThat(written)
                .containsExactlyInAnyOrderElementsOf(
                        SpecSchemas.eventSchemaByType().keySet());
    }

    @Test
    void errorBodyIsTheSpecShape() {
        JsonNode body = OrsJson.tree(new ErrorPayload("invalid_request", null, "bad", "input"));
        assertThat(body.has("code")).isTrue();
        assertThat(body.get("code").isNull()).isTrue();
        assertThat(body.get("param").asText()).isEqualTo("input");
        SpecSchemas.assertValid("ErrorPayload", body);
    }

    @Test
    void compactResponseIsValid() {
        CompactResponse compact = new CompactResponse(
                "cmp_1",
                1_764_967_971L,
                List.of(new Item.Compaction("cmp_2", "blob", "ors", Map.of()), MESSAGE),
                Usage.of(1, 1),
                Map.of());
        SpecSchemas.assertValid("CompactResource", compact);
    }
}
