package dev.orsgateway.core.internal;

import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.LogProb;
import dev.orsgateway.core.model.OutputAudio;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stored response as the event stream that would have carried it: {@code response.created} and
 * {@code response.in_progress} with the response as it began, each output item opened, its content streamed as one
 * delta per part, and closed, then the terminal event with the response as stored. What OpenAI's SDKs read from
 * {@code GET /responses/{id}?stream=true}.
 *
 * <p>Items the gateway only echoes (types it does not stream itself) are opened and closed with no events between.
 */
public final class ResponseReplay {

    private final List<ResponseEvent> events = new ArrayList<>();

    private ResponseReplay() {}

    /** The events of {@code stored}, numbered from 0, keeping only those numbered above {@code startingAfter}. */
    public static List<ResponseEvent> events(Response stored, long startingAfter) {
        ResponseReplay replay = new ResponseReplay();
        replay.replay(stored);
        return replay.events.stream()
                .filter(event -> event.sequenceNumber() > startingAfter)
                .toList();
    }

    private long next() {
        return events.size();
    }

    private void replay(Response stored) {
        Response initial = begun(stored);
        events.add(new ResponseEvent.Created(next(), initial));
        events.add(new ResponseEvent.InProgress(next(), initial));
        List<Item> output = stored.output() == null ? List.of() : stored.output();
        for (int index = 0; index < output.size(); index++) {
            item(index, output.get(index));
        }
        switch (stored.status()) {
            case ResponseStatus.COMPLETED -> events.add(new ResponseEvent.Completed(next(), stored));
            case ResponseStatus.INCOMPLETE -> events.add(new ResponseEvent.Incomplete(next(), stored));
            case ResponseStatus.FAILED -> events.add(new ResponseEvent.Failed(next(), stored));
            default -> {
                // Not finished when stored: the stream ends without a terminal event, as a live one cut short would.
            }
        }
    }

    /** {@code response} as {@code response.created} shows it: in progress, with no output, usage or outcome yet. */
    static Response begun(Response response) {
        return response.toBuilder()
                .status(ResponseStatus.IN_PROGRESS)
                .output(List.of())
                .usage(null)
                .completedAt(null)
                .error(null)
                .incompleteDetails(null)
                .build();
    }

    private void item(int index, Item item) {
        if (item instanceof Item.Message message) {
            message(index, message);
        } else if (item instanceof Item.FunctionCall call) {
            functionCall(index, call);
        } else if (item instanceof Item.Reasoning reasoning) {
            reasoning(index, reasoning);
        } else if (item instanceof Item.CustomToolCall call) {
            customToolCall(index, call);
        } else {
            events.add(new ResponseEvent.OutputItemAdded(next(), index, item));
            events.add(new ResponseEvent.OutputItemDone(next(), index, item));
        }
    }

    private void message(int index, Item.Message message) {
        String id = message.id();
        events.add(new ResponseEvent.OutputItemAdded(
                next(),
                index,
                new Item.Message(
                        id, ItemStatus.IN_PROGRESS, message.role(), List.of(), message.phase(), message.extra())));
        List<ContentPart> parts = message.content();
        for (int part = 0; part < parts.size(); part++) {
            ContentPart content = parts.get(part);
            if (content instanceof ContentPart.OutputText text) {
                List<LogProb> logprobs = text.logprobs() == null ? List.of() : text.logprobs();
                events.add(new ResponseEvent.ContentPartAdded(
                        next(),
                        id,
                        index,
                        part,
                        new ContentPart.OutputText(
                                "", List.of(), text.logprobs() == null ? null : List.of(), Map.of())));
                if (!text.text().isEmpty()) {
                    events.add(new ResponseEvent.OutputTextDelta(next(), id, index, part, text.text(), logprobs, null));
                }
                audio(id, index, part, text);
                events.add(new ResponseEvent.OutputTextDone(next(), id, index, part, text.text(), logprobs));
            } else if (content instanceof ContentPart.Refusal refusal) {
                events.add(new ResponseEvent.ContentPartAdded(next(), id, index, part, new ContentPart.Refusal("")));
                if (!refusal.refusal().isEmpty()) {
                    events.add(new ResponseEvent.RefusalDelta(next(), id, index, part, refusal.refusal()));
                }
                events.add(new ResponseEvent.RefusalDone(next(), id, index, part, refusal.refusal()));
            } else {
                events.add(new ResponseEvent.ContentPartAdded(next(), id, index, part, content));
            }
            events.add(new ResponseEvent.ContentPartDone(next(), id, index, part, content));
        }
        events.add(new ResponseEvent.OutputItemDone(next(), index, message));
    }

    /** The audio of a spoken part as the live stream carried it: its data in one delta, then its done event. */
    private void audio(String id, int index, int part, ContentPart.OutputText text) {
        OutputAudio audio;
        try {
            audio = text.audio().orElse(null);
        } catch (IllegalArgumentException e) {
            return; // not audio this gateway wrote: the part is replayed as stored, without audio events
        }
        if (audio == null) {
            return;
        }
        if (audio.data() != null && !audio.data().isEmpty()) {
            events.add(new ResponseEvent.OutputAudioDelta(next(), id, index, part, audio.data()));
        }
        events.add(new ResponseEvent.OutputAudioDone(
                next(), id, index, part, audio.format(), audio.id(), audio.expiresAt()));
    }

    private void functionCall(int index, Item.FunctionCall call) {
        String id = call.id();
        events.add(new ResponseEvent.OutputItemAdded(
                next(),
                index,
                new Item.FunctionCall(id, call.callId(), call.name(), "", ItemStatus.IN_PROGRESS, call.extra())));
        String arguments = call.arguments() == null ? "" : call.arguments();
        if (!arguments.isEmpty()) {
            events.add(new ResponseEvent.FunctionCallArgumentsDelta(next(), id, index, arguments, null));
        }
        events.add(new ResponseEvent.FunctionCallArgumentsDone(next(), id, index, arguments));
        events.add(new ResponseEvent.OutputItemDone(next(), index, call));
    }

    private void customToolCall(int index, Item.CustomToolCall call) {
        String id = call.id();
        events.add(new ResponseEvent.OutputItemAdded(
                next(),
                index,
                new Item.CustomToolCall(
                        id, call.callId(), call.namespace(), call.name(), "", ItemStatus.IN_PROGRESS, call.extra())));
        String input = call.input() == null ? "" : call.input();
        if (!input.isEmpty()) {
            events.add(new ResponseEvent.CustomToolCallInputDelta(next(), id, index, input, Map.of()));
        }
        events.add(new ResponseEvent.CustomToolCallInputDone(next(), id, index, input, Map.of()));
        events.add(new ResponseEvent.OutputItemDone(next(), index, call));
    }

    private void reasoning(int index, Item.Reasoning reasoning) {
        String id = reasoning.id();
        events.add(new ResponseEvent.OutputItemAdded(
                next(),
                index,
                new Item.Reasoning(
                        id,
                        List.of(),
                        reasoning.content() == null ? null : List.of(),
                        reasoning.encryptedContent(),
                        ItemStatus.IN_PROGRESS,
                        reasoning.extra())));
        List<ContentPart> summary = reasoning.summary() == null ? List.of() : reasoning.summary();
        for (int part = 0; part < summary.size(); part++) {
            ContentPart content = summary.get(part);
            String text = content instanceof ContentPart.SummaryText summaryText ? summaryText.text() : "";
            events.add(new ResponseEvent.ReasoningSummaryPartAdded(
                    next(), id, index, part, new ContentPart.SummaryText(""), Map.of()));
            if (!text.isEmpty()) {
                events.add(new ResponseEvent.ReasoningSummaryTextDelta(next(), id, index, part, text, null, Map.of()));
            }
            events.add(new ResponseEvent.ReasoningSummaryTextDone(next(), id, index, part, text, Map.of()));
            events.add(new ResponseEvent.ReasoningSummaryPartDone(next(), id, index, part, content, Map.of()));
        }
        List<ContentPart> content = reasoning.content() == null ? List.of() : reasoning.content();
        for (int part = 0; part < content.size(); part++) {
            ContentPart piece = content.get(part);
            String text = piece instanceof ContentPart.ReasoningText reasoningText ? reasoningText.text() : "";
            events.add(new ResponseEvent.ContentPartAdded(next(), id, index, part, new ContentPart.ReasoningText("")));
            if (!text.isEmpty()) {
                events.add(new ResponseEvent.ReasoningDelta(next(), id, index, part, text, null));
            }
            events.add(new ResponseEvent.ReasoningDone(next(), id, index, part, text));
            events.add(new ResponseEvent.ContentPartDone(next(), id, index, part, piece));
        }
        events.add(new ResponseEvent.OutputItemDone(next(), index, reasoning));
    }
}
