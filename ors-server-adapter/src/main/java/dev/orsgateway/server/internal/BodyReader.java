package dev.orsgateway.server.internal;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a request body without blocking, up to a limit: the bytes read so far never exceed the limit by more than one
 * read, and a body over it stops the reading at once (the handler answers 413) rather than being read to
 * its end. Container callbacks are serialized, so the buffer needs no locking.
 */
public final class BodyReader implements ReadListener {
    /** What to do with a whole body. */
    @FunctionalInterface
    public interface Handler {
        /** The body is {@code bytes[0, length)}. */
        void body(byte[] bytes, int length);

        /** The body is larger than the limit; nothing more will be read. */
        default void tooLarge() {}

        /** Reading failed (the client left, or sent a broken body). */
        default void failed(Throwable t) {}
    }

    private static final int INITIAL_CAPACITY = 16 * 1024;
    // A declared length is trusted only this far up front; a slow sender must not reserve the whole limit at once.
    private static final int MAX_INITIAL_CAPACITY = 1024 * 1024;

    private final ServletInputStream in;
    private final long limit;
    private final Handler handler;
    private byte[] buffer;
    private int size;
    private boolean stopped;

    /** A reader of at most {@code limit} bytes; {@code contentLength} (or -1) sizes the first buffer. */
    public BodyReader(ServletInputStream in, long limit, long contentLength, Handler handler) {
        this.in = in;
        this.limit = limit;
        this.handler = handler;
        long capacity = contentLength >= 0 ? Math.min(contentLength + 1, MAX_INITIAL_CAPACITY) : INITIAL_CAPACITY;
        this.buffer = new byte[(int) Math.max(1, Math.min(capacity, limit + 1))];
    }

    @Override
    public void onDataAvailable() throws IOException {
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
                stopped = true;
                buffer = null;
                handler.tooLarge();
                return;
            }
        }
    }

    @Override
    public void onAllDataRead() {
        if (stopped) {
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
            return;
        }
        stopped = true;
        buffer = null;
        handler.failed(t);
    }
}
