package dev.orsgateway.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Loads the recorded-style fixtures under {@code fixtures/chat} and compares JSON trees. */
final class ChatFixtures {

    static final String ROOT = "/fixtures/chat/";

    private ChatFixtures() {}

    /** The text of a fixture, by path relative to {@code fixtures/chat}. */
    static String text(String relative) {
        try (InputStream in = ChatFixtures.class.getResourceAsStream(ROOT + relative)) {
            assertThat(in).as("fixture %s", relative).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture as a JSON tree. */
    static JsonNode tree(String relative) {
        return parse(text(relative));
    }

    static JsonNode parse(String json) {
        try {
            return OrsJson.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture files in a folder, as paths relative to {@code fixtures/chat}, sorted. */
    static List<String> list(String folder) {
        URL url = ChatFixtures.class.getResource(ROOT + folder);
        assertThat(url).as("fixture folder %s", folder).isNotNull();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(p -> folder + "/" + p.getFileName()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON payloads of the {@code data:} lines of an SSE recording, without the {@code [DONE]} sentinel. */
    static List<String> sseData(String relative) {
        List<String> data = new ArrayList<>();
        for (String line : text(relative).split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                data.add(line.substring("data: ".length()));
            }
        }
        return data;
    }

    /**
     * A copy without object fields whose value is JSON {@code null}: the shared mapper writes {@code NON_NULL}, so a
     * named field sent as {@code null} comes back absent, which means the same to every provider.
     */
    static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = OrsJson.mapper().createObjectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!e.getValue().isNull()) {
                    copy.set(e.getKey(), withoutNulls(e.getValue()));
                }
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = OrsJson.mapper().createArrayNode();
            node.forEach(item -> copy.add(withoutNulls(item)));
            return copy;
        }
        return node;
    }

    /** Numbers compare by value ({@code 1} equals {@code 1.0}); everything else by equality. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /** Asserts that writing {@code value} gives {@code expected}, ignoring explicit nulls and number formatting. */
    static void assertSameJson(JsonNode expected, Object value) {
        JsonNode actual = OrsJson.tree(value);
        JsonNode want = withoutNulls(expected);
        JsonNode got = withoutNulls(actual);
        assertThat(got.equals(NUMBERS_BY_VALUE, want))
                .as("round trip%n expected: %s%n   actual: %s", want, got)
                .isTrue();
    }
}
