package dev.orsgateway.transcoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatToolCall;
import dev.orsgateway.core.chat.ChatToolCallDelta;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.chat.CompletionChoice;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.spi.ResponseTranscoder;
import dev.orsgateway.transcoder.internal.RequestTranslator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The transcoder between the Open Responses API and a Chat Completions provider: requests one way, streams and
 * completions the other. Thread-safe and stateless; each response gets its own {@link StreamTranscoder}.
 */
public final class ChatTranscoder implements ResponseTranscoder {
    private final TranscoderOptions options;
    private final RequestTranslator translator;

    private ChatTranscoder(TranscoderOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.translator = new RequestTranslator(options);
    }

    /** A transcoder with default options. */
    public static ChatTranscoder create() {
        return new ChatTranscoder(TranscoderOptions.DEFAULT);
    }

    /** A transcoder with the given options. */
    public static ChatTranscoder create(TranscoderOptions options) {
        return new ChatTranscoder(options);
    }

    /** The options in force. */
    public TranscoderOptions options() {
        return options;
    }

    /**
     * The chat request for {@code request}, with {@code history} (the replayed {@code previous_response_id} chain,
     * oldest first) before its input. Invalid requests throw {@link dev.orsgateway.core.OrsException} (400).
     */
    @Override
    public ChatCompletionRequest toChatRequest(CreateResponseRequest request, List<Item> history) {
        return translator.translate(request, history);
    }

    /** A state machine for one streamed response (see {@link StreamTranscoder}). */
    @Override
    public StreamTranscoder open(CreateResponseRequest request, Response initial, IdGenerator ids, Clock clock) {
        return new StreamTranscoder(request, initial, ids, clock);
    }

    /** A state machine for one streamed response whose replayed chain is {@code history}. */
    @Override
    public StreamTranscoder open(
            CreateResponseRequest request, List<Item> history, Response initial, IdGenerator ids, Clock clock) {
        return new StreamTranscoder(request, history, initial, ids, clock);
    }

    /**
     * The final response of a non-streamed completion: exactly the response the stream of the same content would
     * end with, since it runs through the same state machine.
     */
    @Override
    public Response toResponse(
            CreateResponseRequest request, Response initial, ChatCompletion completion, IdGenerator ids, Clock clock) {
        return toResponse(request, List.of(), initial, completion, ids, clock);
    }

    /** {@link #toResponse(CreateResponseRequest, Response, ChatCompletion, IdGenerator, Clock)} with the chain. */
    @Override
    public Response toResponse(
            CreateResponseRequest request,
            List<Item> history,
            Response initial,
            ChatCompletion completion,
            IdGenerator ids,
            Clock clock) {
        StreamTranscoder transcoder = open(request, history, initial, ids, clock);
        List<ResponseEvent> events = new ArrayList<>();
        for (ChatChunk chunk : chunksOf(completion)) {
            events.addAll(transcoder.onChunk(chunk));
        }
        events.addAll(transcoder.onComplete());
        return ((ResponseEvent.Lifecycle) events.get(events.size() - 1)).response();
    }

    /** The chunks a stream of {@code completion}'s first choice would have consisted of. */
    static List<ChatChunk> chunksOf(ChatCompletion completion) {
        List<ChatChunk> chunks = new ArrayList<>();
        CompletionChoice choice =
                completion.choices().isEmpty() ? null : completion.choices().get(0);
        if (choice != null && choice.message() != null) {
            ChatMessage.AssistantMessage message = choice.message();
            String reasoning = message.reasoningText();
            if (reasoning != null && !reasoning.isEmpty()) {
                chunks.add(chunk(
                        completion, new ChatDelta("assistant", null, null, null, null, reasoning, null, null), null));
            }
            String text = message.content() == null ? null : message.content().asText();
            if (text != null && !text.isEmpty()) {
                chunks.add(chunk(completion, ChatDelta.ofContent(text), null));
            }
            if (message.audio() != null) {
                // As a stream carries it: delta.audio, read by the stream machine from the delta's extra fields.
                JsonNode audio = OrsJson.mapper().valueToTree(message.audio());
                chunks.add(chunk(
                        completion,
                        new ChatDelta(null, null, null, null, null, null, null, Map.of("audio", audio)),
                        null));
            }
            if (message.refusal() != null && !message.refusal().isEmpty()) {
                chunks.add(chunk(
                        completion, new ChatDelta(null, null, message.refusal(), null, null, null, null, null), null));
            }
            // The chat model keeps an absent tool_calls as null (not empty): a plain text answer has none.
            List<ChatToolCall> toolCalls = message.toolCalls() == null ? List.of() : message.toolCalls();
            for (int i = 0; i < toolCalls.size(); i++) {
                ChatToolCall call = toolCalls.get(i);
                // Unknown fields go too: Gemini's extra_content (its thought signature) must reach the item.
                ChatToolCallDelta delta =
                        new ChatToolCallDelta(i, call.id(), call.type(), call.function(), call.extra());
                chunks.add(chunk(
                        completion, new ChatDelta(null, null, null, List.of(delta), null, null, null, null), null));
            }
            if (message.functionCall() != null) {
                chunks.add(chunk(
                        completion,
                        new ChatDelta(null, null, null, null, message.functionCall(), null, null, null),
                        null));
            }
        }
        chunks.add(new ChatChunk(
                completion.id(),
                completion.created(),
                completion.model(),
                List.of(new ChunkChoice(0, null, choice == null ? "stop" : choice.finishReason())),
                completion.findUsage().orElse(null)));
        return chunks;
    }

    private static ChatChunk chunk(ChatCompletion completion, ChatDelta delta, String finishReason) {
        return new ChatChunk(
                completion.id(),
                completion.created(),
                completion.model(),
                List.of(new ChunkChoice(0, delta, finishReason)),
                null);
    }
}
