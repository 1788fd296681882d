package dev.orsgateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.IncompleteDetails;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.LogProb;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.OutputAudio;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseError;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.model.Usage;
import dev.orsgateway.core.testing.SpecSchemas;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ResponseReplayTest {

    private static final Item.Reasoning REASONING = new Item.Reasoning(
            "rs_1", List.of(), List.of(new ContentPart.ReasoningText("Think first.")), null, "completed", Map.of());
    private static final Item.Message MESSAGE = new Item.Message(
            "msg_1",
            ItemStatus.COMPLETED,
            MessageRole.ASSISTANT,
            List.of(
                    new ContentPart.OutputText(
                            "Hello there.",
                            List.of(),
                            List.of(new LogProb("Hello", -0.25, List.of(72), List.of())),
                            Map.of()),
                    new ContentPart.Refusal("Not that.")),
            null,
            Map.of());
    private static final Item.FunctionCall CALL =
            new Item.FunctionCall("fc_1", "call_1", "get_weather", "{\"city\":\"Oslo\"}", "completed", Map.of());

    private static Response stored(String status, List<Item> output) {
        return Response.builder()
                .echo(CreateResponseRequest.builder().model("m").input("hi").build())
                .id("resp_1")
                .createdAt(1_764_967_971L)
                .completedAt(1_764_967_975L)
                .status(status)
                .output(output)
                .usage(new Usage(3, 5, 8, null, null))
                .build();
    }

    @Test
    void aCompletedResponseReplaysAsTheEventsThatWouldHaveCarriedIt() {
        Response stored = stored(ResponseStatus.COMPLETED, List.of(REASONING, MESSAGE, CALL));

        List<ResponseEvent> events = ResponseReplay.events(stored, -1);

        assertThat(events)
                .extracting(ResponseEvent::type)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.reasoning.delta",
                        "response.reasoning.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.content_part.added",
                        "response.refusal.delta",
                        "response.refusal.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.output_item.added",
                        "response.function_call_arguments.delta",
                        "response.function_call_arguments.done",
                        "response.output_item.done",
                        "response.completed");
        assertThat(events)
                .extracting(ResponseEvent::sequenceNumber)
                .containsExactlyElementsOf(
                        LongStream.range(0, events.size()).boxed().toList());
        for (ResponseEvent event : events) {
            SpecSchemas.assertValidEvent(OrsJson.tree(event));
        }

        ResponseEvent.Created created = (ResponseEvent.Created) events.get(0);
        assertThat(created.response().status()).isEqualTo(ResponseStatus.IN_PROGRESS);
        assertThat(created.response().output()).isEmpty();
        assertThat(created.response().usage()).isNull();
        assertThat(created.response().completedAt()).isNull();
        ResponseEvent.OutputItemAdded messageAdded = (ResponseEvent.OutputItemAdded) events.get(8);
        assertThat(messageAdded.outputIndex()).isEqualTo(1);
        assertThat(messageAdded.item())
                .isEqualTo(new Item.Message(
                        "msg_1", ItemStatus.IN_PROGRESS, MessageRole.ASSISTANT, List.of(), null, Map.of()));
        ResponseEvent.OutputTextDelta delta = (ResponseEvent.OutputTextDelta) events.get(10);
        assertThat(delta.delta()).isEqualTo("Hello there.");
        assertThat(delta.logprobs()).singleElement().extracting(LogProb::token).isEqualTo("Hello");
        ResponseEvent.RefusalDelta refusal = (ResponseEvent.RefusalDelta) events.get(14);
        assertThat(refusal.contentIndex()).isEqualTo(1);
        assertThat(refusal.delta()).isEqualTo("Not that.");
        ResponseEvent.FunctionCallArgumentsDelta arguments = (ResponseEvent.FunctionCallArgumentsDelta) events.get(19);
        assertThat(arguments.itemId()).isEqualTo("fc_1");
        assertThat(arguments.outputIndex()).isEqualTo(2);
        assertThat(arguments.delta()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(((ResponseEvent.OutputItemDone) events.get(21)).item()).isEqualTo(CALL);
        assertThat(((ResponseEvent.Completed) events.get(22)).response()).isEqualTo(stored);
    }

    @Test
    void startingAfterKeepsOnlyTheLaterEventsWithTheirOwnNumbers() {
        Response stored = stored(ResponseStatus.COMPLETED, List.of(MESSAGE));

        List<ResponseEvent> all = ResponseReplay.events(stored, -1);
        List<ResponseEvent> later = ResponseReplay.events(stored, 3);

        assertThat(later).containsExactlyElementsOf(all.subList(4, all.size()));
        assertThat(later.get(0).sequenceNumber()).isEqualTo(4);
        assertThat(ResponseReplay.events(stored, all.size() - 1)).isEmpty();
    }

    @Test
    void theTerminalEventFollowsTheStoredStatus() {
        Response incomplete = stored(ResponseStatus.INCOMPLETE, List.of(CALL)).toBuilder()
                .incompleteDetails(IncompleteDetails.MAX_OUTPUT_TOKENS)
                .build();
        Response failed = stored(ResponseStatus.FAILED, List.of()).toBuilder()
                .error(new ResponseError("server_error", "The upstream failed."))
                .build();

        List<ResponseEvent> incompleteEvents = ResponseReplay.events(incomplete, -1);
        List<ResponseEvent> failedEvents = ResponseReplay.events(failed, -1);

        assertThat(incompleteEvents.get(incompleteEvents.size() - 1))
                .isEqualTo(new ResponseEvent.Incomplete(incompleteEvents.size() - 1, incomplete));
        assertThat(failedEvents)
                .extracting(ResponseEvent::type)
                .containsExactly("response.created", "response.in_progress", "response.failed");
        ResponseEvent.InProgress inProgress = (ResponseEvent.InProgress) failedEvents.get(1);
        assertThat(inProgress.response().error()).isNull();
        for (ResponseEvent event : incompleteEvents) {
            SpecSchemas.assertValidEvent(OrsJson.tree(event));
        }
        for (ResponseEvent event : failedEvents) {
            SpecSchemas.assertValidEvent(OrsJson.tree(event));
        }
    }

    @Test
    void aCustomToolCallReplaysItsInputAsOneDelta() {
        Item.CustomToolCall call = new Item.CustomToolCall(
                "ctc_1", "call_1", null, "apply_patch", "*** Begin Patch\n", "completed", Map.of());
        Response stored = stored(ResponseStatus.COMPLETED, List.of(call));

        List<ResponseEvent> events = ResponseReplay.events(stored, -1);

        assertThat(events)
                .extracting(ResponseEvent::type)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.custom_tool_call_input.delta",
                        "response.custom_tool_call_input.done",
                        "response.output_item.done",
                        "response.completed");
        assertThat(((ResponseEvent.OutputItemAdded) events.get(2)).item())
                .isEqualTo(new Item.CustomToolCall(
                        "ctc_1", "call_1", null, "apply_patch", "", ItemStatus.IN_PROGRESS, Map.of()));
        assertThat(((ResponseEvent.CustomToolCallInputDelta) events.get(3)).delta())
                .isEqualTo("*** Begin Patch\n");
        assertThat(((ResponseEvent.CustomToolCallInputDone) events.get(4)).input())
                .isEqualTo("*** Begin Patch\n");
        assertThat(((ResponseEvent.OutputItemDone) events.get(5)).item()).isEqualTo(call);
        for (ResponseEvent event : events) {
            SpecSchemas.assertValidEvent(OrsJson.tree(event));
        }
    }

    @Test
    void aSpokenPartReplaysItsAudioAsOneDeltaBeforeItsTextIsDone() {
        ContentPart.OutputText spoken = new ContentPart.OutputText("Hi there!")
                .withAudio(new OutputAudio("wav", "UklGRiQAAABXQVZF", "audio_1", 1_764_971_571L));
        Item.Message message =
                new Item.Message("msg_1", ItemStatus.COMPLETED, MessageRole.ASSISTANT, List.of(spoken), null, Map.of());
        Response stored = stored(ResponseStatus.COMPLETED, List.of(message));

        List<ResponseEvent> events = ResponseReplay.events(stored, -1);

        assertThat(events)
                .extracting(ResponseEvent::type)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "ors:output_audio.delta",
                        "ors:output_audio.done",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        assertThat(events.get(5)).isEqualTo(new ResponseEvent.OutputAudioDelta(5, "msg_1", 0, 0, "UklGRiQAAABXQVZF"));
        assertThat(events.get(6))
                .isEqualTo(new ResponseEvent.OutputAudioDone(6, "msg_1", 0, 0, "wav", "audio_1", 1_764_971_571L));
        assertThat(((ResponseEvent.ContentPartAdded) events.get(3)).part())
                .isEqualTo(new ContentPart.OutputText("", List.of(), null, Map.of()));
        assertThat(((ResponseEvent.ContentPartDone) events.get(8)).part()).isEqualTo(spoken);
        for (ResponseEvent event : events) {
            SpecSchemas.assertValidEvent(OrsJson.tree(event));
        }
        // A field that is not audio this gateway wrote is replayed as stored, with no audio events.
        Item.Message odd = new Item.Message(
                "msg_2",
                ItemStatus.COMPLETED,
                MessageRole.ASSISTANT,
                List.of(new ContentPart.OutputText(
                        "x", List.of(), null, Map.of(OutputAudio.FIELD, OrsJson.tree("not audio")))),
                null,
                Map.of());
        assertThat(ResponseReplay.events(stored(ResponseStatus.COMPLETED, List.of(odd)), -1))
                .extracting(ResponseEvent::type)
                .noneMatch(type -> type.startsWith("ors:"));
    }

    @Test
    void anItemTypeTheGatewayDoesNotStreamIsOpenedAndClosedWhole() {
        Item other = new Item.Unknown("web_search_call", Map.<String, JsonNode>of("id", OrsJson.tree("ws_1")));
        Response stored = stored(ResponseStatus.COMPLETED, List.of(other));

        List<ResponseEvent> events = ResponseReplay.events(stored, -1);

        assertThat(events)
                .extracting(ResponseEvent::type)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.output_item.done",
                        "response.completed");
        assertThat(((ResponseEvent.OutputItemAdded) events.get(2)).item()).isEqualTo(other);
    }
}
