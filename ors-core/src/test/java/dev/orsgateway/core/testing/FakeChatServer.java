package dev.orsgateway.core.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Test fixture: a plain HTTP/1.1 server on 127.0.0.1 (port 0) that answers Chat Completions calls from a queue of
 * {@link Reply}s, or from a function of the request, and records every request. It writes exactly the bytes a reply
 * describes (fixed, chunked, throttled, delayed, cut off, or generated while the client reads), so transports are
 * tested against the wire, not against one HTTP library's server. One thread per connection; for tests only.
 */
public final class FakeChatServer implements AutoCloseable {

    private final ServerSocket socket;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<Recorded, Reply> dispatcher;

    private FakeChatServer() throws IOException {
        socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        Thread acceptor = new Thread(this::accept, "fake-chat-server-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server.
     *
     * @return a running server
     * @throws IOException if no port could be bound
     */
    public static FakeChatServer start() throws IOException {
        return new FakeChatServer();
    }

    /**
     * A URL of this server.
     *
     * @param path e.g. {@code /v1}
     * @return e.g. {@code http://127.0.0.1:40123/v1}
     */
    public String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    /**
     * The port.
     *
     * @return the bound port
     */
    public int port() {
        return socket.getLocalPort();
    }

    /**
     * Queues the answer to a later request (in arrival order).
     *
     * @param reply the answer
     */
    public void enqueue(Reply reply) {
        replies.add(reply);
    }

    /**
     * Answers every request with what {@code dispatcher} returns, instead of the queue.
     *
     * @param dispatcher request to reply
     */
    public void dispatch(Function<Recorded, Reply> dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * The next request received, in arrival order.
     *
     * @param timeout how long to wait
     * @param unit its unit
     * @return the request, or {@code null} if none arrived in time
     * @throws InterruptedException if interrupted
     */
    public Recorded takeRequest(long timeout, TimeUnit unit) throws InterruptedException {
        return requests.poll(timeout, unit);
    }

    /**
     * The next request received, waiting up to ten seconds.
     *
     * @return the request
     * @throws InterruptedException if interrupted
     */
    public Recorded takeRequest() throws InterruptedException {
        Recorded request = takeRequest(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request arrived");
        }
        return request;
    }

    /**
     * How many requests arrived.
     *
     * @return the count
     */
    public int requestCount() {
        return requestCount.get();
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket connection : connections) {
            closeQuietly(connection);
        }
    }

    private void accept() {
        while (!socket.isClosed()) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                return;
            }
            connections.add(connection);
            Thread handler = new Thread(() -> serve(connection), "fake-chat-connection");
            handler.setDaemon(true);
            handler.start();
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            connection.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            while (true) {
                Recorded request = readRequest(in);
                if (request == null) {
                    return;
                }
                requestCount.incrementAndGet();
                requests.add(request);
                Function<Recorded, Reply> d = dispatcher;
                Reply reply = d != null ? d.apply(request) : replies.poll();
                if (reply == null) {
                    reply = Reply.json(500, "{\"error\":{\"message\":\"FakeChatServer: nothing enqueued\"}}");
                }
                if (!reply.write(connection, in, out, closing)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            connections.remove(connection);
        }
    }

    private static Recorded readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = readLine(in);
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream collected = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    readLine(in);
                    break;
                }
                collected.write(in.readNBytes(n));
                readLine(in);
            }
            body = collected.toByteArray();
        } else {
            body = new byte[0];
        }
        return new Recorded(parts[0], parts.length > 1 ? parts[1] : "", headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket connection) {
        try {
            connection.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** A request as received. */
    public static final class Recorded {
        private final String method;
        private final String target;
        private final Map<String, String> headers;
        private final byte[] body;

        Recorded(String method, String target, Map<String, String> headers, byte[] body) {
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
        }

        /** @return e.g. {@code POST} */
        public String method() {
            return method;
        }

        /** @return the request target: path and query, e.g. {@code /v1/chat/completions?api-version=1} */
        public String target() {
            return target;
        }

        /** @return the path without the query */
        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        /**
         * A header's value.
         *
         * @param name any case
         * @return the value, or {@code null}
         */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** @return the body as UTF-8 text */
        public String body() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What the server writes for one request. Build with the static factories, then adjust. */
    public static final class Reply {
        private int status = 200;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] body = new byte[0];
        private GeneratedStream generated;
        private int chunkSize;
        private int throttleBytes;
        private long throttleMillis;
        private long headersDelayMillis;
        private long bodyDelayMillis;
        private int cutAfter = -1;

        private Reply() {}

        /**
         * A 200 {@code text/event-stream} reply.
         *
         * @param body the events
         * @return the reply
         */
        public static Reply sse(String body) {
            return new Reply().header("Content-Type", "text/event-stream").body(body);
        }

        /**
         * A 200 {@code text/event-stream} reply whose events are generated as the client reads.
         *
         * @param stream the generator, which also counts what was written
         * @return the reply
         */
        public static Reply sse(GeneratedStream stream) {
            Reply reply = new Reply().header("Content-Type", "text/event-stream");
            reply.generated = stream;
            return reply;
        }

        /**
         * A JSON reply.
         *
         * @param status the status
         * @param body the JSON
         * @return the reply
         */
        public static Reply json(int status, String body) {
            return new Reply()
                    .status(status)
                    .header("Content-Type", "application/json")
                    .body(body);
        }

        /**
         * A reply with the given status and no body.
         *
         * @param status the status
         * @return the reply
         */
        public static Reply status(int status, String contentType, String body) {
            return new Reply()
                    .status(status)
                    .header("Content-Type", contentType)
                    .body(body);
        }

        /** @return this reply with status {@code code} */
        public Reply status(int code) {
            this.status = code;
            return this;
        }

        /** @return this reply with a header */
        public Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** @return this reply with a UTF-8 body */
        public Reply body(String text) {
            this.body = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** @return this reply sent with chunked transfer coding, {@code size} bytes a chunk */
        public Reply chunked(int size) {
            this.chunkSize = size;
            return this;
        }

        /** @return this reply's body written {@code bytes} at a time, flushed, with {@code millis} between writes */
        public Reply throttle(int bytes, long millis) {
            this.throttleBytes = bytes;
            this.throttleMillis = millis;
            return this;
        }

        /**
         * Waits before the status line; if the client closes the connection meanwhile, the server notices at once
         * (see {@link #clientGone()}).
         *
         * @return this reply
         */
        public Reply headersDelay(long millis) {
            this.headersDelayMillis = millis;
            return this;
        }

        /** @return this reply waiting {@code millis} between the headers and the body */
        public Reply bodyDelay(long millis) {
            this.bodyDelayMillis = millis;
            return this;
        }

        /** @return this reply closing the socket after {@code bytes} of the body (with its declared length) */
        public Reply cutAfter(int bytes) {
            this.cutAfter = bytes;
            return this;
        }

        private final CountDownLatch clientGone = new CountDownLatch(1);

        /**
         * Waits until the server saw the client close the connection during {@link #headersDelay}.
         *
         * @return whether it did within ten seconds
         * @throws InterruptedException if interrupted
         */
        public boolean clientGone() throws InterruptedException {
            return clientGone.await(10, TimeUnit.SECONDS);
        }

        /** Writes the reply; returns whether the connection may serve another request. */
        boolean write(Socket connection, InputStream in, OutputStream out, CountDownLatch closing) throws IOException {
            if (headersDelayMillis > 0 && !waitWatchingClient(connection, in, headersDelayMillis)) {
                clientGone.countDown();
                return false;
            }
            StringBuilder head =
                    new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status));
            head.append("\r\n");
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            boolean chunkedBody = chunkSize > 0 || generated != null;
            if (chunkedBody) {
                head.append("Transfer-Encoding: chunked\r\n");
            } else {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (bodyDelayMillis > 0 && awaitQuietly(closing, bodyDelayMillis)) {
                return false;
            }
            if (generated != null) {
                generated.writeTo(out);
                return true;
            }
            int limit = cutAfter >= 0 ? Math.min(cutAfter, body.length) : body.length;
            int step = throttleBytes > 0 ? throttleBytes : chunkSize > 0 ? chunkSize : Math.max(limit, 1);
            for (int offset = 0; offset < limit; offset += step) {
                int n = Math.min(step, limit - offset);
                if (chunkedBody) {
                    writeChunk(out, body, offset, n);
                } else {
                    out.write(body, offset, n);
                }
                out.flush();
                if (throttleMillis > 0 && awaitQuietly(closing, throttleMillis)) {
                    return false;
                }
            }
            if (cutAfter >= 0) {
                connection.shutdownOutput();
                return false;
            }
            if (chunkedBody) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            return true;
        }

        private static boolean waitWatchingClient(Socket connection, InputStream in, long millis) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            int oldTimeout = connection.getSoTimeout();
            try {
                while (true) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        return true;
                    }
                    connection.setSoTimeout((int) left);
                    try {
                        if (in.read() == -1) {
                            return false;
                        }
                    } catch (SocketTimeoutException e) {
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                }
            } finally {
                if (!connection.isClosed()) {
                    connection.setSoTimeout(oldTimeout);
                }
            }
        }

        private static boolean awaitQuietly(CountDownLatch closing, long millis) {
            try {
                return closing.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        private static String reason(int status) {
            return status == 200 ? "OK" : "Status";
        }
    }

    static void writeChunk(OutputStream out, byte[] bytes, int offset, int length) throws IOException {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, offset, length);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A stream of {@code n} generated content chunks (then {@code [DONE]}), written chunked and flushed one event at a
     * time, that counts the events the socket accepted and records whether a write failed: the server's view of a
     * client that stops reading, or goes away.
     */
    public static final class GeneratedStream {
        private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

        private final long events;
        private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        private final CountDownLatch writeFailed = new CountDownLatch(1);
        private final CountDownLatch finished = new CountDownLatch(1);

        /** @param events how many content chunks; the last has {@code finish_reason: stop} */
        public GeneratedStream(long events) {
            this.events = events;
        }

        void writeTo(OutputStream out) throws IOException {
            try {
                for (long i = 0; i < events; i++) {
                    byte[] event = UpstreamFixtures.contentEvent(i, i == events - 1 ? "stop" : null)
                            .getBytes(StandardCharsets.UTF_8);
                    writeChunk(out, event, 0, event.length);
                    out.flush();
                    written.incrementAndGet();
                }
                writeChunk(out, DONE, 0, DONE.length);
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                finished.countDown();
            } catch (IOException e) {
                writeFailed.countDown();
                throw e;
            }
        }

        /** @return events the server managed to write into the socket */
        public long written() {
            return written.get();
        }

        /** @return whether every event and {@code [DONE]} were written */
        public boolean finished() {
            return finished.getCount() == 0;
        }

        /**
         * Waits until a write fails, as it does once the client has closed the connection.
         *
         * @return whether one did within ten seconds
         * @throws InterruptedException if interrupted
         */
        public boolean awaitWriteFailure() throws InterruptedException {
            return writeFailed.await(10, TimeUnit.SECONDS);
        }

        /**
         * Waits until the server's writes stop making progress (the count holds still for half a second) and returns
         * the count; fails if they never do.
         *
         * @return the events written when the writes stalled
         * @throws InterruptedException if interrupted
         */
        public long awaitStalled() throws InterruptedException {
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
}
