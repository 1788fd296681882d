package dev.orsgateway.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast chunk reader gives exactly what the mapper reads, on its fast path and off it, and fails as it does. */
class ChatChunkReaderTest {

    static Stream<String> chunks() throws IOException {
        List<String> cases = List.of(
                // the common shapes (fast path)
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\","
                        + "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\\\"lo \\u2028\\ud83d\\ude00\\n\"},"
                        + "\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"c\",\"choices\":[]}",
                "{\"id\":\"c\",\"choices\":null,\"usage\":null}",
                "{\"choices\":[{\"delta\":{\"reasoning_content\":\"think\",\"reasoning\":null,\"content\":null}}]}",
                "{\"choices\":[{\"delta\":{\"reasoning\":\"think\",\"refusal\":\"no\",\"tool_calls\":null}}]}",
                "{\"id\":null,\"object\":null,\"created\":null,\"model\":null,\"service_tier\":\"default\","
                        + "\"choices\":[{\"index\":null,\"delta\":null,\"finish_reason\":null}]}",
                "{}",
                // off the fast path: the mapper reads them
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}",
                "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}",
                "{\"id\":\"c\",\"x_groq\":{\"usage\":{\"prompt_tokens\":1}},\"choices\":[]}",
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"native_finish_reason\":null}]}",
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\",\"reasoning_details\":[]}}]}",
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"logprobs\":{\"content\":[]}}]}",
                "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{}}]}",
                "{\"id\":\"c\",\"created\":1.5e9,\"choices\":[]}",
                // integer ids (some OpenAI-compatible servers): read as their text
                "{\"id\":1764081200123,\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                        + "\"id\":908172635,\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}",
                "{\"id\":\"c\",\"error\":{\"message\":\"overloaded\",\"code\":503},\"choices\":[]}");
        try (InputStream in =
                ChatChunkReaderTest.class.getResourceAsStream("/fixtures/chat/streams/openai-tool-call.sse")) {
            Stream<String> recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> line.startsWith("data: {"))
                    .map(line -> line.substring("data: ".length()));
            return Stream.concat(cases.stream(), recorded);
        }
    }

    @ParameterizedTest
    @MethodSource("chunks")
    void readsWhatTheMapperReads(String json) throws IOException {
        byte[] bytes = ("xx" + json + "yy").getBytes(StandardCharsets.UTF_8);
        ChatChunk fast = new ChatChunkReader().read(bytes, 2, bytes.length - 4);
        assertThat(fast).isEqualTo(OrsJson.mapper().readValue(json, ChatChunk.class));
    }

    @Test
    void oneReaderReadsEveryCaseInTurnAfterFailuresToo() throws IOException {
        // The reader keeps one parser for the stream: chunks off the fast path and malformed ones must not disturb the
        // chunks after them.
        ChatChunkReader reader = new ChatChunkReader();
        for (int round = 0; round < 2; round++) {
            for (String json : chunks().toList()) {
                assertThat(reader.read(bytes(json)))
                        .as(json)
                        .isEqualTo(OrsJson.mapper().readValue(json, ChatChunk.class));
                assertThatThrownBy(() -> reader.read(bytes("{\"id\":\"c\",\"choices\":[")))
                        .isInstanceOf(JsonProcessingException.class);
            }
        }
    }

    @Test
    void repeatedStringsAreKeptNotAllocatedAgain() throws IOException {
        ChatChunkReader reader = new ChatChunkReader();
        ChatChunk first = reader.read(bytes("{\"id\":\"chatcmpl-9\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"a\"}}]}"));
        ChatChunk second = reader.read(bytes("{\"id\":\"chatcmpl-9\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"b\"}}]}"));
        ChatChunk third = reader.read(bytes("{\"id\":\"chatcmpl-8\",\"model\":\"m\",\"choices\":[]}"));

        assertThat(second.id()).isSameAs(first.id());
        assertThat(second.model()).isSameAs(first.model());
        assertThat(third.id()).isEqualTo("chatcmpl-8");
        assertThat(second.choices().get(0).delta().content()).isEqualTo("b");
    }

    @Test
    void integerIdsAreReadAsTheirText() throws IOException {
        ChatChunk chunk = new ChatChunkReader()
                .read(bytes("{\"id\":1764081200123,\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{"
                        + "\"index\":0,\"id\":908172635,\"function\":{\"name\":\"f\"}}]}}]}"));

        assertThat(chunk.id()).isEqualTo("1764081200123");
        assertThat(chunk.choices().get(0).delta().toolCalls().get(0).id()).isEqualTo("908172635");
        assertThat(OrsJson.tree(chunk).get("id").isTextual()).isTrue();
    }

    @Test
    void malformedOrMistypedChunksFailAsTheMapperFails() {
        for (String json : List.of(
                "{\"id\":\"c\",\"choices\":[",
                "not json",
                "",
                "{\"id\":4.2,\"choices\":[]}",
                "{\"id\":true,\"choices\":[]}",
                "[1]",
                "{\"choices\":[{\"delta\":{\"content\":7}}]}")) {
            assertThatThrownBy(() -> new ChatChunkReader().read(bytes(json)))
                    .as(json)
                    .isInstanceOf(JsonProcessingException.class);
            assertThatThrownBy(() -> OrsJson.mapper().readValue(json, ChatChunk.class))
                    .as(json)
                    .isInstanceOf(JsonProcessingException.class);
        }
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
