package dev.orsgateway.upstream.okhttp.internal;

import java.io.IOException;
import okio.Buffer;
import okio.ByteString;
import okio.Source;
import okio.Timeout;

/**
 * Rewrites an event stream's line endings ({@code \r\n}, {@code \r}, {@code \n}, all allowed by the SSE grammar) to
 * {@code \n}, and ends a last line that has no line ending.
 *
 * <p>Why: okhttp-sse 5.5.1's reader tells {@code \r} from {@code \r\n} by looking ahead. A lone {@code \r} therefore
 * holds its event back until the next byte arrives, and a body that ends in a lone {@code \r} (bare-CR framing, or a
 * CRLF stream cut between the two bytes) makes {@code ServerSentEventReader.processNextEvent} spin at 100% CPU forever:
 * at end of input its "skip this line" branch finds the {@code \r}, skips nothing, and starts over; a cancel cannot
 * stop it because it no longer reads. Seen here with a MockWebServer body {@code "data: x\r\r"}. With only {@code \n} in
 * its input the reader never needs to look ahead. Ending the last line keeps a final unterminated field from failing
 * with an {@code IllegalArgumentException}; the SSE rule that an event without its blank line is dropped still holds.
 * It also drops a leading byte order mark, which the SSE grammar allows and okhttp-sse would read as part of the first
 * field's name (losing the first event).
 *
 * <p>It also fails the read (an {@link IOException}, so the stream ends as broken) once a line passes {@link
 * #MAX_LINE_BYTES}: okhttp-sse reads a line whole, so an upstream that never ends one would otherwise fill the heap.
 */
final class LineFeedSource implements Source {

    /** The longest line passed on: 64 MiB, the longest string the JSON mapper reads. */
    static final long MAX_LINE_BYTES = 64L * 1024 * 1024;

    private static final ByteString BOM = ByteString.of((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);

    private final Source delegate;
    private final Runnable onLine;
    private final Buffer raw = new Buffer();
    private boolean afterCr; // the last byte passed on was a \r, rewritten to \n: a \n right after it is dropped
    private boolean lineOpen; // bytes have been passed on since the last line ending
    private boolean exhausted;
    private boolean started; // past a possible byte order mark
    private boolean lineEnded; // a line ending was passed on since onLine last ran
    private final long maxLineBytes;
    private long lineBytes; // bytes passed on since the last line ending

    LineFeedSource(Source delegate) {
        this(delegate, () -> {}, MAX_LINE_BYTES);
    }

    /** A source that also runs {@code onLine} after each read that passes on the end of a line. */
    LineFeedSource(Source delegate, Runnable onLine) {
        this(delegate, onLine, MAX_LINE_BYTES);
    }

    LineFeedSource(Source delegate, long maxLineBytes) {
        this(delegate, () -> {}, maxLineBytes);
    }

    LineFeedSource(Source delegate, Runnable onLine, long maxLineBytes) {
        this.delegate = delegate;
        this.onLine = onLine;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public long read(Buffer sink, long byteCount) throws IOException {
        if (exhausted) {
            return -1;
        }
        while (true) {
            long read = delegate.read(raw, byteCount);
            if (!started && read != -1 && raw.size() < BOM.size()) {
                continue; // too few bytes to tell a byte order mark yet
            }
            if (!started) {
                started = true;
                if (raw.rangeEquals(0, BOM)) {
                    raw.skip(BOM.size());
                }
            }
            if (read == -1) {
                long rest = rewrite(sink); // bytes held back while looking for a byte order mark
                if (rest > 0) {
                    return rest;
                }
                exhausted = true;
                if (lineOpen) {
                    lineOpen = false;
                    sink.writeByte('\n');
                    return 1;
                }
                return -1;
            }
            long written = rewrite(sink);
            if (written > 0) {
                if (lineEnded) {
                    lineEnded = false;
                    onLine.run();
                }
                return written;
            }
            // Only a \n that completed a \r\n arrived: read on rather than report zero bytes.
        }
    }

    private long rewrite(Buffer sink) throws IOException {
        long written = 0;
        while (!raw.exhausted()) {
            if (afterCr) {
                afterCr = false;
                if (raw.getByte(0) == '\n') {
                    raw.skip(1);
                    continue;
                }
            }
            long cr = raw.indexOf((byte) '\r');
            long plain = cr == -1 ? raw.size() : cr;
            if (plain > 0) {
                countLine(plain);
                lineOpen = raw.getByte(plain - 1) != '\n';
                sink.write(raw, plain);
                written += plain;
            }
            if (cr != -1) {
                raw.skip(1);
                sink.writeByte('\n');
                written++;
                lineEnded = true;
                afterCr = true;
                lineOpen = false;
                lineBytes = 0;
            }
        }
        return written;
    }

    /**
     * Counts the first {@code length} bytes of {@code raw} into the open line's length, failing past the bound, and
     * notes whether a line ended among them.
     */
    private void countLine(long length) throws IOException {
        long lastLf = -1;
        for (long lf = raw.indexOf((byte) '\n', 0, length); lf != -1; lf = raw.indexOf((byte) '\n', lf + 1, length)) {
            lastLf = lf;
        }
        if (lastLf != -1) {
            lineEnded = true;
        }
        lineBytes = lastLf == -1 ? lineBytes + length : length - lastLf - 1;
        if (lineBytes > maxLineBytes) {
            throw new IOException("the upstream sent an event-stream line longer than " + maxLineBytes + " bytes");
        }
    }

    @Override
    public Timeout timeout() {
        return delegate.timeout();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
