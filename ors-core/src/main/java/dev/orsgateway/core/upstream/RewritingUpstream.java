package dev.orsgateway.core.upstream;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.UnaryOperator;

/**
 * An upstream whose requests are rewritten before they are sent, for providers that want something of a request that
 * others do not ({@link MistralToolCallIds}, {@link GeminiThoughtSignatures}). Everything the upstream sends back is
 * passed on as it is; closing this closes the upstream.
 */
public final class RewritingUpstream implements ChatCompletionsUpstream, AutoCloseable {
    private final ChatCompletionsUpstream upstream;
    private final UnaryOperator<ChatCompletionRequest> rewrite;

    private RewritingUpstream(ChatCompletionsUpstream upstream, UnaryOperator<ChatCompletionRequest> rewrite) {
        this.upstream = upstream;
        this.rewrite = rewrite;
    }

    /**
     * {@code upstream}, sent {@code rewrite}'s result in place of each request.
     *
     * @param upstream the upstream to send the rewritten requests to
     * @param rewrite turns a request into the one to send (returning it unchanged when nothing needs changing)
     * @return the decorated upstream
     */
    public static RewritingUpstream of(ChatCompletionsUpstream upstream, UnaryOperator<ChatCompletionRequest> rewrite) {
        return new RewritingUpstream(
                Objects.requireNonNull(upstream, "upstream"), Objects.requireNonNull(rewrite, "rewrite"));
    }

    @Override
    public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
        return upstream.stream(rewrite.apply(request));
    }

    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
        return upstream.complete(rewrite.apply(request));
    }

    @Override
    public CompletableFuture<List<ModelInfo>> listModels() {
        return upstream.listModels();
    }

    @Override
    public String describe() {
        return upstream.describe();
    }

    /**
     * Closes the decorated upstream, if it can be closed.
     *
     * @throws IllegalStateException when closing it fails (with that failure as the cause)
     */
    @Override
    public void close() {
        if (upstream instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("closing " + upstream.describe() + " failed", e);
            }
        }
    }
}
