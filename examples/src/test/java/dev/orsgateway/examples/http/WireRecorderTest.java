package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The recorder and its rules against a fake server that sends chosen bytes: what is right passes, and what is wrong
 * is reported, so a passing client test means the gateway's bytes were really checked.
 */
@Timeout(30)
class WireRecorderTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpServer server;
    private ExecutorService threads;
    private WireRecorder wire;
    private volatile Answer answer;

    /** What the fake server sends. */
    @FunctionalInterface
    interface Answer {
        void send(HttpExchange exchange) throws IOException;
    }

    @BeforeEach
    void start() throws IOException {
        threads = Executors.newCachedThreadPool();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                answer.send(exchange);
            }
        });
        server.setExecutor(threads);
        server.start();
        wire = WireRecorder.start(server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        wire.close();
        server.stop(0);
        threads.shutdownNow();
    }

    @Test
    void aValidResponseBodyPasses() throws Exception {
        answer = json(200, fixture());

        send("GET", "/v1/responses/resp_phase_schema", null);

        WireRecorder.Exchange exchange = single();
        assertThat(exchange.method).isEqualTo("GET");
        assertThat(exchange.status).isEqualTo(200);
        assertThat(WireRules.problems(exchange)).isEmpty();
    }

    @Test
    void aResponseBodyWithoutARequiredKeyIsReported() throws Exception {
        ObjectNode body = fixture();
        body.remove("usage");
        answer = json(200, body);

        send("POST", "/v1/responses", "{\"model\":\"m\",\"input\":\"hi\"}");

        WireRecorder.Exchange exchange = single();
        assertThat(exchange.requestText()).isEqualTo("{\"model\":\"m\",\"input\":\"hi\"}");
        assertThat(WireRules.problems(exchange))
                .anySatisfy(problem -> assertThat(problem).contains("usage"));
    }

    @Test
    void anErrorBodyMustBeAnErrorPayload() throws Exception {
        answer = json(404, OrsJson.mapper().readTree("{\"error\":{\"message\":\"gone\"}}"));

        send("GET", "/v1/responses/resp_x", null);

        assertThat(WireRules.problems(single()))
                .anySatisfy(problem -> assertThat(problem).contains("type"));
    }

    @Test
    void aWellFormedStreamPasses() throws Exception {
        answer = stream(
                frame("response.created", created(0)),
                ": keep-alive\n\n",
                frame("response.completed", completed(1)),
                "data: [DONE]\n\n");

        send("POST", "/v1/responses", "{}");

        WireRecorder.Exchange exchange = single();
        assertThat(exchange.chunks).hasSize(4);
        assertThat(WireRules.problems(exchange)).isEmpty();
    }

    @Test
    void everyFrameOfAStreamIsChecked() throws Exception {
        answer = stream(
                frame("response.created", created(0)),
                // event: name and type differ
                frame("response.in_progress", created(1)),
                // CRLF line ends
                frame("response.created", created(2)).replace("\n", "\r\n"),
                // two frames in one chunk (fine), the second cut: a chunk that ends inside a (short) frame
                frame("response.created", created(3))
                        + frame("response.created", created(4)).substring(0, 30),
                frame("response.created", created(4)).substring(30),
                // an invalid event: no response
                "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":5}\n\n",
                // a sequence number that goes back, and no [DONE]
                frame("response.completed", completed(1)));

        send("POST", "/v1/responses", "{}");

        List<String> problems = WireRules.problems(single());
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("event: line != type"))
                .anySatisfy(p -> assertThat(p).isEqualTo("the stream has a CR"))
                .anySatisfy(p -> assertThat(p).startsWith("a chunk that ends inside a frame: event: response.created"))
                .anySatisfy(p -> assertThat(p).startsWith("response.completed #5:"))
                .anySatisfy(p -> assertThat(p).startsWith("sequence_number not increasing"))
                .anySatisfy(p -> assertThat(p).isEqualTo("no data: [DONE]"));
    }

    @Test
    void answersOnOneConnectionArePairedWithTheirRequests() throws Exception {
        answer = exchange -> {
            byte[] body = ("{\"status\":\"ok\",\"path\":\"" + exchange.getRequestURI() + "\"}").getBytes(UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        };

        for (int i = 0; i < 3; i++) {
            send("GET", "/v1/health?n=" + i, null);
        }

        assertThat(wire.awaitExchanges(3, Duration.ofSeconds(5))).isTrue();
        assertThat(wire.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        List<WireRecorder.Exchange> exchanges = wire.exchanges();
        assertThat(exchanges).hasSize(3);
        assertThat(exchanges).extracting(e -> e.connection).containsOnly(exchanges.get(0).connection);
        for (int i = 0; i < 3; i++) {
            assertThat(exchanges.get(i).target).isEqualTo("/v1/health?n=" + i);
            assertThat(exchanges.get(i).responseText()).contains("/v1/health?n=" + i);
            assertThat(WireRules.problems(exchanges.get(i))).isEmpty();
        }
        assertThat(wire.errors()).isEmpty();
    }

    @Test
    void aClientThatHangsUpAfterTheTerminalEventPassesAndOneThatLeavesBeforeItDoesNot() throws Exception {
        answer = streamUntilNobodyReads(
                frame("response.created", created(0)), frame("response.completed", completed(1)));
        hangUpAfter("response.completed");
        WireRecorder.Exchange left = single();
        assertThat(left.clientLeft).isTrue();
        assertThat(left.answered()).isFalse();
        assertThat(WireRules.problems(left)).isEmpty();

        wire.close();
        wire = WireRecorder.start(server.getAddress().getPort());
        answer = streamUntilNobodyReads(frame("response.created", created(0)));
        hangUpAfter("response.created");
        assertThat(WireRules.problems(single())).contains("the client left before the terminal event");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private void send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + wire.port() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private WireRecorder.Exchange single() throws InterruptedException {
        assertThat(wire.awaitExchanges(1, Duration.ofSeconds(5))).isTrue();
        assertThat(wire.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(wire.errors()).isEmpty();
        assertThat(wire.exchanges()).hasSize(1);
        return wire.exchanges().get(0);
    }

    private static Answer json(int status, JsonNode body) {
        return exchange -> {
            byte[] bytes = OrsJson.mapper().writeValueAsBytes(body);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    /** An event stream, each string written and flushed on its own: one chunk each. */
    private static Answer stream(String... chunks) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().add("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (String chunk : chunks) {
                out.write(chunk.getBytes(UTF_8));
                out.flush();
            }
        };
    }

    /** An event stream of {@code frames}, then keep-alive comments until the connection breaks. */
    private static Answer streamUntilNobodyReads(String... frames) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().add("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (String frame : frames) {
                out.write(frame.getBytes(UTF_8));
                out.flush();
            }
            try {
                for (int i = 0; i < 100_000; i++) {
                    out.write(": keep-alive\n\n".getBytes(UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                // the recorder closed the connection once the client had left
            }
        };
    }

    /** A raw client that reads the answer until it has seen {@code eventType}, then closes its connection. */
    private void hangUpAfter(String eventType) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), wire.port())) {
            socket.getOutputStream()
                    .write(("POST /v1/responses HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 2\r\n\r\n{}")
                            .getBytes(UTF_8));
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (seen.indexOf("event: " + eventType + "\n") < 0) {
                int n = in.read(buffer);
                assertThat(n).as("the answer ended before %s", eventType).isPositive();
                seen.append(new String(buffer, 0, n, UTF_8));
            }
        }
    }

    private static String frame(String event, JsonNode data) {
        return "event: " + event + "\ndata: " + OrsJson.write(data) + "\n\n";
    }

    private static JsonNode created(int sequence) {
        ObjectNode response = fixture();
        response.put("status", "in_progress");
        response.putNull("completed_at");
        response.putArray("output");
        response.putNull("usage");
        return event("response.created", sequence, response);
    }

    private static JsonNode completed(int sequence) {
        return event("response.completed", sequence, fixture());
    }

    private static JsonNode event(String type, int sequence, JsonNode response) {
        ObjectNode event = OrsJson.mapper().createObjectNode();
        event.put("type", type);
        event.put("sequence_number", sequence);
        event.set("response", response);
        return event;
    }

    /** The compliance suite's phase fixture: a valid ResponseResource. */
    private static ObjectNode fixture() {
        try (InputStream in =
                WireRecorderTest.class.getResourceAsStream("/compliance/response-output-phase-schema.json")) {
            return (ObjectNode) OrsJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
