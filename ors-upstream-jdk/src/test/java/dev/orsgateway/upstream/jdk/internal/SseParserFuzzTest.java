package dev.orsgateway.upstream.jdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatChunkReader;
import dev.orsgateway.core.testing.SseGrammar;
import dev.orsgateway.core.testing.SseGrammar.Event;
import dev.orsgateway.core.upstream.ChatPayloads;
import dev.orsgateway.core.upstream.Redactor;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.nio.ByteBuffer;
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
        assertThat(whole).isEqualTo(SseGrammar.events(bytes));
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
}
