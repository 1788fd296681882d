package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Test support: requests are parsed from JSON as clients send them, translated through
 * {@link ChatTranscoder#toChatRequest}, written with {@link OrsJson#mapper()} and compared as JSON trees.
 */
final class Translation {
    private Translation() {}

    /** The request, parsed as the gateway parses a client's body. */
    static CreateResponseRequest request(String json) {
        try {
            return OrsJson.mapper().readValue(json, CreateResponseRequest.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Items as a store replays them (the output and input items of earlier responses). */
    static List<Item> items(String json) {
        try {
            return OrsJson.mapper().readValue(json, new TypeReference<List<Item>>() {});
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(String json) {
        try {
            return OrsJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture under {@code requests/}. */
    static String fixture(String name) {
        try (InputStream in = Translation.class.getResourceAsStream("/requests/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ChatCompletionRequest translate(TranscoderOptions options, String requestJson, List<Item> history) {
        return ChatTranscoder.create(options).toChatRequest(request(requestJson), history);
    }

    /** The chat request JSON as it would go upstream, re-read so numbers compare as they would on the wire. */
    static JsonNode chatJson(TranscoderOptions options, String requestJson, List<Item> history) {
        return tree(OrsJson.write(translate(options, requestJson, history)));
    }

    static void assertChat(String requestJson, String expectedChatJson) {
        assertChat(TranscoderOptions.DEFAULT, requestJson, List.of(), expectedChatJson);
    }

    static void assertChat(TranscoderOptions options, String requestJson, String expectedChatJson) {
        assertChat(options, requestJson, List.of(), expectedChatJson);
    }

    static void assertChat(TranscoderOptions options, String requestJson, List<Item> history, String expectedChatJson) {
        assertThat(chatJson(options, requestJson, history)).isEqualTo(tree(expectedChatJson));
    }

    static OrsException rejection(TranscoderOptions options, String requestJson, List<Item> history) {
        OrsException e = catchThrowableOfType(OrsException.class, () -> translate(options, requestJson, history));
        assertThat(e).as("expected a rejection of %s", requestJson).isNotNull();
        return e;
    }

    static void assertRejected(String requestJson, String param, String code, String... mentions) {
        assertRejected(TranscoderOptions.DEFAULT, requestJson, List.of(), param, code, mentions);
    }

    static void assertRejected(
            TranscoderOptions options,
            String requestJson,
            List<Item> history,
            String param,
            String code,
            String... mentions) {
        OrsException e = rejection(options, requestJson, history);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.error().type()).isEqualTo("invalid_request");
        assertThat(e.error().param()).as("param of: %s", e.getMessage()).isEqualTo(param);
        assertThat(e.error().code()).as("code of: %s", e.getMessage()).isEqualTo(code);
        assertThat(e.getMessage()).contains(mentions);
    }
}
