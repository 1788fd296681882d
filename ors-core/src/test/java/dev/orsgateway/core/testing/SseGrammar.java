package dev.orsgateway.core.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The HTML standard's event-stream interpretation, written plainly over a whole input at once: the reference the
 * transports' incremental SSE readers are fuzzed against.
 */
public final class SseGrammar {
    private SseGrammar() {}

    /**
     * One dispatched event.
     *
     * @param type the last {@code event} field's value, or null when there was none
     * @param data the {@code data} fields' values joined by {@code \n}
     */
    public record Event(String type, byte[] data) {
        /** The data as UTF-8 text. */
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Event e && Objects.equals(type, e.type) && Arrays.equals(data, e.data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Event[type=" + type + ", data=" + text() + "]";
        }
    }

    /** The events of {@code bytes}; an unterminated last line, and an event it would end, are not dispatched. */
    public static List<Event> events(byte[] bytes) {
        int start =
                bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF
                        ? 3
                        : 0;
        List<Event> events = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        boolean hasData = false;
        String type = null;
        int i = start;
        while (i < bytes.length) {
            int end = i;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            if (end == bytes.length) {
                break; // an unterminated last line is not a line
            }
            byte[] line = Arrays.copyOfRange(bytes, i, end);
            i = end + (bytes[end] == '\r' && end + 1 < bytes.length && bytes[end + 1] == '\n' ? 2 : 1);
            if (line.length == 0) {
                if (hasData) {
                    byte[] d = data.toByteArray();
                    events.add(new Event(type, Arrays.copyOf(d, d.length - 1)));
                }
                data.reset();
                hasData = false;
                type = null;
                continue;
            }
            if (line[0] == ':') {
                continue;
            }
            int colon = 0;
            while (colon < line.length && line[colon] != ':') {
                colon++;
            }
            String field = new String(line, 0, colon, StandardCharsets.ISO_8859_1);
            int valueStart = Math.min(line.length, colon + 1);
            if (valueStart < line.length && line[valueStart] == ' ') {
                valueStart++;
            }
            if (field.equals("data")) {
                data.write(line, valueStart, line.length - valueStart);
                data.write('\n');
                hasData = true;
            } else if (field.equals("event")) {
                type = new String(line, valueStart, line.length - valueStart, StandardCharsets.UTF_8);
            }
        }
        return events;
    }
}
