package dev.orsgateway.core.spi;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ModelInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A Chat Completions provider: where the gateway sends translated requests. Implementations are thread-safe.
 *
 * <p>Failures are {@link dev.orsgateway.core.OrsException}s: an HTTP error from the provider keeps its status class
 * and the provider's message; an unreachable provider is a 502 and a timeout a 504, both naming the upstream.
 */
public interface ChatCompletionsUpstream {

    /**
     * Streams a completion ({@code request.stream()} is true). Nothing is sent until the publisher is subscribed;
     * cancelling the subscription cancels the HTTP call. The publisher may be subscribed once.
     */
    Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request);

    /** Requests a whole completion ({@code request.stream()} is false or absent). */
    CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request);

    /** A short description for logs and error messages, e.g. the endpoint's URL without credentials. */
    String describe();

    /**
     * The models the provider serves ({@code GET /models}), for the gateway's own model list. The default knows
     * none; a failure is an {@link dev.orsgateway.core.OrsException} like any other call's.
     */
    default CompletableFuture<List<ModelInfo>> listModels() {
        return CompletableFuture.completedFuture(List.of());
    }
}
