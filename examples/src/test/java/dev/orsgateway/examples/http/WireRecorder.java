package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A recording HTTP/1.1 relay on 127.0.0.1: clients connect to it instead of the gateway, it copies every byte both ways
 * unchanged, and on the side it parses both directions (request and status lines, headers, {@code Content-Length} and
 * chunked bodies) into {@link Exchange}s, so tests can validate exactly what the server put on the wire, whatever the
 * client library made of it. Chunk boundaries are kept, so a test can check that each SSE frame travels as one
 * chunk (what the official compliance suite's parser, which resets its state on every network read, relies on).
 *
 * <p>Bytes are forwarded as soon as they are read and parsed right after, so when a client has seen a whole answer
 * the recorder finishes parsing it moments later: {@link #awaitQuiet(Duration)} waits for that.
 */
final class WireRecorder implements AutoCloseable {

    private static final int MAX_LINE = 64 * 1024;
    private static final Duration PAIRING_TIMEOUT = Duration.ofSeconds(10);

    private final ServerSocket front;
    private final InetSocketAddress target;
    private final ExecutorService threads;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Object arrivals = new Object();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closing;

    private WireRecorder(InetSocketAddress target) throws IOException {
        this.target = target;
        this.front = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger threadCount = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "wire-recorder-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::acceptLoop);
    }

    /** Starts a recorder relaying to {@code 127.0.0.1:targetPort}. */
    static WireRecorder start(int targetPort) throws IOException {
        return new WireRecorder(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    }

    /** The port clients connect to. */
    int port() {
        return front.getLocalPort();
    }

    /** Every exchange seen so far, in the order the requests arrived. */
    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** How many exchanges were seen so far. */
    int exchangeCount() {
        return exchanges.size();
    }

    /** Protocol errors the recorder met (unparseable HTTP, a response without a request, ...). */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /**
     * Waits until at least {@code count} requests were seen. The relay forwards bytes before it parses them, so a
     * client can hold its answer before the recorder has registered the request.
     *
     * @return true when they arrived within the timeout
     */
    boolean awaitExchanges(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (exchanges.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(arrivals, left);
            }
        }
        return true;
    }

    /**
     * Waits until every exchange seen so far has ended (its response parsed, or its connection closed).
     *
     * @return true when all ended within the timeout
     */
    boolean awaitQuiet(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Exchange exchange : exchanges()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !exchange.ended.await(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closing = true;
        closeQuietly(front);
        sockets.forEach(WireRecorder::closeQuietly);
        threads.shutdownNow();
    }

    // ---- relaying ----------------------------------------------------------------------------------------------

    private void acceptLoop() {
        while (!closing) {
            Socket client;
            try {
                client = front.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket server = new Socket();
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(target);
            } catch (IOException e) {
                errors.add("cannot connect to " + target + ": " + e);
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            sockets.add(client);
            sockets.add(server);
            Connection connection = new Connection(connections.incrementAndGet(), client, server);
            threads.execute(connection::relayRequests);
            threads.execute(connection::relayResponses);
        }
    }

    /** One client connection and the recorder's connection to the server. */
    private final class Connection {
        final int number;
        final Socket client;
        final Socket server;
        final BlockingQueue<Exchange> awaitingResponse = new LinkedBlockingQueue<>();
        final AtomicInteger openDirections = new AtomicInteger(2);

        Connection(int number, Socket client, Socket server) {
            this.number = number;
            this.client = client;
            this.server = server;
        }

        void relayRequests() {
            try (Tee tee = new Tee(client, server);
                    InputStream in = new BufferedInputStream(tee, 64 * 1024)) {
                while (true) {
                    tee.hold();
                    String requestLine = readLine(in);
                    if (requestLine == null) {
                        break;
                    }
                    if (requestLine.isEmpty()) {
                        tee.release();
                        continue; // tolerated between messages
                    }
                    String[] parts = requestLine.split(" ", 3);
                    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
                        throw new IOException("not an HTTP/1.x request line: " + requestLine);
                    }
                    Map<String, List<String>> headers = readHeaders(in);
                    Exchange exchange = new Exchange(number, parts[0], parts[1], headers);
                    exchanges.add(exchange);
                    synchronized (arrivals) {
                        arrivals.notifyAll();
                    }
                    awaitingResponse.add(exchange);
                    tee.release();
                    exchange.requestBody = readBody(in, headers, true, null);
                    if (first(headers, "upgrade") != null) {
                        // Whatever follows belongs to the upgraded protocol (or the connection's end): pass it on.
                        in.transferTo(OutputStream.nullOutputStream());
                        break;
                    }
                }
            } catch (IOException e) {
                if (!closing && !isClosedSocket(e)) {
                    errors.add("connection " + number + ", client side: " + e.getMessage());
                }
            } finally {
                directionEnded();
            }
        }

        void relayResponses() {
            Exchange current = null;
            Tee tee = null;
            try (InputStream in = new BufferedInputStream(tee = new Tee(server, client), 64 * 1024)) {
                while (true) {
                    String statusLine = readLine(in);
                    if (statusLine == null) {
                        break;
                    }
                    String[] parts = statusLine.split(" ", 3);
                    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                        throw new IOException("not an HTTP/1.x status line: " + statusLine);
                    }
                    int status = Integer.parseInt(parts[1]);
                    Map<String, List<String>> headers = readHeaders(in);
                    if (status >= 100 && status < 200 && status != 101) {
                        continue; // interim answer; the final one follows
                    }
                    if (status == 101) {
                        // Switching protocols (a WebSocket): the exchange ends here, the rest passes through as is.
                        Exchange upgraded = awaitingResponse.poll(PAIRING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        if (upgraded == null) {
                            throw new IOException("a 101 response without a request");
                        }
                        upgraded.status = status;
                        upgraded.responseHeaders = headers;
                        upgraded.responseBody = new byte[0];
                        upgraded.ended.countDown();
                        in.transferTo(OutputStream.nullOutputStream());
                        break;
                    }
                    Exchange exchange = awaitingResponse.poll(PAIRING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    if (exchange == null) {
                        throw new IOException("a " + status + " response without a request");
                    }
                    exchange.status = status;
                    exchange.responseHeaders = headers;
                    current = exchange;
                    boolean bodiless = exchange.method.equals("HEAD") || status == 204 || status == 304;
                    exchange.responseBody = bodiless ? new byte[0] : readBody(in, headers, false, exchange.chunks);
                    current = null;
                    exchange.ended.countDown();
                }
            } catch (IOException e) {
                if (!closing && !isClosedSocket(e)) {
                    errors.add("connection " + number + ", server side: " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (current != null) {
                    // Cut off while its answer was coming: by the client hanging up (writing to it failed), or not.
                    current.clientLeft = tee != null && tee.sinkFailed;
                    current.ended.countDown();
                }
                // Nothing more can be answered on this connection.
                for (Exchange unanswered : awaitingResponse) {
                    unanswered.ended.countDown();
                }
                directionEnded();
            }
        }

        private void directionEnded() {
            if (openDirections.decrementAndGet() == 0) {
                closeQuietly(client);
                closeQuietly(server);
                sockets.remove(client);
                sockets.remove(server);
            }
        }
    }

    /**
     * Reads {@code from} and forwards to {@code to}. While held, what it reads waits in a buffer: the request side
     * holds each request's start line and headers until the exchange is registered, so the server (and so the
     * client) cannot see an answer before the recorder knows the request.
     */
    private static final class Tee extends InputStream {
        private final InputStream source;
        private final OutputStream sink;
        private final Socket to;
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private boolean holding;
        /** Writing to the other side failed: it closed its connection. */
        volatile boolean sinkFailed;

        Tee(Socket from, Socket to) throws IOException {
            this.source = from.getInputStream();
            this.sink = to.getOutputStream();
            this.to = to;
        }

        void hold() {
            holding = true;
        }

        void release() throws IOException {
            holding = false;
            if (held.size() > 0) {
                held.writeTo(sink);
                sink.flush();
                held.reset();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = source.read(b, off, len);
            if (n > 0) {
                if (holding) {
                    held.write(b, off, n);
                } else {
                    try {
                        sink.write(b, off, n);
                        sink.flush();
                    } catch (IOException e) {
                        sinkFailed = true;
                        throw e;
                    }
                }
            } else if (n < 0 && !to.isClosed()) {
                release();
                // Pass the end on: the other side sees the same half-close.
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            }
            return n;
        }
    }

    // ---- HTTP/1.1 parsing --------------------------------------------------------------------------------------

    /** A line without its CRLF (or LF); null at the end of the stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("stream ended inside the headers");
            }
            if (line.isEmpty()) {
                return Collections.unmodifiableMap(headers);
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
    }

    /**
     * Reads a message body: chunked, {@code Content-Length}, or (responses only) up to the end of the stream. The
     * data of each chunk is added to {@code chunks} when given.
     */
    private static byte[] readBody(
            InputStream in, Map<String, List<String>> headers, boolean request, List<byte[]> chunks)
            throws IOException {
        String encoding = first(headers, "transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new EOFException("stream ended before the last chunk");
                }
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    readHeaders(in); // trailers, then the blank line
                    return body.toByteArray();
                }
                byte[] chunk = in.readNBytes(size);
                if (chunk.length < size) {
                    throw new EOFException("stream ended inside a chunk");
                }
                body.writeBytes(chunk);
                if (chunks != null) {
                    chunks.add(chunk);
                }
                if (!"".equals(readLine(in))) {
                    throw new IOException("chunk data not followed by CRLF");
                }
            }
        }
        String length = first(headers, "content-length");
        if (length != null) {
            int size = Integer.parseInt(length.trim());
            byte[] body = in.readNBytes(size);
            if (body.length < size) {
                throw new EOFException("stream ended after " + body.length + " of " + size + " body bytes");
            }
            return body;
        }
        return request ? new byte[0] : in.readAllBytes();
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static boolean isClosedSocket(IOException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("socket closed")
                || message.contains("connection reset")
                || message.contains("broken pipe");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // best effort
        }
    }

    /** One request and the server's answer to it, as seen on the wire. */
    static final class Exchange {
        final int connection;
        final String method;
        final String target;
        final Map<String, List<String>> requestHeaders;
        final List<byte[]> chunks = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile byte[] requestBody;
        volatile int status;
        volatile Map<String, List<String>> responseHeaders = Map.of();
        volatile byte[] responseBody;
        /** The client closed the connection while this answer was coming (the chunks read so far are kept). */
        volatile boolean clientLeft;

        Exchange(int connection, String method, String target, Map<String, List<String>> requestHeaders) {
            this.connection = connection;
            this.method = method;
            this.target = target;
            this.requestHeaders = requestHeaders;
        }

        /** The request path without its query. */
        String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        /** Whether the whole response was seen. */
        boolean answered() {
            return responseBody != null;
        }

        String responseHeader(String name) {
            return first(responseHeaders, name.toLowerCase(Locale.ROOT));
        }

        String requestText() {
            byte[] body = requestBody;
            return body == null ? "" : new String(body, UTF_8);
        }

        String responseText() {
            byte[] body = responseBody;
            if (body == null && clientLeft) {
                ByteArrayOutputStream read = new ByteArrayOutputStream();
                chunks.forEach(chunk -> read.write(chunk, 0, chunk.length));
                return read.toString(UTF_8);
            }
            return body == null ? "" : new String(body, UTF_8);
        }

        /** Whether the response body was sent chunked. */
        boolean chunked() {
            String encoding = responseHeader("transfer-encoding");
            return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
        }

        @Override
        public String toString() {
            return method + " " + target + " -> " + (answered() ? String.valueOf(status) : "(no answer)")
                    + " [connection " + connection + "]";
        }
    }
}
