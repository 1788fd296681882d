package dev.orsgateway.upstream.jdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatChunkReader;
import dev.orsgateway.core.upstream.ChatPayloads;
import dev.orsgateway.core.upstream.Redactor;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the JDK upstream's event-stream parser and the chunk decoding behind it. Properties: the events of a byte
 * stream do not depend on how it is cut into buffers (any split, heap or direct buffers), they are those of a plain
 * reading of the SSE grammar, and every event's data decodes to the same chunk through the stream's fast reader and
 * through the mapper, or fails the same way, only ever with an {@link OrsException}.
 *
 * <p>Without {@code JAZZER_FUZZ} it replays its corpus ({@code src/test/resources/.../SseParserFuzzTestInputs}); the
 * README's "Fuzzing" section has the command that fuzzes.
 */
class SseParserFuzzTest {

    private static final ChatPayloads PAYLOADS = new ChatPayloads(new UpstreamErrors("fuzz", new Redactor(List.of())));

    record Event(String type, byte[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Event e && java.util.Objects.equals(type, e.type) && Arrays.equals(data, e.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return type + ":" + new String(data, StandardCharsets.UTF_8);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void splitsDoNotChangeEvents(FuzzedDataProvider in) {
        boolean direct = in.consumeBoolean();
        int[] cuts = new int[in.consumeInt(0, 16)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = in.consumeInt(0, Integer.MAX_VALUE);
        }
        byte[] bytes = in.consumeRemainingAsBytes();
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = bytes.length == 0 ? 0 : cuts[i] % (bytes.length + 1);
        }
        Arrays.sort(cuts);

        List<Event> whole = parse(bytes, new int[0], false);
        assertThat(parse(bytes, cuts, direct)).isEqualTo(whole);
        assertThat(whole).isEqualTo(reference(bytes));
        if (bytes.length <= 256) {
            int[] everyByte = new int[bytes.length];
            for (int i = 0; i < everyByte.length; i++) {
                everyByte[i] = i;
            }
            assertThat(parse(bytes, everyByte, !direct)).isEqualTo(whole);
        }
        ChatChunkReader reader = new ChatChunkReader();
        for (Event event : whole) {
            decodeBothWays(event, reader);
        }
    }

    private static void decodeBothWays(Event event, ChatChunkReader reader) {
        ChatChunk fast = null;
        ChatChunk mapped = null;
        OrsException fastError = null;
        OrsException mappedError = null;
        try {
            fast = PAYLOADS.chunk(event.type(), event.data(), 0, event.data().length, reader);
        } catch (OrsException e) {
            fastError = e;
        }
        try {
            mapped = PAYLOADS.chunk(event.type(), event.data(), 0, event.data().length);
        } catch (OrsException e) {
            mappedError = e;
        }
        assertThat(fast).as("fast reader vs mapper on %s", event).isEqualTo(mapped);
        assertThat(fastError == null).as("fails alike on %s", event).isEqualTo(mappedError == null);
        if (fastError != null) {
            assertThat(fastError.httpStatus()).isEqualTo(mappedError.httpStatus());
        }
    }

    private static List<Event> parse(byte[] bytes, int[] cuts, boolean direct) {
        SseParser parser = new SseParser();
        List<Event> events = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(to - from) : ByteBuffer.allocate(to - from);
            buffer.put(bytes, from, to - from).flip();
            while (parser.next(buffer)) {
                events.add(new Event(parser.eventType(), Arrays.copyOf(parser.data(), parser.dataLength())));
            }
            assertThat(buffer.hasRemaining()).isFalse();
            from = to;
        }
        return events;
    }

    /** The HTML standard's event-stream interpretation, written plainly over the whole input at once. */
    private static List<Event> reference(byte[] bytes) {
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
