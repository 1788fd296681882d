package dev.orsgateway.upstream.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineFeedSourceTest {

    /** A source that hands out the given pieces one read at a time, as a network would. */
    private static Source pieces(String... pieces) {
        List<String> list = List.of(pieces);
        return new Source() {
            private int next;

            @Override
            public long read(Buffer sink, long byteCount) {
                if (next == list.size()) {
                    return -1;
                }
                String piece = list.get(next++);
                sink.writeUtf8(piece);
                return piece.length();
            }

            @Override
            public Timeout timeout() {
                return Timeout.NONE;
            }

            @Override
            public void close() {}
        };
    }

    private static String read(String... pieces) throws IOException {
        try (BufferedSource source = Okio.buffer(new LineFeedSource(pieces(pieces)))) {
            return source.readUtf8();
        }
    }

    @Test
    void rewritesEveryLineEndingToLineFeed() throws IOException {
        assertThat(read("a\r\nb\rc\nd\r\n\r\n")).isEqualTo("a\nb\nc\nd\n\n");
    }

    @Test
    void crLfSplitAcrossReadsIsOneLineEnding() throws IOException {
        assertThat(read("data: x\r", "\n\r", "\ndata: y\r", "\r")).isEqualTo("data: x\n\ndata: y\n\n");
    }

    @Test
    void aReadThatIsOnlyTheLineFeedOfACrLfIsSkippedNotReportedAsZeroBytes() throws IOException {
        assertThat(read("a\r", "\n", "b\n")).isEqualTo("a\nb\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"data: [DONE]", "data: {\"partial\":"})
    void endsAnUnterminatedLastLine(String last) throws IOException {
        assertThat(read("data: 1\n\n", last)).isEqualTo("data: 1\n\n" + last + "\n");
    }

    @Test
    void leavesAnEmptyBodyEmpty() throws IOException {
        assertThat(read()).isEmpty();
        assertThat(read("")).isEmpty();
    }

    @Test
    void aLineThatNeverEndsFailsTheReadAtTheBound() {
        String piece = "x".repeat(100);
        String[] pieces = new String[20];
        java.util.Arrays.fill(pieces, piece);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                    try (BufferedSource source = Okio.buffer(new LineFeedSource(pieces(pieces), 1024))) {
                        source.readUtf8();
                    }
                })
                .isInstanceOf(IOException.class)
                .hasMessageContaining("1024");
    }

    @Test
    void linesAtTheBoundPassWhateverTheirEndings() throws IOException {
        String line = "y".repeat(1024);
        try (BufferedSource source = Okio.buffer(new LineFeedSource(
                pieces(line + "\n" + line.substring(10), line.substring(0, 10) + "\r\n" + line), 1024))) {
            assertThat(source.readUtf8())
                    .isEqualTo(line + "\n" + line.substring(10) + line.substring(0, 10) + "\n" + line + "\n");
        }
    }
}
