package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Clients that send a body or a WebSocket message over the limit in one go and only then read (as a plain Python
 * {@code socket.sendall} client does): each must read its answer, the spec's error, never a reset, on both containers,
 * every time, and the server must go on serving.
 */
@Timeout(180)
class OversizedUploadTest {
    private static final int ROUNDS = 20;
    private static final int BODY = 40 * 1000 * 1000;
    private static final byte[] CRLF = {'\r', '\n'};

    /**
     * {@value #ROUNDS} uploads of 40 MB (over the 32 MiB default), each on a new connection, written whole before
     * anything is read: every one reads the 413 with the spec's error body; then a normal request is served.
     */
    @ParameterizedTest(name = "{0}, chunked: {1}")
    @CsvSource({"TOMCAT, false", "TOMCAT, true", "JETTY, false", "JETTY, true"})
    void everyOversizedUploadWrittenBeforeReadingGetsThe413(ServletContainer container, boolean chunked)
            throws Exception {
        try (Fixture f = Fixture.start(container)) {
            Map<String, Integer> outcomes = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                outcomes.merge(upload(f.base, chunked), 1, Integer::sum);
            }
            assertThat(outcomes).containsExactly(Map.entry("413 request_too_large", ROUNDS));

            f.upstream.enqueueText("Still", " here");
            Fixture.Reply reply = f.postJson("{\"model\":\"m\",\"input\":\"hi\"}");
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            assertThat(f.upstream.requestCount()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}, {1} {2}, chunked: {3}")
    @CsvSource({
        "TOMCAT, POST, /responses, false, text/plain, 415",
        "TOMCAT, POST, /responses, true, text/plain, 415",
        "TOMCAT, POST, /nowhere, false, application/json, 404",
        "TOMCAT, PUT, /responses, false, application/json, 405",
        "TOMCAT, POST, /responses, false, application/json;key, 401",
        "JETTY, POST, /responses, false, text/plain, 415",
        "JETTY, POST, /responses, true, text/plain, 415",
        "JETTY, POST, /nowhere, false, application/json, 404",
        "JETTY, PUT, /responses, false, application/json, 405",
        "JETTY, POST, /responses, false, application/json;key, 401",
    })
    void aBodyRefusedForAnotherReasonWrittenBeforeReadingGetsItsAnswer(
            ServletContainer container, String method, String path, boolean chunked, String type, int status)
            throws Exception {
        boolean keyed = type.endsWith(";key");
        try (Fixture f = Fixture.start(container, c -> keyed ? c.apiKey("secret") : c)) {
            Map<String, Integer> outcomes = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                String outcome = upload(f.base, method, path, keyed ? "application/json" : type, chunked, 10_000_000);
                outcomes.merge(
                        outcome.length() > 3 && Character.isDigit(outcome.charAt(0))
                                ? outcome.substring(0, 3)
                                : outcome,
                        1,
                        Integer::sum);
            }
            assertThat(outcomes).containsExactly(Map.entry(String.valueOf(status), ROUNDS));
        }
    }

    private static String upload(URI base, boolean chunked) {
        return upload(base, "POST", "/responses", "application/json", chunked, BODY);
    }

    /** Writes a {@value #BODY}-byte body, then reads the answer: "status code", or what went wrong. */
    private static String upload(URI base, String method, String path, String type, boolean chunked, int size) {
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) 'x');
        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) Fixture.TIMEOUT.toMillis());
            socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), (int) Fixture.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            String head = method + " " + base.getPath() + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: " + type + "\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n")
                    + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            for (int written = 0; written < size; ) {
                int n = Math.min(block.length, size - written);
                if (chunked) {
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(block, 0, n);
                if (chunked) {
                    out.write(CRLF);
                }
                written += n;
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!answer.contains("\r\n\r\n")) {
                return "no answer: '" + answer + "'";
            }
            String status = answer.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3);
            JsonNode body = OrsJson.mapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            SpecSchemas.assertValid("ErrorPayload", body.get("error"));
            if (status.equals("413")) {
                assertThat(body.at("/error/message").asText()).contains("33554432");
            }
            return status + " " + body.at("/error/code").asText();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /**
     * A WebSocket text message over the limit (32 MiB by default), written whole (one frame, or 1 MiB fragments)
     * before anything is read: the client reads the spec's error event for it, and the connection goes on serving.
     */
    @ParameterizedTest(name = "{0}, fragment: {1}")
    @CsvSource({"TOMCAT, 0", "TOMCAT, 1048576", "JETTY, 0", "JETTY, 1048576"})
    void aWebSocketMessageOverTheLimitGetsItsErrorEvent(ServletContainer container, int fragment) throws Exception {
        try (Fixture f = Fixture.start(container);
                RawWs ws = RawWs.connect(f.base)) {
            ws.sendCreateOfLength(BODY, fragment);
            String first = ws.readText();
            assertThat(first).as("close " + ws.closeCode + " " + ws.closeReason).isNotNull();
            JsonNode error = OrsJson.mapper().readTree(first);
            SpecSchemas.assertValid("WebSocketErrorEvent", error);
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("status").asInt()).isEqualTo(413);
            assertThat(error.at("/error/code").asText()).isEqualTo("request_too_large");

            f.upstream.enqueueText("Still", " here");
            ws.sendText("{\"type\":\"response.create\",\"model\":\"m\",\"input\":\"hi\"}");
            String last;
            do {
                last = ws.readText();
            } while (last != null && !last.startsWith("{\"type\":\"response.completed\""));
            assertThat(last)
                    .as("the next turn completed; close " + ws.closeCode)
                    .isNotNull();
        }
    }
}
