package dev.orsgateway.core.spi;

import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.internal.ResponseStream;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Translation between the Open Responses API and Chat Completions, as the gateway uses it: requests one way, chunk
 * streams and completions the other. {@code ors-transcoder}'s {@code ChatTranscoder} is the implementation; pass it
 * to {@link dev.orsgateway.core.OrsGateway.Builder#transcoder}. Item ids and timestamps come from the caller (the
 * gateway's {@link IdGenerator} and {@link Clock}), so there is one source of each.
 */
public interface ResponseTranscoder {

    /**
     * The chat request for {@code request}, with {@code history} (the replayed chain, oldest first) before its
     * input. Invalid requests throw {@link dev.orsgateway.core.OrsException} with status 400.
     */
    ChatCompletionRequest toChatRequest(CreateResponseRequest request, List<Item> history);

    /**
     * The state machine of one streamed response, fed chunk by chunk.
     *
     * @param request the request (it decides which tool calls are allowed, whether logprobs are wanted)
     * @param initial the response as {@code response.created} shows it
     * @param ids makes item and call ids
     * @param clock gives {@code completed_at}
     */
    Session open(CreateResponseRequest request, Response initial, IdGenerator ids, Clock clock);

    /** The final response of a non-streamed completion: the one the equivalent stream would end with. */
    Response toResponse(
            CreateResponseRequest request, Response initial, ChatCompletion completion, IdGenerator ids, Clock clock);

    /**
     * {@link #open(CreateResponseRequest, Response, IdGenerator, Clock)} for a request whose replayed chain is
     * {@code history} (oldest first), which can make more tools callable (OpenAI's {@code tool_search_output} items
     * load tools). The gateway calls this form; the default ignores {@code history}.
     */
    default Session open(
            CreateResponseRequest request, List<Item> history, Response initial, IdGenerator ids, Clock clock) {
        return open(request, initial, ids, clock);
    }

    /**
     * {@link #toResponse(CreateResponseRequest, Response, ChatCompletion, IdGenerator, Clock)} for a request whose
     * replayed chain is {@code history}; the gateway calls this form, and the default ignores {@code history}.
     */
    default Response toResponse(
            CreateResponseRequest request,
            List<Item> history,
            Response initial,
            ChatCompletion completion,
            IdGenerator ids,
            Clock clock) {
        return toResponse(request, initial, completion, ids, clock);
    }

    /**
     * The event stream of one response, transcoded from {@code chunks} with real demand: one serialized stage that
     * asks {@code chunks} for a bounded number of chunks ahead. The result may be subscribed once; the subscription
     * to {@code chunks} happens then. A failure of {@code chunks} before its first chunk is signalled downstream as
     * {@code onError} (so that an HTTP server can still answer with the upstream's status); after it, the stream
     * ends normally with {@code error} and {@code response.failed}.
     */
    default Flow.Publisher<ResponseEvent> transcode(
            CreateResponseRequest request,
            Response initial,
            Flow.Publisher<ChatChunk> chunks,
            IdGenerator ids,
            Clock clock) {
        return ResponseStream.builder(open(request, initial, ids, clock), chunks)
                .build();
    }

    /**
     * One response's transcoding: a synchronous state machine, not thread-safe, whose methods return the events each
     * input causes (in order, sequence numbers increasing). After the terminal event every method returns nothing.
     */
    interface Session {
        /** The events {@code chunk} causes; the first call also emits {@code response.created} and in_progress. */
        List<ResponseEvent> onChunk(ChatChunk chunk);

        /** The events that end the stream normally, the terminal event last. */
        List<ResponseEvent> onComplete();

        /** The events that end the stream after an upstream failure: {@code error}, then {@code response.failed}. */
        List<ResponseEvent> onError(Throwable error);

        /** Whether any event has been emitted. */
        boolean hasStarted();
    }
}
