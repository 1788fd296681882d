package dev.orsgateway.upstream.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.orsgateway.core.testing.SseGrammar;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import okhttp3.sse.internal.ServerSentEventReader;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;

/**
 * Fuzzes the OkHttp upstream's event-stream reading: {@link LineFeedSource} in front of okhttp-sse's reader, as {@code
 * SseChunkSubscription} reads a body. Properties: it ends (okhttp-sse alone spins forever on some inputs, see {@link
 * LineFeedSource}); the events do not depend on how the network cuts the bytes into reads; and for UTF-8 input they
 * are those of a plain reading of the SSE grammar (the JDK upstream's parser is held to the same reading).
 *
 * <p>Without {@code JAZZER_FUZZ} it replays its corpus ({@code src/test/resources/.../EventStreamFuzzTestInputs}).
 */
class EventStreamFuzzTest {

    record Event(String type, String data) {}

    @FuzzTest(maxDuration = "5m")
    void splitsDoNotChangeEvents(FuzzedDataProvider in) throws IOException {
        int[] cuts = new int[in.consumeInt(0, 16)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = in.consumeInt(0, Integer.MAX_VALUE);
        }
        byte[] bytes = in.consumeRemainingAsBytes();
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = bytes.length == 0 ? 0 : cuts[i] % (bytes.length + 1);
        }
        Arrays.sort(cuts);

        List<Event> whole = read(bytes, new int[0]);
        assertThat(read(bytes, cuts)).isEqualTo(whole);
        if (bytes.length <= 256) {
            int[] everyByte = new int[bytes.length];
            for (int i = 0; i < everyByte.length; i++) {
                everyByte[i] = i;
            }
            assertThat(read(bytes, everyByte)).isEqualTo(whole);
        }
        if (isUtf8(bytes)) {
            assertThat(whole).isEqualTo(reference(bytes));
        }
    }

    private static List<Event> read(byte[] bytes, int[] cuts) throws IOException {
        List<Event> events = new ArrayList<>();
        ServerSentEventReader.Callback callback = new ServerSentEventReader.Callback() {
            @Override
            public void onEvent(String id, String type, String data) {
                events.add(new Event(type, data));
            }

            @Override
            public void onRetryChange(long timeMs) {}
        };
        try (BufferedSource source = Okio.buffer(new LineFeedSource(pieces(bytes, cuts)))) {
            ServerSentEventReader reader = new ServerSentEventReader(source, callback);
            int rounds = 0;
            while (reader.processNextEvent()) {
                assertThat(++rounds).as("the reader ends").isLessThanOrEqualTo(bytes.length + 1);
            }
        }
        return events;
    }

    /** A source that hands out the bytes between the cuts one read at a time, as a network would. */
    private static Source pieces(byte[] bytes, int[] cuts) {
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            if (to > from) {
                pieces.add(Arrays.copyOfRange(bytes, from, to));
                from = to;
            }
        }
        return new Source() {
            private int next;
            private int offset; // within pieces.get(next), when a read asked for less than the piece

            @Override
            public long read(Buffer sink, long byteCount) {
                if (next == pieces.size()) {
                    return -1;
                }
                byte[] piece = pieces.get(next);
                int length = (int) Math.min(piece.length - offset, byteCount);
                sink.write(piece, offset, length);
                offset += length;
                if (offset == piece.length) {
                    next++;
                    offset = 0;
                }
                return length;
            }

            @Override
            public Timeout timeout() {
                return Timeout.NONE;
            }

            @Override
            public void close() {}
        };
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * The reference reading of {@code bytes} ({@link SseGrammar}) as okhttp-sse reports it: text data, and an empty
     * event type as none at all (both mean the default type).
     */
    private static List<Event> reference(byte[] bytes) {
        return SseGrammar.events(bytes).stream()
                .map(event ->
                        new Event(event.type() == null || event.type().isEmpty() ? null : event.type(), event.text()))
                .toList();
    }
}
