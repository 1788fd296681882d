package dev.orsgateway.upstream.okhttp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

/**
 * A MockWebServer body of {@code n} generated content chunks (then {@code [DONE]}), written and flushed one event at a
 * time, that counts the events the socket accepted and records whether a write failed: the server's view of a client
 * that stops reading, or goes away.
 */
final class GeneratedStreamBody implements MockResponseBody {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final long events;
    private final long eventSize = Fixtures.contentEvent(0, null).length();
    private final long lastEventSize = Fixtures.contentEvent(0, "stop").length();
    private final AtomicLong written = new AtomicLong();
    private final CountDownLatch writeFailed = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    GeneratedStreamBody(long events) {
        this.events = events;
    }

    @Override
    public long getContentLength() {
        // Indexes are zero-padded, so every event has the same size but the last, which carries a finish_reason.
        return events == 0 ? DONE.length : (events - 1) * eventSize + lastEventSize + DONE.length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        try {
            for (long i = 0; i < events; i++) {
                sink.writeUtf8(Fixtures.contentEvent(i, i == events - 1 ? "stop" : null));
                sink.flush();
                written.incrementAndGet();
            }
            sink.write(DONE);
            sink.flush();
            finished.countDown();
        } catch (IOException e) {
            writeFailed.countDown();
            throw e;
        }
    }

    /** Events the server managed to write into the socket. */
    long written() {
        return written.get();
    }

    boolean finished() {
        return finished.getCount() == 0;
    }

    /** Waits until a write fails, as it does once the client has closed the connection. */
    boolean awaitWriteFailure() throws InterruptedException {
        return writeFailed.await(10, TimeUnit.SECONDS);
    }

    /**
     * Waits until the server's writes stop making progress (the count holds still for half a second) and returns the
     * count; fails if they never do.
     */
    long awaitStalled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        int stillPolls = 0;
        while (System.nanoTime() < deadline) {
            long now = written.get();
            stillPolls = now == last ? stillPolls + 1 : 0;
            if (stillPolls >= 10 && !finished()) {
                return now;
            }
            last = now;
            Thread.sleep(50);
        }
        throw new AssertionError("the server kept writing (or finished): " + written.get() + " of " + events);
    }
}
