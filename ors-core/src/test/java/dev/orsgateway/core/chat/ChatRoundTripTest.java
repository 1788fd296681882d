package dev.orsgateway.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture survives read, write and re-read: unknown fields kept, string-vs-array content preserved. */
class ChatRoundTripTest {

    static Stream<String> chunks() {
        return ChatFixtures.list("chunks").stream();
    }

    static Stream<String> completions() {
        return ChatFixtures.list("completions").stream();
    }

    static Stream<String> requests() {
        return ChatFixtures.list("requests").stream();
    }

    static Stream<Arguments> streamLines() {
        return ChatFixtures.list("streams").stream()
                .flatMap(file -> ChatFixtures.sseData(file).stream().map(line -> Arguments.of(file, line)));
    }

    static Stream<String> objectErrors() {
        return Stream.of("errors/openai.json", "errors/openrouter-numeric-code.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunks")
    void chunkRoundTrips(String fixture) throws Exception {
        String json = ChatFixtures.text(fixture);
        ChatChunk chunk = OrsJson.read(json, ChatChunk.class);
        ChatFixtures.assertSameJson(ChatFixtures.parse(json), chunk);
        assertThat(OrsJson.read(OrsJson.write(chunk), ChatChunk.class)).isEqualTo(chunk);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("streamLines")
    void streamChunkRoundTrips(String fixture, String line) throws Exception {
        ChatChunk chunk = OrsJson.read(line, ChatChunk.class);
        ChatFixtures.assertSameJson(ChatFixtures.parse(line), chunk);
        assertThat(OrsJson.read(OrsJson.write(chunk), ChatChunk.class)).isEqualTo(chunk);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("completions")
    void completionRoundTrips(String fixture) throws Exception {
        String json = ChatFixtures.text(fixture);
        ChatCompletion completion = OrsJson.read(json, ChatCompletion.class);
        ChatFixtures.assertSameJson(ChatFixtures.parse(json), completion);
        assertThat(OrsJson.read(OrsJson.write(completion), ChatCompletion.class))
                .isEqualTo(completion);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void requestRoundTrips(String fixture) throws Exception {
        String json = ChatFixtures.text(fixture);
        ChatCompletionRequest request = OrsJson.read(json, ChatCompletionRequest.class);
        ChatFixtures.assertSameJson(ChatFixtures.parse(json), request);
        assertThat(OrsJson.read(OrsJson.write(request), ChatCompletionRequest.class))
                .isEqualTo(request);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objectErrors")
    void errorObjectRoundTrips(String fixture) throws Exception {
        JsonNode inner = ChatFixtures.tree(fixture).get("error");
        ChatError error = OrsJson.mapper().treeToValue(inner, ChatError.class);
        ChatFixtures.assertSameJson(inner, error);
        assertThat(ChatError.fromBody(ChatFixtures.tree(fixture))).contains(error);
    }
}
