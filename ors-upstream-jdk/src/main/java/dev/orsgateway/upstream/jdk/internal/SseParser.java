package dev.orsgateway.upstream.jdk.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent Events parser over {@link ByteBuffer}s, as the HTML standard defines the format: lines end
 * in CRLF, LF or CR (a CRLF split between two buffers counts once), a leading byte order mark is skipped, {@code :}
 * starts a comment, {@code data} lines of one event are joined with LF, an empty line dispatches the event (if it has
 * data), {@code event} names its type, and other fields ({@code id}, {@code retry}, unknown ones) are ignored. An event
 * without its closing empty line at the end of input is dropped.
 *
 * <p>It copies each line's bytes once into a reused line buffer and each data value once into a reused data buffer, and
 * builds no {@code String} per line: {@link #data()} hands the bytes to the JSON parser as they are. It stops after each
 * event, so the caller parses only as many events as it has room for.
 *
 * <p>A line or an event's data over {@link #MAX_EVENT_BYTES} ends the parse with {@link EventTooLarge}: an upstream
 * that never ends a line must not grow the buffers until the heap is gone.
 *
 * <p>Not thread-safe: one stream, one thread at a time.
 */
public final class SseParser {

    /** The longest line, and the most data of one event: 64 MiB, the longest string the JSON mapper reads. */
    public static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private byte[] line = new byte[512];
    private int lineLength;
    private byte[] data = new byte[1024];
    private int dataLength;
    private boolean hasData;
    private String eventType;
    private boolean dispatched;
    private boolean afterCr;
    private int bomMatched; // bytes of a leading BOM seen so far; -1 once past the start of the stream
    private long lines;
    private final int maxEventBytes;

    /** A parser with the {@link #MAX_EVENT_BYTES} bound. */
    public SseParser() {
        this(MAX_EVENT_BYTES);
    }

    /** A parser whose lines and events may hold at most {@code maxEventBytes}. */
    SseParser(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Reads from {@code buffer} until one event is complete, or the buffer is exhausted.
     *
     * @param buffer the next bytes of the stream; its position advances past what was consumed
     * @return {@code true} when an event is ready ({@link #data()}, {@link #dataLength()}, {@link #eventType()} describe
     *     it until the next call); {@code false} when the buffer is exhausted without completing one
     * @throws EventTooLarge when a line or an event's data exceeds the bound; the stream cannot be read further
     */
    public boolean next(ByteBuffer buffer) {
        if (dispatched) {
            dispatched = false;
            dataLength = 0;
            eventType = null;
        }
        while (buffer.hasRemaining()) {
            if (bomMatched >= 0 && skipBom(buffer)) {
                continue;
            }
            int position = buffer.position();
            if (afterCr) {
                afterCr = false;
                if (buffer.get(position) == '\n') {
                    buffer.position(position + 1);
                    continue;
                }
            }
            int limit = buffer.limit();
            int end = lineEnd(buffer, position, limit);
            appendLine(buffer, position, end - position);
            if (end == limit) {
                buffer.position(limit);
                return false;
            }
            afterCr = buffer.get(end) == '\r';
            buffer.position(end + 1);
            lines++;
            if (endLine()) {
                dispatched = true;
                return true;
            }
        }
        return false;
    }

    /** @return the data buffer of the last event (valid up to {@link #dataLength()} until the next call) */
    public byte[] data() {
        return data;
    }

    /** @return the length of the last event's data, its lines joined with LF */
    public int dataLength() {
        return dataLength;
    }

    /** @return the last event's {@code event} field, or {@code null} */
    public String eventType() {
        return eventType;
    }

    /** @return how many lines (comments and blank lines included) have been completed so far */
    public long lines() {
        return lines;
    }

    /** @return whether bytes of an unfinished line or event are held */
    public boolean hasPartialEvent() {
        return lineLength > 0 || hasData;
    }

    private static int lineEnd(ByteBuffer buffer, int from, int limit) {
        if (buffer.hasArray()) {
            byte[] array = buffer.array();
            int offset = buffer.arrayOffset();
            for (int i = from + offset, end = limit + offset; i < end; i++) {
                byte b = array[i];
                if (b == '\n' || b == '\r') {
                    return i - offset;
                }
            }
            return limit;
        }
        for (int i = from; i < limit; i++) {
            byte b = buffer.get(i);
            if (b == '\n' || b == '\r') {
                return i;
            }
        }
        return limit;
    }

    private boolean skipBom(ByteBuffer buffer) {
        byte b = buffer.get(buffer.position());
        if (b == BOM[bomMatched]) {
            buffer.position(buffer.position() + 1);
            bomMatched = bomMatched == BOM.length - 1 ? -1 : bomMatched + 1;
            return true;
        }
        // Not a BOM after all: what matched so far is the start of the first line.
        for (int i = 0; i < bomMatched; i++) {
            appendLine(ByteBuffer.wrap(BOM), i, 1);
        }
        bomMatched = -1;
        return false;
    }

    private void appendLine(ByteBuffer buffer, int from, int length) {
        if (length == 0) {
            return;
        }
        if (lineLength + length > maxEventBytes) {
            throw new EventTooLarge("an event-stream line longer than " + maxEventBytes + " bytes");
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.min(maxEventBytes, Math.max(line.length * 2, lineLength + length)));
        }
        buffer.get(from, line, lineLength, length);
        lineLength += length;
    }

    /** Interprets the complete line in the line buffer; returns whether it dispatched an event. */
    private boolean endLine() {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            if (!hasData) {
                eventType = null; // an event without data is not dispatched (and resets the type)
                return false;
            }
            hasData = false;
            dataLength--; // the LF after the last data line
            return true;
        }
        if (line[0] == ':') {
            return false; // a comment: keep-alives, OpenRouter's ": OPENROUTER PROCESSING"
        }
        int colon = 0;
        while (colon < length && line[colon] != ':') {
            colon++;
        }
        int valueStart = colon < length ? colon + 1 : length;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        if (is(DATA, colon)) {
            appendData(valueStart, length - valueStart);
        } else if (is(EVENT, colon)) {
            eventType = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        }
        return false;
    }

    private boolean is(byte[] name, int length) {
        if (length != name.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (line[i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private void appendData(int from, int length) {
        if (dataLength + length + 1 > maxEventBytes) {
            throw new EventTooLarge("an event-stream event with more than " + maxEventBytes + " bytes of data");
        }
        if (dataLength + length + 1 > data.length) {
            data = Arrays.copyOf(data, Math.min(maxEventBytes, Math.max(data.length * 2, dataLength + length + 1)));
        }
        System.arraycopy(line, from, data, dataLength, length);
        dataLength += length;
        data[dataLength++] = '\n';
        hasData = true;
    }

    /** A line or an event over the parser's bound. */
    public static final class EventTooLarge extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        EventTooLarge(String message) {
            super(message);
        }
    }
}
