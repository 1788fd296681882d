package dev.orsgateway.server.internal;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a request body without blocking, up to a limit: the bytes read so far never exceed the limit by more than one
 * read. A body over it is reported at once (the handler answers 413), and the rest of it is then read and discarded,
 * up to a bound, before the handler hears that the body is gone: a connection closed on unread bytes is reset, and the
 * reset can destroy the 413 before a client that is still sending reads it (Tomcat's {@code maxSwallowSize} exists for
 * the same reason). Container callbacks are serialized, so the buffer needs no locking.
 */
public final class BodyReader implements ReadListener {
    /** What to do with a whole body. */
    @FunctionalInterface
    public interface Handler {
        /** The body is {@code bytes[0, length)}. */
        void body(byte[] bytes, int length);

        /** The body is larger than the limit; the rest is discarded, then {@link #discarded} follows. */
        default void tooLarge() {}

        /**
         * Discarding a body over the limit ended: it was read to its end, it exceeded the discard bound, or reading
         * failed. The connection may now be closed.
         */
        default void discarded() {}

        /** Reading failed (the client left, or sent a broken body). */
        default void failed(Throwable t) {}
    }

    private static final int INITIAL_CAPACITY = 16 * 1024;
    // A declared length is trusted only this far up front; a slow sender must not reserve the whole limit at once.
    private static final int MAX_INITIAL_CAPACITY = 1024 * 1024;

    private static final int DISCARD_BUFFER = 8 * 1024;

    private final ServletInputStream in;
    private final long limit;
    private final long discardLimit;
    private final Handler handler;
    private byte[] buffer;
    private int size;
    private boolean stopped;
    private boolean discarding;
    private long discarded;

    /**
     * A reader of at most {@code limit} bytes; {@code contentLength} (or -1) sizes the first buffer. Of a larger body,
     * at most {@code discardLimit} more bytes are read and dropped.
     */
    public BodyReader(ServletInputStream in, long limit, long discardLimit, long contentLength, Handler handler) {
        this.in = in;
        this.limit = limit;
        this.discardLimit = discardLimit;
        this.handler = handler;
        long capacity = contentLength >= 0 ? Math.min(contentLength + 1, MAX_INITIAL_CAPACITY) : INITIAL_CAPACITY;
        this.buffer = new byte[(int) Math.max(1, Math.min(capacity, limit + 1))];
    }

    /**
     * A reader that drops a body already known to be too large (by its Content-Length), up to {@code discardLimit}
     * bytes, then calls {@link Handler#discarded}; {@link Handler#tooLarge} is not called.
     */
    public static BodyReader discarding(ServletInputStream in, long discardLimit, Handler handler) {
        BodyReader reader = new BodyReader(in, 0, discardLimit, 0, handler);
        reader.startDiscarding();
        return reader;
    }

    private void startDiscarding() {
        stopped = true;
        discarding = true;
        buffer = new byte[DISCARD_BUFFER];
    }

    @Override
    public void onDataAvailable() throws IOException {
        if (discarding) {
            discard();
            return;
        }
        while (!stopped && in.isReady()) {
            if (size == buffer.length) {
                // The buffer holds at most limit + 1 bytes: one more than allowed tells "too large".
                buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, limit + 1));
            }
            int n = in.read(buffer, size, buffer.length - size);
            if (n < 0) {
                return; // onAllDataRead follows
            }
            size += n;
            if (size > limit) {
                discarded = size - limit;
                startDiscarding();
                handler.tooLarge();
                discard();
                return;
            }
        }
    }

    private void discard() throws IOException {
        while (discarding && in.isReady()) {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return; // onAllDataRead follows
            }
            discarded += n;
            if (discarded > discardLimit) {
                endDiscarding(); // closing resets the connection; the client may miss the answer
                return;
            }
        }
    }

    private void endDiscarding() {
        if (discarding) {
            discarding = false;
            buffer = null;
            handler.discarded();
        }
    }

    @Override
    public void onAllDataRead() {
        if (stopped) {
            endDiscarding();
            return;
        }
        stopped = true;
        byte[] body = buffer;
        buffer = null;
        handler.body(body, size);
    }

    @Override
    public void onError(Throwable t) {
        if (stopped) {
            endDiscarding();
            return;
        }
        stopped = true;
        buffer = null;
        handler.failed(t);
    }
}
