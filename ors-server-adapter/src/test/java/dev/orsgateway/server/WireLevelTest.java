package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.testing.ScriptedUpstream;
import dev.orsgateway.server.internal.SseSubscriber;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What happens on the wire, seen through raw sockets and threads: each write and flush (one HTTP chunk) holds whole
 * frames, a slow client slows its upstream down, and open streams hold no threads.
 */
class WireLevelTest {

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void eachChunkHoldsWholeFrames(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("Hel", "lo", " wor", "ld");
            URI uri = f.uri("/responses");

            try (Socket socket = connect(uri)) {
                // Keep-alive, so that both containers frame the body in chunks.
                send(socket, uri, "{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}", false);
                InputStream in = socket.getInputStream();
                String head = readHead(in);
                assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");

                List<String> chunks = readChunks(in);
                int frames = 0;
                for (String chunk : chunks) {
                    // Frames that were ready together share a chunk; a frame never spans two.
                    assertThat(chunk).endsWith("\n\n");
                    for (String frame : chunk.substring(0, chunk.length() - 2).split("\n\n", -1)) {
                        assertThat(frame)
                                .matches(text -> text.equals("data: [DONE]") || text.startsWith("event: "), frame);
                        if (!frame.equals("data: [DONE]")) {
                            assertThat(frame.split("\n")).hasSize(2);
                            assertThat(frame.split("\n")[1]).startsWith("data: {");
                            frames++;
                        }
                    }
                }
                assertThat(frames).isGreaterThan(10);
                assertThat(String.join("", chunks)).endsWith("}\n\ndata: [DONE]\n\n");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aClientThatDoesNotReadStopsTheUpstream(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            int deltas = 50_000;
            ScriptedUpstream.Script script =
                    f.upstream.enqueueText(Collections.nCopies(deltas, "x").toArray(String[]::new));
            URI uri = f.uri("/responses");

            // A small, fixed receive window (no autotuning), and a client that reads nothing for now.
            try (Socket socket = connect(uri)) {
                send(socket, uri, "{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}", true);

                assertThat(script.awaitSubscribed(Fixture.TIMEOUT)).isTrue();
                long stalledAt = Fixture.awaitQuiescence(script);
                assertThat(stalledAt)
                        .as("the upstream is paused while the client does not read")
                        .isGreaterThan(0)
                        .isLessThan(script.chunkCount());
                assertThat(script.requested())
                        .as("at most a window of events is asked for ahead of what was written")
                        .isLessThanOrEqualTo(stalledAt + SseSubscriber.WINDOW);

                // The body as sent, without its framing: a container may cut a write into several chunks when the
                // client's window is full (a frame then spans two), which says nothing about the stream.
                InputStream in = socket.getInputStream();
                String head = readHead(in);
                String stream = head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")
                        ? String.join("", readChunks(in))
                        : readAll(in);
                assertThat(count(stream, "event: response.output_text.delta\n")).isEqualTo(deltas);
                assertThat(stream).contains("event: response.completed\n").contains("data: [DONE]\n\n");
                assertThat(script.delivered()).isEqualTo(script.chunkCount());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void openStreamsHoldNoThreadsAndAllCancelWhenTheirClientsLeave(ServletContainer container) throws Exception {
        int streams = 24;
        int threads = container == ServletContainer.JETTY ? 12 : 4; // Jetty's selector and acceptor need a few
        try (Fixture f = Fixture.start(container, c -> c.keepAliveInterval(Duration.ofMillis(50)), threads)) {
            List<ScriptedUpstream.Script> scripts = new ArrayList<>();
            List<InputStream> bodies = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                scripts.add(f.upstream.enqueueStallAfter(ScriptedUpstream.partialTextChunks("n" + i)));
            }
            for (int i = 0; i < streams; i++) {
                HttpResponse<InputStream> response =
                        f.open(f.post("/responses", "{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}")
                                .build());
                assertThat(response.statusCode()).isEqualTo(200);
                OrsServletTest.readUntil(response.body(), "event: response.output_text.delta\n");
                bodies.add(response.body());
            }

            // Every stream is open and waiting on its upstream, yet the few request threads are all free.
            assertThat(f.get("/health").status()).isEqualTo(200);
            assertThat(scripts).noneMatch(ScriptedUpstream.Script::cancelled);

            for (InputStream body : bodies) {
                body.close();
            }
            for (ScriptedUpstream.Script script : scripts) {
                assertThat(script.awaitCancelled(Fixture.TIMEOUT)).isTrue();
            }
            assertThat(f.store.saves.get()).isZero();
        }
    }

    /** A socket to the server with a small, fixed receive window (no autotuning) and a bounded read timeout. */
    private static Socket connect(URI uri) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(32 * 1024);
        socket.setSoTimeout((int) Fixture.TIMEOUT.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), (int) Fixture.TIMEOUT.toMillis());
        return socket;
    }

    /** Sends a POST; with {@code close}, asks the server to close the connection after the answer. */
    private static void send(Socket socket, URI uri, String json, boolean close) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + (close ? "\r\nConnection: close" : "") + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** The status line and headers, up to the blank line. */
    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the connection closed in the head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** The data of each HTTP/1.1 chunk, up to the last (empty) one. */
    private static List<String> readChunks(InputStream in) throws Exception {
        List<String> chunks = new ArrayList<>();
        while (true) {
            StringBuilder sizeLine = new StringBuilder();
            while (!sizeLine.toString().endsWith("\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("the connection closed inside the chunked body");
                }
                sizeLine.append((char) b);
            }
            String hex = sizeLine.toString().strip();
            int semicolon = hex.indexOf(';');
            int size = Integer.parseInt(semicolon < 0 ? hex : hex.substring(0, semicolon), 16);
            if (size == 0) {
                return chunks;
            }
            byte[] data = in.readNBytes(size);
            assertThat(data).hasSize(size);
            assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("\r\n");
            chunks.add(new String(data, StandardCharsets.UTF_8));
        }
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.UTF_8);
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }
}
