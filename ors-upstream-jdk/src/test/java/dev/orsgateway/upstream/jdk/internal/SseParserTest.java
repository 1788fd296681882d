package dev.orsgateway.upstream.jdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.testing.UpstreamFixtures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SseParserTest {

    /** One parsed event: its type and its data as text. */
    record Event(String type, String data) {}

    enum LineEndings {
        LF(s -> s),
        CRLF(s -> s.replace("\n", "\r\n")),
        CR(s -> s.replace("\n", "\r")),
        BOM_AND_MIXED(s -> "\uFEFF" + s.replace("\n\n", "\r\n\r").replace("data: ", ": comment\ndata:"));

        final UnaryOperator<String> apply;

        LineEndings(UnaryOperator<String> apply) {
            this.apply = apply;
        }
    }

    static Stream<Arguments> fixturesAndLineEndings() {
        return UpstreamFixtures.PROVIDER_STREAMS.stream()
                .flatMap(f -> Stream.of(LineEndings.values()).map(e -> Arguments.of(f, e)));
    }

    /** Parses {@code bytes} cut at the given offsets, into buffers of the given kind. */
    private static List<Event> parse(byte[] bytes, int[] cuts, int kind) {
        SseParser parser = new SseParser();
        List<Event> events = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            ByteBuffer buffer = buffer(bytes, from, to - from, kind);
            while (parser.next(buffer)) {
                events.add(new Event(
                        parser.eventType(), new String(parser.data(), 0, parser.dataLength(), StandardCharsets.UTF_8)));
            }
            assertThat(buffer.hasRemaining()).isFalse();
            from = to;
        }
        return events;
    }

    private static ByteBuffer buffer(byte[] bytes, int offset, int length, int kind) {
        switch (kind) {
            case 0:
                return ByteBuffer.wrap(bytes, offset, length).slice();
            case 1:
                return ByteBuffer.wrap(bytes, offset, length).slice().asReadOnlyBuffer();
            default:
                ByteBuffer direct = ByteBuffer.allocateDirect(length);
                direct.put(bytes, offset, length).flip();
                return direct;
        }
    }

    private static int[] randomCuts(Random random, int length) {
        int count = random.nextInt(Math.max(1, length / 4));
        return random.ints(count, 0, length + 1).sorted().toArray();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fixturesAndLineEndings")
    void randomFragmentationOfRecordedStreamsGivesTheSameChunks(String fixture, LineEndings endings) {
        String text = UpstreamFixtures.text(fixture);
        byte[] bytes = endings.apply.apply(text).getBytes(StandardCharsets.UTF_8);
        List<Event> whole = parse(bytes, new int[0], 0);
        List<ChatChunk> chunks = new ArrayList<>();
        for (Event event : whole) {
            if (!event.data().equals("[DONE]")) {
                chunks.add(UpstreamFixtures.chunk(event.data()));
            }
        }
        assertThat(chunks).isNotEmpty().containsExactlyElementsOf(UpstreamFixtures.expectedChunks(text));

        Random random = new Random(fixture.hashCode() * 31L + endings.ordinal());
        for (int round = 0; round < 200; round++) {
            int[] cuts = round == 0 ? everyByte(bytes.length) : randomCuts(random, bytes.length);
            assertThat(parse(bytes, cuts, round % 3)).as("round %d", round).isEqualTo(whole);
        }
    }

    private static int[] everyByte(int length) {
        int[] cuts = new int[length];
        for (int i = 0; i < length; i++) {
            cuts[i] = i;
        }
        return cuts;
    }

    @Test
    void multiLineDataCommentsEventTypesAndFieldsWithoutValues() {
        String stream = ": hello\n\nevent: error\ndata: {\"a\":\ndata:1}\nid: 7\nretry: 10\n\ndata\n\nevent: x\n\n"
                + "data:  two spaces\n\nunknown: field\ndata: last\n\ndata: dropped without a blank line";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);

        List<Event> events = parse(bytes, new int[0], 0);

        assertThat(events)
                .containsExactly(
                        new Event("error", "{\"a\":\n1}"),
                        new Event(null, ""),
                        new Event(null, " two spaces"),
                        new Event(null, "last"));
    }

    @Test
    void crlfSplitBetweenBuffersCountsOnceAndLongLinesGrowTheBuffers() {
        String big = "x".repeat(10_000);
        byte[] bytes = ("data: " + big + "\r\n\r\ndata: b\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        int cr = bytes.length - 4; // between \r and \n of the last blank line

        assertThat(parse(bytes, new int[] {7, 10_007, cr - 1, cr}, 2))
                .containsExactly(new Event(null, big), new Event(null, "b"));
    }

    @Test
    void aLineThatNeverEndsStopsAtTheBound() {
        SseParser parser = new SseParser(1024);
        ByteBuffer piece = ByteBuffer.wrap("x".repeat(100).getBytes(StandardCharsets.US_ASCII));
        assertThat(parser.next(piece.duplicate())).isFalse(); // "data: " never comes: one endless line
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                    for (int i = 0; i < 20; i++) {
                        parser.next(piece.duplicate());
                    }
                })
                .isInstanceOf(SseParser.EventTooLarge.class)
                .hasMessageContaining("1024");
    }

    @Test
    void anEventOfManyLinesStopsAtTheBoundAndOneAtItPasses() {
        String line = "data: " + "y".repeat(99) + "\n"; // 100 bytes of data with its LF
        SseParser fits = new SseParser(1000);
        assertThat(fits.next(ByteBuffer.wrap((line.repeat(10) + "\n").getBytes(StandardCharsets.US_ASCII))))
                .isTrue();
        assertThat(fits.dataLength()).isEqualTo(999);
        SseParser over = new SseParser(1000);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> over.next(ByteBuffer.wrap(line.repeat(11).getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(SseParser.EventTooLarge.class);
    }
}
