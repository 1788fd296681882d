package dev.orsgateway.upstream.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The provider streams under {@code fixtures/} and small builders of SSE bodies and requests. */
final class Fixtures {

    static final List<String> PROVIDER_STREAMS = List.of(
            "openai/text.sse",
            "openai/tool-calls.sse",
            "ollama/haiku.sse",
            "vllm/reasoning.sse",
            "openrouter/keepalive.sse",
            "groq/x-groq-usage.sse",
            "llamacpp/answer.sse");

    private Fixtures() {}

    /** The text of a fixture, by path relative to {@code fixtures/}. */
    static String text(String relative) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + relative)) {
            assertThat(in).as("fixture %s", relative).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chunks an SSE body carries, read line by line independently of the code under test. */
    static List<ChatChunk> expectedChunks(String sse) {
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

    static ChatChunk chunk(String json) {
        try {
            return OrsJson.read(json, ChatChunk.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A content chunk whose index is zero-padded, so that every event of a generated stream has the same size. */
    static String contentEvent(long index, String finishReason) {
        ChatChunk chunk = new ChatChunk(
                String.format("chatcmpl-%010d", index),
                1764079650L,
                "test-model",
                List.of(new ChunkChoice(0, delta("c" + String.format("%010d", index)), finishReason)),
                null);
        return "data: " + OrsJson.write(chunk) + "\n\n";
    }

    /** An SSE body of {@code n} content chunks, the last with {@code finish_reason: stop}, then {@code [DONE]}. */
    static String contentStream(int n) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            body.append(contentEvent(i, i == n - 1 ? "stop" : null));
        }
        return body.append("data: [DONE]\n\n").toString();
    }

    /** The concatenated {@code delta.content} of the chunks. */
    static String content(List<ChatChunk> chunks) {
        return chunks.stream()
                .flatMap(c -> c.choices() == null ? Stream.empty() : c.choices().stream())
                .map(ChunkChoice::delta)
                .filter(d -> d != null && d.content() != null)
                .map(ChatDelta::content)
                .collect(Collectors.joining());
    }

    static ChatDelta delta(String content) {
        return new ChatDelta(null, content, null, null, null, null, null, null);
    }

    /** A small request. */
    static ChatCompletionRequest request() {
        return ChatCompletionRequest.builder()
                .model("gpt-4o-mini")
                .addMessage(ChatMessage.user("Say hello"))
                .build();
    }
}
