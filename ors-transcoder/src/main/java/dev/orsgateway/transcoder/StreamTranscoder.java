package dev.orsgateway.transcoder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatError;
import dev.orsgateway.core.chat.ChatToolCallDelta;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ErrorPayload;
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
import dev.orsgateway.core.spi.ResponseTranscoder;
import dev.orsgateway.transcoder.internal.Base64Pieces;
import dev.orsgateway.transcoder.internal.BuiltInItems;
import dev.orsgateway.transcoder.internal.CustomInput;
import dev.orsgateway.transcoder.internal.ExtraContent;
import dev.orsgateway.transcoder.internal.ToolCatalog;
import dev.orsgateway.transcoder.internal.ToolPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one streamed chat completion into the Open Responses event stream: a synchronous state machine, fed chunk
 * by chunk, that returns the events each input causes. It is not thread-safe; one instance serves one response.
 *
 * <p>The lifecycle it emits: {@code response.created}, {@code response.in_progress} (both before the first output),
 * then per output item {@code output_item.added} → content parts with their deltas and {@code *.done} events →
 * {@code output_item.done}, and exactly one terminal event: {@code response.completed}, {@code response.incomplete}
 * ({@code finish_reason} {@code length} or {@code content_filter}) or {@code response.failed} (after an
 * {@code error} event). Sequence numbers increase from 0.
 *
 * <p>Items: reasoning ({@code reasoning_content} / {@code reasoning}) becomes a {@code reasoning} item, text and
 * refusals a {@code message} item, each tool call an item of the tool it calls, in the order they start: a
 * {@code function_call} (with its {@code namespace} for a function declared in one), a {@code custom_tool_call} whose
 * {@code input} is decoded from the chat arguments while they stream ({@code response.custom_tool_call_input.delta}
 * / {@code .done}), or, emitted whole once its arguments are complete, a {@code tool_search_call},
 * {@code local_shell_call}, {@code shell_call} or {@code apply_patch_call} (one whose arguments do not make that item,
 * or that is cut off, comes as a plain {@code function_call} instead). Tool calls stream live one at a time, and a
 * call ends when its arguments are complete JSON and something else begins. A call
 * that starts while another is unfinished, or text that arrives while a call's arguments are still incomplete, is
 * held back and emitted, whole, at the end, so that items never interleave and no fragment is lost whatever order
 * the provider sends them in. Calls to functions the request does not allow
 * ({@code tool_choice} {@code none}, {@code allowed_tools}, undeclared names) are suppressed. A call's
 * {@code extra_content} (Gemini 3's thought signature, in whichever of its fragments it comes) is kept verbatim on its
 * item as the extension field {@code ors:extra_content}, so that the call can go back to the provider with it.
 *
 * <p>Audio ({@code delta.audio} of a model asked to speak) belongs to the message's {@code output_text} part: its
 * transcript is the part's text, with the usual {@code output_text.delta}s, and its base64 data streams in
 * {@code ors:output_audio.delta} extension events, then {@code ors:output_audio.done} before the part's
 * {@code output_text.done}; the finished part holds the whole audio ({@link OutputAudio}). Every standard event stays
 * what the spec's schemas allow.
 */
public final class StreamTranscoder implements ResponseTranscoder.Session {
    private static final Logger log = LoggerFactory.getLogger(StreamTranscoder.class);

    private final Response initial;
    private final IdGenerator ids;
    private final Clock clock;
    private final ToolCatalog catalog;
    private final ToolPolicy toolPolicy;
    private final boolean includeLogprobs;
    /** The format the request asked the model to speak in, or null. */
    private final String audioFormat;

    private long sequence;
    private boolean started;
    private boolean finished;

    private final List<Item> output = new ArrayList<>();
    private OpenItem open;
    private final Map<String, ToolCall> calls = new LinkedHashMap<>();
    private ToolCall liveCall;
    private ToolCall lastCall;
    private int admittedCalls;
    private boolean callsDeferred;
    private final List<Segment> heldBack = new ArrayList<>();

    private String finishReason;
    private ChatUsage usage;
    private String upstreamModel;
    private String audioId;
    private Long audioExpiresAt;

    /**
     * A transcoder for one response.
     *
     * @param request the client's request; it decides which tool calls are allowed and whether logprobs are wanted
     * @param initial the response as {@code response.created} shows it: id, {@code created_at} and the request's
     *     configuration echoed (see {@link Response.Builder#echo})
     * @param ids makes item ids ({@code msg_}, {@code fc_}, {@code rs_}) and missing call ids ({@code call_})
     * @param clock gives {@code completed_at}
     */
    public StreamTranscoder(CreateResponseRequest request, Response initial, IdGenerator ids, Clock clock) {
        this(request, List.of(), initial, ids, clock);
    }

    /**
     * A transcoder for one response of a request whose replayed chain is {@code history} (oldest first): tools that a
     * {@code tool_search_output} in it loaded are callable too.
     *
     * @param request the client's request
     * @param history the replayed {@code previous_response_id} chain, or an empty list
     * @param initial the response as {@code response.created} shows it
     * @param ids makes item ids and missing call ids
     * @param clock gives {@code completed_at}
     */
    public StreamTranscoder(
            CreateResponseRequest request, List<Item> history, Response initial, IdGenerator ids, Clock clock) {
        this.initial = initial.toBuilder()
                .status(ResponseStatus.IN_PROGRESS)
                .output(List.of())
                .usage(null)
                .completedAt(null)
                .build();
        this.ids = ids;
        this.clock = clock;
        this.catalog = ToolCatalog.of(request.tools(), history, request.input(), false);
        this.toolPolicy = ToolPolicy.of(request, catalog);
        this.includeLogprobs = (request.include() != null && request.include().contains("message.output_text.logprobs"))
                || (request.topLogprobs() != null && request.topLogprobs() > 0);
        this.audioFormat = request.audio() == null ? null : request.audio().format();
    }

    /** Whether any event has been emitted ({@code response.created} comes with the first chunk). */
    @Override
    public boolean hasStarted() {
        return started;
    }

    /** Whether a terminal event has been emitted. */
    public boolean isFinished() {
        return finished;
    }

    /** The events {@code chunk} causes; the first call also emits {@code response.created} and {@code in_progress}. */
    @Override
    public List<ResponseEvent> onChunk(ChatChunk chunk) {
        if (finished) {
            return List.of();
        }
        List<ResponseEvent> events = new ArrayList<>();
        start(events);
        if (chunk.model() != null && upstreamModel == null) {
            upstreamModel = chunk.model();
        }
        ChatUsage chunkUsage = chunk.findUsage().orElse(null);
        if (chunkUsage != null) {
            usage = chunkUsage;
        }
        var error = chunk.findError();
        if (error.isPresent()) {
            fail(events, upstreamError(error.get()));
            return events;
        }
        // choices is null when the field is absent (keep-alive or vendor-only chunks), not just empty.
        List<ChunkChoice> choices = chunk.choices() == null ? List.of() : chunk.choices();
        for (ChunkChoice choice : choices) {
            // We ask for one choice (n is never sent), so a chunk's only choice is it, whatever its index (Foundry
            // Local numbers it anew in every chunk); of several, those that are not index 0 are ignored.
            if (choice == null || (choices.size() > 1 && choice.index() != null && choice.index() != 0)) {
                continue;
            }
            ChatDelta delta = choice.delta();
            if (delta != null) {
                onDelta(events, delta, choice.logprobs());
            }
            if (choice.finishReason() != null) {
                finishReason = choice.finishReason();
            }
        }
        return events;
    }

    /** The events that end the stream normally: pending items are closed and the terminal event is emitted. */
    @Override
    public List<ResponseEvent> onComplete() {
        if (finished) {
            return List.of();
        }
        List<ResponseEvent> events = new ArrayList<>();
        start(events);
        String itemStatus = ItemStatus.COMPLETED;
        IncompleteDetails incomplete = null;
        if ("length".equals(finishReason)) {
            itemStatus = ItemStatus.INCOMPLETE;
            incomplete = IncompleteDetails.MAX_OUTPUT_TOKENS;
        } else if ("content_filter".equals(finishReason)) {
            itemStatus = ItemStatus.INCOMPLETE;
            incomplete = IncompleteDetails.CONTENT_FILTER;
        }
        drain(events, itemStatus);
        // Only when nothing was emitted at all: an item still open (text streamed live) is not in output yet, and
        // opening a message then would orphan it (no output_item.done, its text missing from the response).
        if (output.isEmpty() && open == null) {
            // A model that answered nothing still answered: clients expect an assistant message.
            openMessage(events);
            startPart(events, PartKind.TEXT);
        }
        if (open != null) {
            closeOpen(events, itemStatus);
        }
        Response.Builder response = terminal(incomplete == null ? ResponseStatus.COMPLETED : ResponseStatus.INCOMPLETE)
                .incompleteDetails(incomplete);
        finished = true;
        Response done = response.build();
        events.add(
                incomplete == null
                        ? new ResponseEvent.Completed(sequence++, done)
                        : new ResponseEvent.Incomplete(sequence++, done));
        return events;
    }

    /**
     * The events that end the stream after an upstream failure: pending items are closed (with their
     * {@code output_item.done}; the last one, cut off, marked {@code incomplete}), then an {@code error} event, then
     * {@code response.failed} whose output keeps everything that had arrived.
     */
    @Override
    public List<ResponseEvent> onError(Throwable error) {
        if (finished) {
            return List.of();
        }
        List<ResponseEvent> events = new ArrayList<>();
        start(events);
        fail(events, payloadOf(error));
        return events;
    }

    private void start(List<ResponseEvent> events) {
        if (!started) {
            started = true;
            events.add(new ResponseEvent.Created(sequence++, initial));
            events.add(new ResponseEvent.InProgress(sequence++, initial));
        }
    }

    private void onDelta(List<ResponseEvent> events, ChatDelta delta, JsonNode logprobs) {
        String reasoning = delta.reasoningText();
        if (reasoning != null && !reasoning.isEmpty()) {
            append(events, PartKind.REASONING, reasoning, null);
        }
        if (delta.content() != null && !delta.content().isEmpty()) {
            append(events, PartKind.TEXT, delta.content(), logprobsOf(logprobs));
        }
        // OpenAI's audio output (delta.audio); no field of the chat model, so it is among the delta's extra fields.
        JsonNode audio = delta.extra().get("audio");
        if (audio != null && audio.isObject()) {
            onAudio(events, audio);
        }
        if (delta.refusal() != null && !delta.refusal().isEmpty()) {
            append(events, PartKind.REFUSAL, delta.refusal(), null);
        }
        if (delta.toolCalls() != null) {
            for (int i = 0; i < delta.toolCalls().size(); i++) {
                onToolCallDelta(events, delta.toolCalls().get(i), i);
            }
        }
        if (delta.functionCall() != null) {
            // The legacy single function_call of older providers: one call, keyed like index 0.
            onToolCallDelta(events, new ChatToolCallDelta(0, null, "function", delta.functionCall()), 0);
        }
    }

    /**
     * A {@code delta.audio} ({@code id}, {@code data}, {@code transcript}, {@code expires_at}, any of them): the
     * transcript is the text of the message's {@code output_text} part, streamed as its text is, and the data rides
     * on the same part ({@link dev.orsgateway.core.model.OutputAudio}), streamed with {@code ors:output_audio.delta}.
     */
    private void onAudio(List<ResponseEvent> events, JsonNode audio) {
        JsonNode id = audio.get("id");
        if (audioId == null && id != null && id.isTextual() && !id.textValue().isEmpty()) {
            audioId = id.textValue();
        }
        JsonNode expiresAt = audio.get("expires_at");
        if (expiresAt != null && expiresAt.isIntegralNumber() && expiresAt.canConvertToLong()) {
            audioExpiresAt = expiresAt.longValue();
        }
        JsonNode transcript = audio.get("transcript");
        if (transcript != null
                && transcript.isTextual()
                && !transcript.textValue().isEmpty()) {
            append(events, PartKind.TEXT, transcript.textValue(), null);
        }
        JsonNode data = audio.get("data");
        if (data != null && data.isTextual() && !data.textValue().isEmpty()) {
            append(events, PartKind.TEXT, data.textValue(), null, true);
        }
    }

    // ---- text, refusal and reasoning

    private void append(List<ResponseEvent> events, PartKind kind, String text, List<LogProb> logprobs) {
        append(events, kind, text, logprobs, false);
    }

    /** Text of {@code kind}, or with {@code audio} a piece of base64 audio of the text part. */
    private void append(List<ResponseEvent> events, PartKind kind, String text, List<LogProb> logprobs, boolean audio) {
        if (admittedCalls > 0 || !heldBack.isEmpty()) {
            boolean callsFinished =
                    heldBack.isEmpty() && !callsDeferred && (liveCall == null || isCompleteJson(liveCall.arguments));
            if (!callsFinished) {
                // A tool call is still streaming: text now would interleave with it, so it waits (class Javadoc).
                heldBack.add(new Segment(kind, text, logprobs, audio));
                return;
            }
            if (liveCall != null) {
                // Its arguments are complete JSON, so the call is over: close it and let the text stream live.
                closeCall(events, liveCall, ItemStatus.COMPLETED);
            }
        }
        emitText(events, kind, text, logprobs, audio);
    }

    private void emitText(
            List<ResponseEvent> events, PartKind kind, String text, List<LogProb> logprobs, boolean audio) {
        if (kind == PartKind.REASONING) {
            if (open != null && !open.reasoning) {
                closeOpen(events, ItemStatus.COMPLETED);
            }
            if (open == null) {
                openReasoning(events);
            }
        } else {
            if (open != null && open.reasoning) {
                closeOpen(events, ItemStatus.COMPLETED);
            }
            if (open == null) {
                openMessage(events);
            }
        }
        if (open.partKind != kind) {
            closePart(events);
            startPart(events, kind);
        }
        if (audio) {
            audioDelta(events, text);
            return;
        }
        open.text.append(text);
        ResponseEvent delta = switch (kind) {
            case TEXT -> {
                List<LogProb> eventLogprobs = logprobs == null ? List.of() : logprobs;
                if (logprobs != null) {
                    open.logprobs.addAll(logprobs);
                }
                yield new ResponseEvent.OutputTextDelta(
                        sequence++, open.id, open.outputIndex, open.contentIndex, text, eventLogprobs, null);
            }
            case REFUSAL ->
                new ResponseEvent.RefusalDelta(sequence++, open.id, open.outputIndex, open.contentIndex, text);
            case REASONING ->
                new ResponseEvent.ReasoningDelta(sequence++, open.id, open.outputIndex, open.contentIndex, text, null);
        };
        events.add(delta);
    }

    /**
     * A piece of the text part's base64 audio, emitted in whole 4-character quanta so that every delta decodes on its
     * own (as OpenAI's do) even when a provider cuts one base64 text anywhere; the rest waits for the next piece.
     */
    private void audioDelta(List<ResponseEvent> events, String piece) {
        if (open.audio == null) {
            open.audio = new StringBuilder();
        }
        String pending = open.audioPending == null ? piece : open.audioPending + piece;
        int whole = pending.length() - pending.length() % 4;
        open.audioPending = whole == pending.length() ? null : pending.substring(whole);
        if (whole > 0) {
            emitAudio(events, whole == pending.length() ? pending : pending.substring(0, whole));
        }
    }

    private void emitAudio(List<ResponseEvent> events, String delta) {
        open.audio.append(delta);
        events.add(new ResponseEvent.OutputAudioDelta(sequence++, open.id, open.outputIndex, open.contentIndex, delta));
    }

    private void openMessage(List<ResponseEvent> events) {
        open = new OpenItem(ids.newId("msg"), output.size(), false);
        events.add(
                new ResponseEvent.OutputItemAdded(sequence++, open.outputIndex, open.snapshot(ItemStatus.IN_PROGRESS)));
    }

    private void openReasoning(List<ResponseEvent> events) {
        open = new OpenItem(ids.newId("rs"), output.size(), true);
        events.add(
                new ResponseEvent.OutputItemAdded(sequence++, open.outputIndex, open.snapshot(ItemStatus.IN_PROGRESS)));
    }

    private void startPart(List<ResponseEvent> events, PartKind kind) {
        open.partKind = kind;
        open.contentIndex = open.parts.size();
        open.text.setLength(0);
        open.logprobs.clear();
        open.audio = null;
        open.audioPending = null;
        events.add(new ResponseEvent.ContentPartAdded(
                sequence++, open.id, open.outputIndex, open.contentIndex, emptyPart(kind)));
    }

    private ContentPart emptyPart(PartKind kind) {
        return switch (kind) {
            case TEXT -> new ContentPart.OutputText("", List.of(), includeLogprobs ? List.of() : null, Map.of());
            case REFUSAL -> new ContentPart.Refusal("");
            case REASONING -> new ContentPart.ReasoningText("");
        };
    }

    private void closePart(List<ResponseEvent> events) {
        if (open.partKind == null) {
            return;
        }
        if (open.audioPending != null) {
            // Not whole quanta at the end: passed on as it came.
            emitAudio(events, open.audioPending);
            open.audioPending = null;
        }
        String text = open.text.toString();
        ContentPart part = open.currentPart();
        switch (open.partKind) {
            case TEXT -> {
                if (open.audio != null) {
                    events.add(new ResponseEvent.OutputAudioDone(
                            sequence++,
                            open.id,
                            open.outputIndex,
                            open.contentIndex,
                            audioFormat,
                            audioId,
                            audioExpiresAt));
                }
                events.add(new ResponseEvent.OutputTextDone(
                        sequence++, open.id, open.outputIndex, open.contentIndex, text, List.copyOf(open.logprobs)));
            }
            case REFUSAL ->
                events.add(
                        new ResponseEvent.RefusalDone(sequence++, open.id, open.outputIndex, open.contentIndex, text));
            case REASONING ->
                events.add(new ResponseEvent.ReasoningDone(
                        sequence++, open.id, open.outputIndex, open.contentIndex, text));
        }
        events.add(new ResponseEvent.ContentPartDone(sequence++, open.id, open.outputIndex, open.contentIndex, part));
        open.parts.add(part);
        open.partKind = null;
    }

    private void closeOpen(List<ResponseEvent> events, String status) {
        closePart(events);
        Item item = open.snapshot(status);
        events.add(new ResponseEvent.OutputItemDone(sequence++, open.outputIndex, item));
        output.add(item);
        open = null;
    }

    // ---- tool calls

    private void onToolCallDelta(List<ResponseEvent> events, ChatToolCallDelta delta, int position) {
        // Gemini sends "id": "" with "index": null: no id, which the gateway makes when the call opens.
        String id = delta.id() == null || delta.id().isEmpty() ? null : delta.id();
        String name = delta.function() == null ? null : delta.function().name();
        ToolCall call = callFor(events, delta, id, name, position);
        if (id != null && call.callId == null) {
            call.callId = id;
        }
        if (name != null && !name.isEmpty() && call.name == null) {
            call.name = name;
        }
        String arguments = delta.function() == null ? null : delta.function().arguments();
        if (call.done) {
            // A fragment for a call already closed: only happens when a provider resends whitespace after the
            // arguments parsed as complete JSON; anything else is reported, as it cannot be delivered.
            if (arguments != null && !arguments.isBlank()) {
                log.warn("dropping arguments fragment for finished tool call {}: {}", call.callId, arguments);
            }
            return;
        }
        if (arguments != null) {
            call.arguments.append(arguments);
        }
        call.extraContent = ExtraContent.merge(call.extraContent, delta.extra());
        if (call.name == null || !admit(call)) {
            return;
        }
        if (!call.opened && liveCall == null && !callsDeferred) {
            openCall(events, call);
        } else if (!call.opened) {
            // Once one call waits, every later one waits too, so items keep the order the calls started in.
            callsDeferred = true;
        } else if (call == liveCall && arguments != null && !arguments.isEmpty()) {
            argumentsDelta(events, call, arguments);
        }
    }

    /** The live event of a piece of a call's arguments: as is, decoded (custom tools), or none (built-ins). */
    private void argumentsDelta(List<ResponseEvent> events, ToolCall call, String arguments) {
        switch (call.entry.kind()) {
            case FUNCTION ->
                events.add(new ResponseEvent.FunctionCallArgumentsDelta(
                        sequence++, call.itemId, call.outputIndex, arguments, null));
            case CUSTOM -> {
                String piece = call.input.feed(arguments);
                if (!piece.isEmpty()) {
                    call.inputEmitted.append(piece);
                    events.add(new ResponseEvent.CustomToolCallInputDelta(
                            sequence++, call.itemId, call.outputIndex, piece));
                }
            }
            default -> {
                // Built-ins become whole items once their arguments are complete.
            }
        }
    }

    /** Decides once, when its name is known, whether a call may be emitted: allowed function, within the limit. */
    private boolean admit(ToolCall call) {
        if (!call.admitted && !call.suppressed) {
            if (!toolPolicy.allows(call.name)) {
                call.suppressed = true;
                log.warn("suppressing call of function '{}', which this request does not allow", call.name);
            } else if (!toolPolicy.admitsAnother(admittedCalls)) {
                call.suppressed = true;
                log.warn("suppressing call of function '{}' beyond max_tool_calls", call.name);
            } else {
                call.entry = catalog.byUpstreamName(call.name);
                call.admitted = true;
                admittedCalls++;
            }
        }
        return call.admitted;
    }

    private ToolCall callFor(
            List<ResponseEvent> events, ChatToolCallDelta delta, String id, String name, int position) {
        // Providers key deltas by index; some (older Ollama, Gemini) omit it and send whole calls with ids instead.
        String key;
        if (delta.index() != null) {
            key = "#" + delta.index();
        } else if (id != null) {
            key = "id:" + id;
        } else if (lastCall == null) {
            key = "#" + position;
        } else if (!namesAnother(lastCall, name)) {
            return lastCall;
        } else {
            key = "#" + position + "+" + calls.size(); // a whole call after a whole call, neither keyed
        }
        ToolCall call = calls.get(key);
        if (call != null && id != null && !id.equals(call.callId) && namesAnother(call, name)) {
            // Ollama numbers every call of a parallel batch 0 (ollama/ollama#15457): another id naming a function at
            // an index whose call is complete is the next call. The earlier one stays, under a key of its own.
            calls.put(key + "/" + call.arrival, call);
            call = null;
        }
        if (call == null) {
            // A new call while another streams: if the live call's arguments are complete JSON (providers that
            // send calls one after another) it is finished and the new one can stream live; otherwise the
            // provider interleaves calls, and the new one waits until the end.
            if (liveCall != null && isCompleteJson(liveCall.arguments)) {
                closeCall(events, liveCall, ItemStatus.COMPLETED);
            }
            int order = delta.index() != null ? delta.index() : calls.size();
            call = new ToolCall(order, calls.size());
            calls.put(key, call);
        }
        lastCall = call;
        return call;
    }

    /** Whether a fragment that names {@code name} begins a call after {@code call} rather than continuing it. */
    private static boolean namesAnother(ToolCall call, String name) {
        return name != null && !name.isEmpty() && call.name != null && isCompleteJson(call.arguments);
    }

    private void openCall(List<ResponseEvent> events, ToolCall call) {
        if (open != null) {
            closeOpen(events, ItemStatus.COMPLETED);
        }
        call.opened = true;
        if (call.callId == null) {
            call.callId = ids.newId("call");
        }
        call.outputIndex = output.size();
        liveCall = call;
        ToolCatalog.Kind kind = call.entry.kind();
        if (kind.builtIn()) {
            // Nothing to show until the arguments make the item (closeCall); the call holds its place meanwhile.
            return;
        }
        if (kind == ToolCatalog.Kind.CUSTOM) {
            call.itemId = ids.newId("ctc");
            call.input = new CustomInput();
            events.add(new ResponseEvent.OutputItemAdded(
                    sequence++, call.outputIndex, call.customItem("", ItemStatus.IN_PROGRESS)));
        } else {
            call.itemId = ids.newId("fc");
            events.add(new ResponseEvent.OutputItemAdded(
                    sequence++, call.outputIndex, call.snapshot("", ItemStatus.IN_PROGRESS)));
        }
        String soFar = call.arguments.toString();
        if (!soFar.isEmpty()) {
            argumentsDelta(events, call, soFar);
        }
    }

    private void closeCall(List<ResponseEvent> events, ToolCall call, String status) {
        String arguments = call.arguments.toString();
        Item item;
        switch (call.entry.kind()) {
            case FUNCTION -> {
                events.add(new ResponseEvent.FunctionCallArgumentsDone(
                        sequence++, call.itemId, call.outputIndex, arguments));
                item = call.snapshot(arguments, status);
            }
            case CUSTOM -> {
                String input = call.input.finish(arguments);
                String emitted = call.inputEmitted.toString();
                if (input.startsWith(emitted)) {
                    String rest = input.substring(emitted.length());
                    if (!rest.isEmpty()) {
                        events.add(new ResponseEvent.CustomToolCallInputDelta(
                                sequence++, call.itemId, call.outputIndex, rest));
                    }
                } else {
                    log.warn("custom tool call {}: streamed input is not a prefix of its final input", call.callId);
                }
                events.add(new ResponseEvent.CustomToolCallInputDone(sequence++, call.itemId, call.outputIndex, input));
                item = call.customItem(input, status);
            }
            default -> item = closeBuiltIn(events, call, arguments, status);
        }
        events.add(new ResponseEvent.OutputItemDone(sequence++, call.outputIndex, item));
        output.add(item);
        call.done = true;
        if (liveCall == call) {
            liveCall = null;
        }
    }

    /**
     * The events and item of a finished call of a built-in: the tool's own item, added and done at once; or, when
     * the arguments do not make one or the call was cut off, a plain {@code function_call} under the built-in's type.
     */
    private Item closeBuiltIn(List<ResponseEvent> events, ToolCall call, String arguments, String status) {
        ToolCatalog.Kind kind = call.entry.kind();
        if (ItemStatus.COMPLETED.equals(status)) {
            Item.Unknown item =
                    BuiltInItems.callItem(kind, () -> ids.newId(idPrefix(kind)), call.callId, arguments, status);
            if (item != null) {
                item = new Item.Unknown(item.type(), ExtraContent.with(item.fields(), call.extraContent));
                call.itemId = item.id();
                events.add(new ResponseEvent.OutputItemAdded(
                        sequence++, call.outputIndex, BuiltInItems.withStatus(item, ItemStatus.IN_PROGRESS)));
                return item;
            }
            log.warn(
                    "{} call {}: its arguments do not make a {}; sent as a function_call",
                    call.entry.name(),
                    call.callId,
                    BuiltInItems.itemType(kind));
        }
        call.itemId = ids.newId("fc");
        events.add(new ResponseEvent.OutputItemAdded(
                sequence++, call.outputIndex, call.snapshot("", ItemStatus.IN_PROGRESS)));
        if (!arguments.isEmpty()) {
            events.add(new ResponseEvent.FunctionCallArgumentsDelta(
                    sequence++, call.itemId, call.outputIndex, arguments, null));
        }
        events.add(new ResponseEvent.FunctionCallArgumentsDone(sequence++, call.itemId, call.outputIndex, arguments));
        return call.snapshot(arguments, status);
    }

    private static String idPrefix(ToolCatalog.Kind kind) {
        return switch (kind) {
            case TOOL_SEARCH -> "tsc";
            case LOCAL_SHELL -> "lsh";
            case SHELL -> "sh";
            case APPLY_PATCH -> "apc";
            case FUNCTION -> "fc";
            case CUSTOM -> "ctc";
        };
    }

    private static boolean isCompleteJson(CharSequence json) {
        String text = json.toString().strip();
        if (text.isEmpty()) {
            return false;
        }
        try {
            OrsJson.mapper().readTree(text);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    // ---- the end

    /** Closes everything still open or held back, in order; the last item closed gets {@code lastStatus}. */
    private void drain(List<ResponseEvent> events, String lastStatus) {
        List<ToolCall> remaining = new ArrayList<>();
        for (ToolCall call : calls.values()) {
            if (!call.done && call.admitted) {
                remaining.add(call);
            }
        }
        remaining.sort(Comparator.comparingInt((ToolCall c) -> c.opened ? -1 : 0)
                .thenComparingInt(c -> c.order)
                .thenComparingInt(c -> c.arrival));
        for (int i = 0; i < remaining.size(); i++) {
            ToolCall call = remaining.get(i);
            boolean last = i == remaining.size() - 1 && heldBack.isEmpty();
            if (!call.opened) {
                openCall(events, call);
            }
            closeCall(events, call, last ? lastStatus : ItemStatus.COMPLETED);
        }
        List<Segment> segments = new ArrayList<>(heldBack);
        heldBack.clear();
        calls.clear();
        for (Segment segment : segments) {
            emitText(events, segment.kind, segment.text, segment.logprobs, segment.audio);
        }
    }

    private void fail(List<ResponseEvent> events, ErrorPayload error) {
        // Close what is pending before the error, as at a normal end: every output_item.added gets its
        // output_item.done (with the part and *.done events before it), held-back text and calls that waited are
        // delivered rather than lost, and the failed response's output is exactly the items the stream announced.
        // The item cut off, the last one, is marked incomplete.
        drain(events, ItemStatus.INCOMPLETE);
        if (open != null) {
            closeOpen(events, ItemStatus.INCOMPLETE);
        }
        events.add(new ResponseEvent.Error(sequence++, error));
        Response failed = terminal(ResponseStatus.FAILED)
                .completedAt(null)
                .error(new ResponseError(error.code() == null ? error.type() : error.code(), error.message()))
                .build();
        finished = true;
        events.add(new ResponseEvent.Failed(sequence++, failed));
    }

    private Response.Builder terminal(String status) {
        return initial.toBuilder()
                .status(status)
                .output(List.copyOf(output))
                .model(initial.model() == null ? upstreamModel : initial.model())
                .completedAt(clock.instant().getEpochSecond())
                .usage(usage == null ? null : usageOf(usage));
    }

    private static Usage usageOf(ChatUsage usage) {
        int input = usage.promptTokens() == null ? 0 : usage.promptTokens();
        int outputTokens = usage.completionTokens() == null ? 0 : usage.completionTokens();
        int total = usage.totalTokens() == null ? input + outputTokens : usage.totalTokens();
        int cached = usage.cachedTokens() == null ? 0 : usage.cachedTokens();
        int reasoning = usage.reasoningTokens() == null ? 0 : usage.reasoningTokens();
        return new Usage(
                input,
                outputTokens,
                total,
                new Usage.InputTokensDetails(cached, 0),
                new Usage.OutputTokensDetails(reasoning));
    }

    private List<LogProb> logprobsOf(JsonNode logprobs) {
        if (!includeLogprobs || logprobs == null || !logprobs.path("content").isArray()) {
            return null;
        }
        return Arrays.asList(OrsJson.mapper().convertValue(logprobs.get("content"), LogProb[].class));
    }

    static ErrorPayload payloadOf(Throwable error) {
        if (error instanceof OrsException ors) {
            return ors.error();
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return new ErrorPayload(OrsException.SERVER_ERROR, "server_error", message, null);
    }

    private static ErrorPayload upstreamError(ChatError error) {
        String message = error.message() == null ? "the upstream reported an error" : error.message();
        return new ErrorPayload(
                OrsException.MODEL_ERROR,
                error.codeText() == null ? "upstream_error" : error.codeText(),
                message,
                error.param());
    }

    private enum PartKind {
        TEXT,
        REFUSAL,
        REASONING
    }

    /** Held-back text of {@code kind}, or with {@code audio} a piece of base64 audio of a text part. */
    private record Segment(PartKind kind, String text, List<LogProb> logprobs, boolean audio) {
        Segment(PartKind kind, String text, List<LogProb> logprobs) {
            this(kind, text, logprobs, false);
        }
    }

    /** The message or reasoning item being streamed. */
    private final class OpenItem {
        final String id;
        final int outputIndex;
        final boolean reasoning;
        final List<ContentPart> parts = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        final List<LogProb> logprobs = new ArrayList<>();
        PartKind partKind;
        int contentIndex;
        /** The base64 audio of the current text part as its deltas carried it, or null when it has none. */
        StringBuilder audio;
        /** The last 1 to 3 characters of base64 audio received, not yet a whole quantum, or null. */
        String audioPending;

        OpenItem(String id, int outputIndex, boolean reasoning) {
            this.id = id;
            this.outputIndex = outputIndex;
            this.reasoning = reasoning;
        }

        ContentPart currentPart() {
            String value = text.toString();
            return switch (partKind) {
                case TEXT -> {
                    ContentPart.OutputText part = new ContentPart.OutputText(
                            value, List.of(), includeLogprobs ? List.copyOf(logprobs) : null, Map.of());
                    yield audio == null
                            ? part
                            : part.withAudio(new OutputAudio(
                                    audioFormat, Base64Pieces.whole(audio.toString()), audioId, audioExpiresAt));
                }
                case REFUSAL -> new ContentPart.Refusal(value);
                case REASONING -> new ContentPart.ReasoningText(value);
            };
        }

        Item snapshot(String status) {
            if (reasoning) {
                return new Item.Reasoning(id, List.of(), List.copyOf(parts), null, status, Map.of());
            }
            return new Item.Message(id, status, MessageRole.ASSISTANT, List.copyOf(parts), null, Map.of());
        }
    }

    /** One tool call, from its first fragment to its item. */
    private static final class ToolCall {
        final int order;
        final int arrival;
        final StringBuilder arguments = new StringBuilder();
        /** What the call's decoded input deltas held (custom tools). */
        final StringBuilder inputEmitted = new StringBuilder();

        String callId;
        /** The chat function's name. */
        String name;
        /** The tool it calls, once admitted. */
        ToolCatalog.Entry entry;
        /** The decoder of a custom tool's input, once opened. */
        CustomInput input;
        /** The provider's {@code extra_content} (Gemini's thought signature), or null. */
        ObjectNode extraContent;

        String itemId;
        int outputIndex;
        boolean opened;
        boolean done;
        boolean admitted;
        boolean suppressed;

        ToolCall(int order, int arrival) {
            this.order = order;
            this.arrival = arrival;
        }

        /** The {@code function_call} item, under the name and namespace the client declared. */
        Item snapshot(String arguments, String status) {
            Map<String, JsonNode> extra =
                    entry.namespace() == null ? Map.of() : Map.of("namespace", TextNode.valueOf(entry.namespace()));
            return new Item.FunctionCall(
                    itemId, callId, entry.name(), arguments, status, ExtraContent.with(extra, extraContent));
        }

        Item customItem(String input, String status) {
            return new Item.CustomToolCall(
                    itemId,
                    callId,
                    entry.namespace(),
                    entry.name(),
                    input,
                    status,
                    ExtraContent.with(Map.of(), extraContent));
        }
    }
}
