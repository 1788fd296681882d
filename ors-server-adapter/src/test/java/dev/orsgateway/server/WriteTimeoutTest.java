package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.testing.ScriptedUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that keeps its connection open but stops reading (its TCP window fills) must not hold its upstream call
 * forever: the servlet's write timeout gives the stream up, and so does the container's idle timeout when the servlet's
 * is off. Either way the upstream call is cancelled and the unfinished response is not stored.
 */
class WriteTimeoutTest {

    private static final String STREAM = "{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}";

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aClientThatStopsReadingIsGivenUpAfterTheWriteTimeout(ServletContainer container) throws Exception {
        // The containers' own timeouts stay at their defaults (Jetty 30 s, Tomcat 60 s), beyond the fixture's waits.
        try (Fixture f = Fixture.start(container, c -> c.writeTimeout(Duration.ofMillis(300)))) {
            assertGivenUp(f, false);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void withoutTheServletsWriteTimeoutTheContainersIdleTimeoutGivesItUp(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.startWithIdleTimeout(container, c -> c.writeTimeout(Duration.ZERO), 500)) {
            assertGivenUp(f, true);
        }
    }

    /**
     * Streams to a client that never reads; asserts the upstream call is cancelled and nothing stored, and with {@code
     * connectionCloses} that the client's connection ends too (the servlet cannot close a connection: once it has
     * given a stream up, Tomcat keeps the connection, with its write still blocked, until its own timeout; Jetty
     * closes it at once).
     */
    private static void assertGivenUp(Fixture f, boolean connectionCloses) throws Exception {
        ScriptedUpstream.Script script =
                f.upstream.enqueueText(Collections.nCopies(50_000, "x").toArray(String[]::new));
        URI uri = f.uri("/responses");
        try (Socket socket = new Socket()) {
            // A small, fixed receive window, and a client that never reads.
            socket.setReceiveBufferSize(32 * 1024);
            socket.setSoTimeout((int) Fixture.TIMEOUT.toMillis());
            socket.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), (int) Fixture.TIMEOUT.toMillis());
            byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();

            assertThat(script.awaitSubscribed(Fixture.TIMEOUT)).isTrue();
            assertThat(script.awaitCancelled(Fixture.TIMEOUT))
                    .as("the upstream call is cancelled while the client still holds its connection")
                    .isTrue();
            assertThat(script.delivered()).isLessThan(script.chunkCount());
            assertThat(f.store.saves.get())
                    .as("an unfinished response is not stored")
                    .isZero();

            if (connectionCloses) {
                // What the client finds when it reads again: what was written before, then the end of the
                // connection, never the end of the response.
                String seen = readToEnd(socket.getInputStream());
                assertThat(seen).startsWith("HTTP/1.1 200").doesNotContain("response.completed");
            }
        }
        // The gateway still serves.
        f.upstream.enqueueText("ok");
        assertThat(f.postJson("{\"model\":\"m\",\"input\":\"hi\"}").status()).isEqualTo(200);
    }

    /** Reads until the server closes the connection (or resets it), within the socket's timeout. */
    private static String readToEnd(InputStream in) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                seen.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open after giving the stream up", e);
        } catch (IOException e) {
            // Reset: the container dropped the connection with bytes unsent.
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }
}
