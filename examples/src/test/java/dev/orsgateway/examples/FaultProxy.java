package dev.orsgateway.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on 127.0.0.1 (port 0) between the gateway and its upstream that breaks connections on request: a
 * request whose bytes carry the marker {@code fault:<name>;} (in its user text, say) gets that {@link Fault} applied to
 * its response. One link (a pair of sockets and two copying threads) per connection the gateway opens; the proxy
 * counts what it injected and which links are still open, i.e. which connections the gateway has not closed. For tests
 * only.
 */
final class FaultProxy implements AutoCloseable {

    /** What happens to a response. */
    enum Fault {
        /** Passed through. */
        NONE,
        /** Each of the first reads of the response is held back {@link #spikeMillis} first, then passed through. */
        LATENCY,
        /** After {@link #faultAfterBytes} of the response the gateway's socket is reset (RST, SO_LINGER 0). */
        RESET,
        /** After {@link #faultAfterBytes} of the response nothing more is sent, and both sockets stay open. */
        HALF_OPEN,
        /** Nothing of the response is sent (not even its status line); both sockets stay open. */
        SILENT,
        /** The response is sent one byte per {@link #trickleMillis}, from its first byte. */
        SLOWLORIS,
        /** After {@link #faultAfterBytes} of the response, one byte per {@link #trickleMillis}. */
        SLOWLORIS_MID_STREAM,
        /** The proxy answers {@code 503} itself, with an OpenAI-shaped error, and closes the connection. */
        STORM_5XX;

        /** The marker that selects this fault. */
        String marker() {
            return "fault:" + name().toLowerCase(Locale.ROOT) + ";";
        }
    }

    private static final String OVERLOADED =
            "{\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_error\",\"code\":null}}";
    private static final byte[] SERVICE_UNAVAILABLE = ("HTTP/1.1 503 Service Unavailable\r\n"
                    + "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " + OVERLOADED.length()
                    + "\r\n\r\n" + OVERLOADED)
            .getBytes(StandardCharsets.ISO_8859_1);

    final int faultAfterBytes;
    final long spikeMillis;
    final long trickleMillis;

    private final ServerSocket server;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);

    FaultProxy(int targetPort, int faultAfterBytes, long spikeMillis, long trickleMillis) throws IOException {
        this.targetPort = targetPort;
        this.faultAfterBytes = faultAfterBytes;
        this.spikeMillis = spikeMillis;
        this.trickleMillis = trickleMillis;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        daemon("fault-proxy-accept", this::accept).start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many responses got each fault (latency spikes included). */
    synchronized Map<Fault, Integer> injected() {
        return Map.copyOf(injected);
    }

    /** The links the gateway has not closed, by the last fault applied on them (NONE: healthy, e.g. pooled). */
    Map<Fault, Integer> open() {
        Map<Fault, Integer> open = new EnumMap<>(Fault.class);
        for (Link link : links) {
            if (!link.closed.get()) {
                open.merge(link.lastFault, 1, Integer::sum);
            }
        }
        return open;
    }

    /** Open links that carried a terminal fault (all but NONE and LATENCY): connections the gateway should have freed. */
    int openFaulted() {
        int count = 0;
        for (Link link : links) {
            if (!link.closed.get() && link.lastFault != Fault.NONE && link.lastFault != Fault.LATENCY) {
                count++;
            }
        }
        return count;
    }

    /** Every connection the gateway opened. */
    int linkCount() {
        return links.size();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Link link : links) {
            link.closeBoth();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket gateway = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                gateway.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Link link = new Link(gateway, upstream);
                links.add(link);
                daemon("fault-proxy-request", link::requests).start();
                daemon("fault-proxy-response", link::responses).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private synchronized void count(Fault fault) {
        injected.merge(fault, 1, Integer::sum);
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One connection of the gateway and the proxy's connection to the upstream for it. */
    private final class Link {
        private final Socket gateway;
        private final Socket upstream;
        private final AtomicBoolean closed = new AtomicBoolean();
        /** The fault of the response in progress; set by the request thread before it forwards the marker. */
        private volatile Fault fault = Fault.NONE;

        private volatile Fault lastFault = Fault.NONE;
        private int spikesLeft;

        Link(Socket gateway, Socket upstream) {
            this.gateway = gateway;
            this.upstream = upstream;
        }

        /** Gateway to upstream: passes the request on, picking up a marker on the way. */
        void requests() {
            byte[] buffer = new byte[16 * 1024];
            String tail = "";
            try (InputStream in = gateway.getInputStream()) {
                OutputStream out = upstream.getOutputStream();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    String text = tail + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                    Fault marked = marked(text);
                    tail = text.substring(Math.max(0, text.length() - 64));
                    if (marked != null) {
                        tail = "";
                        count(marked);
                        lastFault = marked;
                        spikesLeft = 3;
                        fault = marked;
                        if (marked == Fault.STORM_5XX) {
                            gateway.getOutputStream().write(SERVICE_UNAVAILABLE);
                            gateway.getOutputStream().flush();
                            closeBoth();
                            return;
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the gateway reset its connection, or the proxy closed it
            }
            // The gateway closed (or reset) its end: the connection is freed.
            closeBoth();
        }

        private Fault marked(String text) {
            for (Fault candidate : Fault.values()) {
                if (candidate != Fault.NONE && text.contains(candidate.marker())) {
                    return candidate;
                }
            }
            return null;
        }

        /** Upstream to gateway: passes the response on, or breaks it. */
        void responses() {
            byte[] buffer = new byte[8 * 1024];
            long sent = 0;
            Fault current = Fault.NONE;
            try (InputStream in = upstream.getInputStream()) {
                OutputStream out = gateway.getOutputStream();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    Fault now = fault;
                    if (now != current) {
                        current = now;
                        sent = 0;
                    }
                    switch (current) {
                        case NONE -> out.write(buffer, 0, n);
                        case LATENCY -> {
                            if (spikesLeft > 0) {
                                spikesLeft--;
                                Thread.sleep(spikeMillis); // the injected fault itself
                            }
                            out.write(buffer, 0, n);
                        }
                        case RESET -> {
                            int part = (int) Math.max(0, Math.min(n, faultAfterBytes - sent));
                            out.write(buffer, 0, part);
                            sent += part;
                            if (sent >= faultAfterBytes) {
                                out.flush();
                                gateway.setSoLinger(true, 0);
                                closeBoth();
                                return;
                            }
                        }
                        case HALF_OPEN, SILENT -> {
                            long limit = current == Fault.SILENT ? 0 : faultAfterBytes;
                            int part = (int) Math.max(0, Math.min(n, limit - sent));
                            out.write(buffer, 0, part);
                            sent += part; // the rest is read and dropped: the upstream finishes, the gateway hears
                            // nothing
                        }
                        case SLOWLORIS, SLOWLORIS_MID_STREAM -> {
                            long fast = current == Fault.SLOWLORIS ? 0 : faultAfterBytes;
                            for (int i = 0; i < n; i++) {
                                if (sent >= fast) {
                                    out.flush();
                                    Thread.sleep(trickleMillis); // the injected fault itself
                                }
                                out.write(buffer[i]);
                                sent++;
                            }
                        }
                        case STORM_5XX -> {
                            // answered by the request side
                        }
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Upstream ended its side (or a write to the gateway failed): end the gateway's side too, unless the fault
            // is to keep it open.
            Fault last = fault;
            if (last != Fault.HALF_OPEN && last != Fault.SILENT) {
                closeBoth();
            }
        }

        void closeBoth() {
            closed.set(true);
            quietly(gateway);
            quietly(upstream);
        }

        private void quietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
