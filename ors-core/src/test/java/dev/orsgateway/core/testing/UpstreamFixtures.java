package dev.orsgateway.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Test fixture for upstream transports: the recorded provider streams under {@code fixtures/upstream/}, small builders of
 * SSE bodies and requests, and waits for a publisher's or a future's outcome.
 */
public final class UpstreamFixtures {

    public static final List<String> PROVIDER_STREAMS = List.of(
            "openai/text.sse",
            "openai/tool-calls.sse",
            "ollama/haiku.sse",
            "vllm/reasoning.sse",
            "openrouter/keepalive.sse",
            "groq/x-groq-usage.sse",
            "llamacpp/answer.sse",
            // Provider quirks (fixtures/upstream/README.md lists the report behind each)
            "azure/content-filter.sse",
            "azure/null-delta.sse",
            "ollama/empty-finish-reason.sse",
            "ollama/parallel-calls-same-index.sse",
            "gemini/tool-calls-no-index.sse",
            "gemini/empty-tool-call-id.sse",
            "mistral/tool-calls-one-chunk.sse",
            "fireworks/repeated-tool-call-header.sse",
            "lmstudio/empty-name-fragments.sse",
            "lmstudio/think-in-content.sse",
            "tgi/eos-token-no-done.sse",
            "localai/sparse-chunks.sse",
            "proxy/data-without-space.sse",
            "foundry-local/choice-index-per-chunk.sse",
            "sse-starlette/crlf-ping.sse",
            "vllm/finish-with-last-token.sse",
            "vllm/deepseek-r1-closing-tag-only.sse",
            "openrouter/duplicate-finish.sse",
            "nvidia/numeric-ids.sse");

    private UpstreamFixtures() {}

    /** The text of a fixture, by path relative to {@code fixtures/}. */
    public static String text(String relative) {
        try (InputStream in = UpstreamFixtures.class.getResourceAsStream("/fixtures/upstream/" + relative)) {
            assertThat(in).as("fixture %s", relative).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chunks an SSE body carries, read line by line independently of the code under test. */
    public static List<ChatChunk> expectedChunks(String sse) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (String line : sse.split("\r\n|\r|\n")) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring("data:".length()).strip();
            if (!data.equals("[DONE]")) {
                chunks.add(chunk(data));
            }
        }
        return chunks;
    }

    public static ChatChunk chunk(String json) {
        try {
            return OrsJson.read(json, ChatChunk.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A content chunk whose index is zero-padded, so that every event of a generated stream has the same size. */
    public static String contentEvent(long index, String finishReason) {
        ChatChunk chunk = new ChatChunk(
                String.format("chatcmpl-%010d", index),
                1764079650L,
                "test-model",
                List.of(new ChunkChoice(0, delta("c" + String.format("%010d", index)), finishReason)),
                null);
        return "data: " + OrsJson.write(chunk) + "\n\n";
    }

    /** An SSE body of {@code n} content chunks, the last with {@code finish_reason: stop}, then {@code [DONE]}. */
    public static String contentStream(int n) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            body.append(contentEvent(i, i == n - 1 ? "stop" : null));
        }
        return body.append("data: [DONE]\n\n").toString();
    }

    /** The concatenated {@code delta.content} of the chunks. */
    public static String content(List<ChatChunk> chunks) {
        return chunks.stream()
                .flatMap(c -> c.choices() == null ? Stream.empty() : c.choices().stream())
                .map(ChunkChoice::delta)
                .filter(d -> d != null && d.content() != null)
                .map(ChatDelta::content)
                .collect(Collectors.joining());
    }

    public static ChatDelta delta(String content) {
        return new ChatDelta(null, content, null, null, null, null, null, null);
    }

    /** A small request. */
    public static ChatCompletionRequest request() {
        return ChatCompletionRequest.builder()
                .model("gpt-4o-mini")
                .addMessage(ChatMessage.user("Say hello"))
                .build();
    }

    /** Subscribes with unbounded demand and waits for completion. */
    public static List<ChatChunk> collect(Flow.Publisher<ChatChunk> publisher) {
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();
        publisher.subscribe(subscriber);
        return subscriber.awaitCompletion();
    }

    /** Subscribes with unbounded demand and waits for the failure, which must be an {@link OrsException}. */
    public static OrsException failure(Flow.Publisher<ChatChunk> publisher) {
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();
        publisher.subscribe(subscriber);
        Throwable error = subscriber.awaitError();
        if (error instanceof OrsException ors) {
            return ors;
        }
        throw new AssertionError("expected an OrsException", error);
    }

    /** Waits for the future's failure, which must be an {@link OrsException}. */
    public static OrsException failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof OrsException ors) {
                return ors;
            }
            throw new AssertionError("expected an OrsException", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no outcome", e);
        }
    }
}
