package dev.orsgateway.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.orsgateway.core.model.ResponseEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encodes {@link ResponseEvent}s as server-sent-event frames, {@code event: <type>\ndata: <json>\n\n} (LF only, the
 * JSON compact and on one line), appended to one reusable byte buffer: write several frames, hand the buffer to the
 * output once, {@link #clear()} it, and go on. The JSON is byte for byte what {@link OrsJson#writeBytes} writes for
 * the same event.
 *
 * <p>The frequent delta events ({@code response.output_text.delta}, {@code response.function_call_arguments.delta},
 * the reasoning, reasoning summary and refusal deltas) are written field by field with Jackson's streaming generator;
 * every other event (including the lifecycle events that carry the whole response) goes through {@link
 * OrsJson#mapper()} into the same generator. Nothing is serialized into an intermediate array.
 *
 * <p>Not thread-safe: one encoder per stream, used by one thread at a time. It holds Jackson's output buffer (8 KB,
 * from Jackson's recycler) until {@link #close()}.
 */
public final class SseEncoder implements AutoCloseable {
    /** Buffers that grew past this for one large event are dropped by {@link #clear()}. */
    private static final int KEPT_CAPACITY = 16 * 1024;

    private static final int INITIAL_CAPACITY = 1024;
    private static final int MAX_CACHED_PREFIXES = 256;
    private static final Map<String, SerializableString> PREFIXES = new ConcurrentHashMap<>();
    private static final SerializableString END = new SerializedString("\n\n");

    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString SEQUENCE_NUMBER = new SerializedString("sequence_number");
    private static final SerializableString ITEM_ID = new SerializedString("item_id");
    private static final SerializableString OUTPUT_INDEX = new SerializedString("output_index");
    private static final SerializableString CONTENT_INDEX = new SerializedString("content_index");
    private static final SerializableString SUMMARY_INDEX = new SerializedString("summary_index");
    private static final SerializableString DELTA = new SerializedString("delta");
    private static final SerializableString LOGPROBS = new SerializedString("logprobs");
    private static final SerializableString OBFUSCATION = new SerializedString("obfuscation");

    private final Buffer buffer = new Buffer();
    private JsonGenerator generator;

    /** An empty encoder. */
    public SseEncoder() {}

    /** The frame of one event, as a new array: for one-off use; streams should reuse an encoder. */
    public static byte[] frame(ResponseEvent event) {
        try (SseEncoder encoder = new SseEncoder()) {
            return encoder.event(event).toByteArray();
        }
    }

    /**
     * Appends the frame of {@code event}. If it cannot be serialized (an {@link UncheckedIOException} wrapping
     * Jackson's), nothing is appended.
     */
    public SseEncoder event(ResponseEvent event) {
        JsonGenerator g = generator();
        int mark = size();
        try {
            g.writeRaw(prefix(event.type()));
            if (!writeDelta(g, event)) {
                OrsJson.mapper().writeValue(g, event);
            }
            g.writeRaw(END);
        } catch (IOException | RuntimeException e) {
            discardGenerator();
            buffer.size = mark;
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
        return this;
    }

    /** Appends {@code bytes} as they are: a comment ({@code : keep-alive\n\n}), {@code data: [DONE]\n\n}. */
    public SseEncoder raw(byte[] bytes) {
        sync();
        buffer.write(bytes, 0, bytes.length);
        return this;
    }

    /** How many bytes are buffered. */
    public int size() {
        sync();
        return buffer.size;
    }

    /** Whether nothing is buffered. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The buffer itself, valid in {@code [0, size())} until the next call that changes the encoder. An output that
     * keeps a reference (a non-blocking servlet write) must be done with it before then.
     */
    public byte[] array() {
        sync();
        return buffer.bytes;
    }

    /** A copy of the buffered bytes. */
    public byte[] toByteArray() {
        sync();
        return Arrays.copyOf(buffer.bytes, buffer.size);
    }

    /** Writes the buffered bytes to {@code out} (one {@code write} call); does not clear them. */
    public void writeTo(OutputStream out) throws IOException {
        sync();
        out.write(buffer.bytes, 0, buffer.size);
    }

    /** Empties the buffer; a buffer that one large event made large is given back to the heap. */
    public void clear() {
        sync();
        buffer.size = 0;
        if (buffer.bytes.length > KEPT_CAPACITY) {
            buffer.bytes = new byte[INITIAL_CAPACITY];
        }
    }

    /** Releases Jackson's buffers; the encoder can still be used (it takes new ones) and keeps its contents. */
    @Override
    public void close() {
        if (generator != null) {
            sync();
            JsonGenerator g = generator;
            generator = null;
            try {
                g.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen: the buffer does no I/O
            }
        }
    }

    private JsonGenerator generator() {
        if (generator == null) {
            try {
                generator = OrsJson.mapper().getFactory().createGenerator(buffer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Frames follow each other with nothing between them; Jackson would put a space between root values.
            generator.setRootValueSeparator(null);
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
        }
        return generator;
    }

    private void discardGenerator() {
        JsonGenerator g = generator;
        generator = null;
        try {
            g.close();
        } catch (IOException | RuntimeException e) {
            // Broken by the failure that brought us here; its output is cut off anyway.
        }
    }

    /** Moves what the generator holds into the buffer. */
    private void sync() {
        if (generator != null) {
            try {
                generator.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen: the buffer does no I/O
            }
        }
    }

    private static SerializableString prefix(String type) {
        SerializableString cached = type == null ? null : PREFIXES.get(type);
        if (cached != null) {
            return cached;
        }
        String name = type == null ? "message" : type.replace('\n', ' ').replace('\r', ' ');
        SerializableString prefix = new SerializedString("event: " + name + "\ndata: ");
        if (type != null && PREFIXES.size() < MAX_CACHED_PREFIXES) {
            PREFIXES.putIfAbsent(type, prefix); // bounded: unknown types come from upstreams
        }
        return prefix;
    }

    /** Writes the frequent deltas field by field; false for every other event, which the mapper writes. */
    private static boolean writeDelta(JsonGenerator g, ResponseEvent event) throws IOException {
        if (event instanceof ResponseEvent.OutputTextDelta e) {
            if (!e.extra().isEmpty() || (e.logprobs() != null && !e.logprobs().isEmpty())) {
                return false;
            }
            start(g, e.type(), e.sequenceNumber(), e.itemId(), e.outputIndex());
            g.writeFieldName(CONTENT_INDEX);
            g.writeNumber(e.contentIndex());
            string(g, DELTA, e.delta());
            emptyList(g, LOGPROBS, e.logprobs());
            string(g, OBFUSCATION, e.obfuscation());
        } else if (event instanceof ResponseEvent.FunctionCallArgumentsDelta e) {
            if (!e.extra().isEmpty()) {
                return false;
            }
            start(g, e.type(), e.sequenceNumber(), e.itemId(), e.outputIndex());
            string(g, DELTA, e.delta());
            string(g, OBFUSCATION, e.obfuscation());
        } else if (event instanceof ResponseEvent.ReasoningDelta e) {
            if (!e.extra().isEmpty()) {
                return false;
            }
            start(g, e.type(), e.sequenceNumber(), e.itemId(), e.outputIndex());
            g.writeFieldName(CONTENT_INDEX);
            g.writeNumber(e.contentIndex());
            string(g, DELTA, e.delta());
            string(g, OBFUSCATION, e.obfuscation());
        } else if (event instanceof ResponseEvent.ReasoningSummaryTextDelta e) {
            if (!e.extra().isEmpty()) {
                return false;
            }
            start(g, e.type(), e.sequenceNumber(), e.itemId(), e.outputIndex());
            g.writeFieldName(SUMMARY_INDEX);
            g.writeNumber(e.summaryIndex());
            string(g, DELTA, e.delta());
            string(g, OBFUSCATION, e.obfuscation());
        } else if (event instanceof ResponseEvent.RefusalDelta e) {
            if (!e.extra().isEmpty()) {
                return false;
            }
            start(g, e.type(), e.sequenceNumber(), e.itemId(), e.outputIndex());
            g.writeFieldName(CONTENT_INDEX);
            g.writeNumber(e.contentIndex());
            string(g, DELTA, e.delta());
        } else {
            return false;
        }
        g.writeEndObject();
        return true;
    }

    private static void start(JsonGenerator g, String type, long sequenceNumber, String itemId, int outputIndex)
            throws IOException {
        g.writeStartObject();
        g.writeFieldName(TYPE);
        g.writeString(type);
        g.writeFieldName(SEQUENCE_NUMBER);
        g.writeNumber(sequenceNumber);
        string(g, ITEM_ID, itemId);
        g.writeFieldName(OUTPUT_INDEX);
        g.writeNumber(outputIndex);
    }

    /** A string field; absent when null, as the mapper's NON_NULL inclusion has it. */
    private static void string(JsonGenerator g, SerializableString name, String value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            g.writeString(value);
        }
    }

    private static void emptyList(JsonGenerator g, SerializableString name, List<?> value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            g.writeStartArray(value, 0);
            g.writeEndArray();
        }
    }

    /** A growable byte array: {@link java.io.ByteArrayOutputStream} without its locks and its copies. */
    private static final class Buffer extends OutputStream {
        byte[] bytes = new byte[INITIAL_CAPACITY];
        int size;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        private void ensure(int more) {
            int needed = size + more;
            if (needed > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
            }
        }
    }
}
