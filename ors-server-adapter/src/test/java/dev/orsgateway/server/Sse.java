package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict reader of an event stream, as the spec and the official compliance suite's parser need it: LF only, each
 * event exactly an {@code event:} line equal to the data's {@code type} and one {@code data:} line, no {@code id:}
 * lines, comments allowed, and {@code data: [DONE]} last.
 */
final class Sse {
    private Sse() {}

    /** The events of a whole stream, each checked against the spec's event schemas. */
    static List<JsonNode> events(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).as("LF line endings only").doesNotContain("\r");
        assertThat(text).as("the stream ends with data: [DONE]").endsWith("data: [DONE]\n\n");
        List<JsonNode> events = new ArrayList<>();
        String[] frames = text.substring(0, text.length() - 2).split("\n\n", -1);
        for (int i = 0; i < frames.length; i++) {
            String frame = frames[i];
            assertThat(frame).as("frame %d is not empty", i).isNotEmpty();
            if (frame.startsWith(":")) {
                assertThat(frame).as("a comment frame").doesNotContain("\n");
                continue;
            }
            if (i == frames.length - 1) {
                assertThat(frame).isEqualTo("data: [DONE]");
                continue;
            }
            String[] lines = frame.split("\n", -1);
            assertThat(lines)
                    .as("frame %d: an event line and one data line: %s", i, frame)
                    .hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            JsonNode data = parse(lines[1].substring("data: ".length()));
            assertThat(data.path("type").asText())
                    .as("event: equals the data's type")
                    .isEqualTo(lines[0].substring("event: ".length()));
            SpecSchemas.assertValidEvent(data);
            events.add(data);
        }
        assertThat(text).as("no id: lines").doesNotContain("\nid:").doesNotStartWith("id:");
        return events;
    }

    /** The text of the {@code output_text} deltas, in order. */
    static String deltaText(List<JsonNode> events) {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : events) {
            if (event.path("type").asText().equals("response.output_text.delta")) {
                text.append(event.path("delta").asText());
            }
        }
        return text.toString();
    }

    /** The types of the events, in order. */
    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    static JsonNode parse(String json) {
        try {
            return OrsJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
