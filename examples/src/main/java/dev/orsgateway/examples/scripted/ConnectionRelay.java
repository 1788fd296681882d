package dev.orsgateway.examples.scripted;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay in front of the JDK {@code HttpServer}: clients connect to the relay, which opens one connection to the
 * HTTP server per client connection and copies bytes both ways. {@code HttpServer} cannot tell a handler that its
 * client went away, nor close a connection on request; the relay can, because it owns the client's socket.
 */
final class ConnectionRelay implements AutoCloseable {

    /** Why a relayed connection ended. */
    enum End {
        /** The client closed its connection, or it broke while sending to it. */
        CLIENT,
        /** The HTTP server closed its side (a handler aborted, or an idle timeout). */
        SERVER,
        /** The relay was closed. */
        SHUTDOWN
    }

    /** One client connection and its connection to the HTTP server. */
    static final class Link {

        private final Socket client;
        private final Socket backend;
        private final int backendPort;
        private final AtomicReference<End> end = new AtomicReference<>();
        private final CountDownLatch ended = new CountDownLatch(1);

        Link(Socket client, Socket backend) {
            this.client = client;
            this.backend = backend;
            this.backendPort = backend.getLocalPort();
        }

        /**
         * Waits for the connection to end.
         *
         * @return true when it ended within the timeout
         */
        boolean awaitEnd(long millis) throws InterruptedException {
            return ended.await(millis, TimeUnit.MILLISECONDS);
        }

        /** Why the connection ended, or {@code null} while it is open. */
        End end() {
            return end.get();
        }
    }

    private final ServerSocket front;
    private final InetSocketAddress backendAddress;
    private final ExecutorService threads;
    /** Open links by the local port of their backend socket, which the HTTP server sees as the remote port. */
    private final Map<Integer, Link> links = new ConcurrentHashMap<>();

    private final AtomicInteger closedByClient = new AtomicInteger();
    private volatile boolean closing;

    ConnectionRelay(int port, InetAddress host, InetSocketAddress backendAddress, ExecutorService threads)
            throws IOException {
        this.front = new ServerSocket(port, 50, host);
        this.backendAddress = backendAddress;
        this.threads = threads;
    }

    /** Starts accepting connections. */
    void start() {
        threads.execute(this::acceptLoop);
    }

    int port() {
        return front.getLocalPort();
    }

    int openConnections() {
        return links.size();
    }

    int connectionsClosedByClient() {
        return closedByClient.get();
    }

    /**
     * The link whose backend connection the HTTP server sees coming from {@code remote}.
     *
     * @return the link, or {@code null} when unknown
     */
    Link linkFor(SocketAddress remote) {
        return remote instanceof InetSocketAddress address ? links.get(address.getPort()) : null;
    }

    private void acceptLoop() {
        while (!closing) {
            Socket client;
            try {
                client = front.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket backend = new Socket();
            try {
                client.setTcpNoDelay(true);
                backend.setTcpNoDelay(true);
                backend.connect(backendAddress);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(backend);
                continue;
            }
            Link link = new Link(client, backend);
            // Registered before a byte flows, so the HTTP server's handler always finds it.
            links.put(link.backendPort, link);
            if (closing) {
                finish(link, End.SHUTDOWN);
                return;
            }
            threads.execute(() -> pump(link, true));
            threads.execute(() -> pump(link, false));
        }
    }

    /** Copies client to backend ({@code upstream}) or backend to client until either side ends. */
    private void pump(Link link, boolean upstream) {
        byte[] buffer = new byte[16 * 1024];
        InputStream in;
        OutputStream out;
        try {
            in = (upstream ? link.client : link.backend).getInputStream();
            out = (upstream ? link.backend : link.client).getOutputStream();
        } catch (IOException e) {
            finish(link, End.SHUTDOWN);
            return;
        }
        End readerEnd = upstream ? End.CLIENT : End.SERVER;
        End writerEnd = upstream ? End.SERVER : End.CLIENT;
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                finish(link, readerEnd);
                return;
            }
            if (n < 0) {
                finish(link, readerEnd);
                return;
            }
            try {
                out.write(buffer, 0, n);
                out.flush();
            } catch (IOException e) {
                finish(link, writerEnd);
                return;
            }
        }
    }

    /** Ends a link once; the first cause wins. */
    private void finish(Link link, End cause) {
        if (!link.end.compareAndSet(null, closing ? End.SHUTDOWN : cause)) {
            return;
        }
        closeQuietly(link.client);
        closeQuietly(link.backend);
        links.remove(link.backendPort, link);
        if (link.end.get() == End.CLIENT) {
            closedByClient.incrementAndGet();
        }
        link.ended.countDown();
    }

    @Override
    public void close() {
        closing = true;
        closeQuietly(front);
        for (Link link : List.copyOf(links.values())) {
            finish(link, End.SHUTDOWN);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing is best effort.
        }
    }
}
