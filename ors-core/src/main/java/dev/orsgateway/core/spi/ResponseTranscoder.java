package dev.orsgateway.core.spi;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Translation between the Open Responses API and Chat Completions, as the gateway uses it. {@code ors-transcoder}
 * provides the implementation, found through {@link java.util.ServiceLoader} via {@link Factory}.
 */
public interface ResponseTranscoder {

    /**
     * The chat request for {@code request}, with {@code history} (the replayed chain, oldest first) before its
     * input. Invalid requests throw {@link dev.orsgateway.core.OrsException} with status 400.
     */
    ChatCompletionRequest toChatRequest(CreateResponseRequest request, List<Item> history);

    /**
     * The event stream of one response, transcoded from {@code chunks}. A failure of {@code chunks} before its
     * first chunk is signalled downstream as {@code onError} (so that an HTTP server can still answer with the
     * upstream's status); after it, the stream ends normally with {@code error} and {@code response.failed}.
     */
    Flow.Publisher<ResponseEvent> transcode(
            CreateResponseRequest request, Response initial, Flow.Publisher<ChatChunk> chunks);

    /** The final response of a non-streamed completion: the one the equivalent stream would end with. */
    Response toResponse(CreateResponseRequest request, Response initial, ChatCompletion completion);

    /** Creates transcoders; registered as a {@link java.util.ServiceLoader} service. */
    interface Factory {
        /** A transcoder whose item ids come from {@code ids} and timestamps from {@code clock}. */
        ResponseTranscoder create(dev.orsgateway.core.IdGenerator ids, java.time.Clock clock);
    }
}
