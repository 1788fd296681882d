package dev.orsgateway.server;

import static dev.orsgateway.server.WebSocketComplianceTest.TEXT_TURN;
import static dev.orsgateway.server.WebSocketComplianceTest.completed;
import static dev.orsgateway.server.WebSocketComplianceTest.messages;
import static dev.orsgateway.server.WsClient.assertError;
import static dev.orsgateway.server.WsClient.types;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.testing.ScriptedUpstream;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.server.internal.HttpErrors;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WebSocket mode beyond the official cases, on Tomcat and Jetty with a real client: queued creates, where a {@code
 * store: false} response is and is not visible, eviction, errors that leave the socket usable, the limits (message
 * size, connection duration, idle time, send time), a client that vanishes or does not read, shutdown,
 * authentication and origins. Every message the JDK client reads is validated against {@code openapi.json}.
 */
class WebSocketTest {

    private static String create(String fields) {
        return "{\"type\":\"response.create\",\"model\":\"m\"," + fields + "}";
    }

    private static String id(JsonNode response) {
        return response.path("id").asText();
    }

    /** A text reply held after its first delta until released. */
    private static ScriptedUpstream.Script held(Fixture f, String... deltas) {
        List<ChatChunk> chunks = ScriptedUpstream.textChunks("chatcmpl-held", List.of(deltas));
        return f.upstream.enqueueHeld(chunks.subList(0, 2), chunks.subList(2, chunks.size()));
    }

    /** Reads messages until one of {@code type}; returns them all. */
    private static List<JsonNode> readThrough(WsClient ws, String type) {
        List<JsonNode> read = new ArrayList<>();
        while (read.isEmpty()
                || !read.get(read.size() - 1).path("type").asText().equals(type)) {
            read.add(ws.next());
        }
        return read;
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void createsSentDuringATurnWaitAndRunInOrder(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient ws = WsClient.connect(f)) {
            ScriptedUpstream.Script first = held(f, "One", ".");
            f.upstream.enqueueText("Two", ".");
            f.upstream.enqueueText("Three", ".");

            ws.send(create("\"input\":\"one\",\"store\":false"));
            List<JsonNode> firstTurn = readThrough(ws, "response.output_text.delta"); // in flight, held
            ws.send(create("\"input\":\"two\",\"store\":false"));
            ws.send(create("\"input\":\"three\",\"store\":false"));
            ws.ping(); // the server has both creates now

            assertThat(f.upstream.requestCount())
                    .as("one response in flight per socket")
                    .isEqualTo(1);
            first.release();
            firstTurn.addAll(ws.turn());
            List<JsonNode> second = ws.turn();
            List<JsonNode> third = ws.turn();

            assertThat(types(firstTurn)).containsExactlyElementsOf(TEXT_TURN);
            assertThat(completed(firstTurn).at("/output/0/content/0/text").asText())
                    .isEqualTo("One.");
            assertThat(completed(second).at("/output/0/content/0/text").asText())
                    .isEqualTo("Two.");
            assertThat(completed(third).at("/output/0/content/0/text").asText()).isEqualTo("Three.");
            assertThat(f.upstream.requests())
                    .extracting(request -> messages(request).get(0))
                    .containsExactly("user: one", "user: two", "user: three");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void storeFalseResponsesContinueOnTheirSocketOnly(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient a = WsClient.connect(f);
                WsClient b = WsClient.connect(f)) {
            f.upstream.enqueueText("A", "1");
            f.upstream.enqueueText("A", "2");
            f.upstream.enqueueText("A", "3");
            String first = id(completed(a.create(create("\"input\":\"q1\",\"store\":false"))));
            String second = id(completed(
                    a.create(create("\"input\":\"q2\",\"store\":false,\"previous_response_id\":\"" + first + "\""))));

            // Not on another socket, not over HTTP, not retrievable: it was never stored.
            assertError(
                    b.create(create("\"input\":\"x\",\"store\":false,\"previous_response_id\":\"" + second + "\"")),
                    404,
                    "previous_response_not_found");
            Fixture.Reply http =
                    f.postJson("{\"model\":\"m\",\"input\":\"x\",\"previous_response_id\":\"" + second + "\"}");
            assertThat(http.status()).isEqualTo(404);
            assertThat(http.json().at("/error/code").asText()).isEqualTo("previous_response_not_found");
            assertThat(f.get("/responses/" + second).status()).isEqualTo(404);

            // The socket that made it goes on, the whole chain replayed from its memory, in order.
            completed(a.create(create("\"input\":\"q3\",\"store\":false,\"previous_response_id\":\"" + second + "\"")));
            assertThat(messages(f.upstream.lastRequest()))
                    .containsExactly("user: q1", "assistant: A1", "user: q2", "assistant: A2", "user: q3");
            assertThat(f.store.saves.get()).isZero();
            assertThat(f.upstream.requestCount()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aCreateThatAsksNotToGenerateIsPreparedWithoutTheModelAndContinuedFrom(ServletContainer container)
            throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient ws = WsClient.connect(f)) {
            // What Codex CLI sends first on a socket: the context, "generate": false.
            List<JsonNode> prewarm = ws.create(create("\"input\":\"q1\",\"store\":false,\"generate\":false"));

            assertThat(types(prewarm))
                    .containsExactly("response.created", "response.in_progress", "response.completed");
            JsonNode prepared = prewarm.get(2).path("response");
            SpecSchemas.assertValidResponse(prepared);
            assertThat(prepared.path("status").asText()).isEqualTo("completed");
            assertThat(prepared.path("output")).isEmpty();
            assertThat(f.upstream.requestCount()).isZero();

            f.upstream.enqueueText("A", "1");
            completed(ws.create(
                    create("\"input\":\"q2\",\"store\":false,\"previous_response_id\":\"" + id(prepared) + "\"")));
            assertThat(messages(f.upstream.lastRequest())).containsExactly("user: q1", "user: q2");
            assertThat(f.upstream.requestCount()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void storedResponsesAreSharedThroughTheStore(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient a = WsClient.connect(f);
                WsClient b = WsClient.connect(f)) {
            f.upstream.enqueueText("Stored", ".");
            f.upstream.enqueueText("Again", ".");
            String stored = id(completed(a.create(create("\"input\":\"keep this\""))));

            assertThat(f.get("/responses/" + stored).json().path("status").asText())
                    .isEqualTo("completed");
            completed(b.create(create("\"input\":\"and now?\",\"previous_response_id\":\"" + stored + "\"")));
            assertThat(messages(f.upstream.lastRequest()))
                    .containsExactly("user: keep this", "assistant: Stored.", "user: and now?");
            assertThat(f.store.saves.get()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aContinuationThatFailsInAnyWayEvictsItsPreviousResponse(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient ws = WsClient.connect(f)) {
            // The upstream fails before any output: one error message, with the upstream's status.
            f.upstream.enqueueText("ok");
            String first = id(completed(ws.create(create("\"input\":\"a\",\"store\":false"))));
            f.upstream.enqueueFailure(429, OrsException.TOO_MANY_REQUESTS, "rate_limit_exceeded", "Slow down.");
            JsonNode error = assertError(
                    ws.create(create("\"input\":\"b\",\"store\":false,\"previous_response_id\":\"" + first + "\"")),
                    429,
                    "rate_limit_exceeded");
            assertThat(error.at("/error/message").asText()).isEqualTo("Slow down.");
            assertError(
                    ws.create(create("\"input\":\"c\",\"store\":false,\"previous_response_id\":\"" + first + "\"")),
                    404,
                    "previous_response_not_found");

            // The upstream fails after output: the turn ends with response.failed alone, no error event before it.
            f.upstream.enqueueText("ok");
            String second = id(completed(ws.create(create("\"input\":\"d\",\"store\":false"))));
            f.upstream.enqueueFailureAfter(
                    ScriptedUpstream.partialTextChunks("half"), new IllegalStateException("connection reset"));
            List<JsonNode> failed =
                    ws.create(create("\"input\":\"e\",\"store\":false,\"previous_response_id\":\"" + second + "\""));
            assertThat(types(failed))
                    .containsExactly(
                            "response.created",
                            "response.in_progress",
                            "response.output_item.added",
                            "response.content_part.added",
                            "response.output_text.delta",
                            "response.output_text.done",
                            "response.content_part.done",
                            "response.output_item.done",
                            "response.failed");
            JsonNode response = failed.get(failed.size() - 1).path("response");
            assertThat(response.path("status").asText()).isEqualTo("failed");
            assertThat(response.at("/error/code").asText()).isNotEmpty();
            assertError(
                    ws.create(create("\"input\":\"f\",\"store\":false,\"previous_response_id\":\"" + second + "\"")),
                    404,
                    "previous_response_not_found");

            // A continuation refused here, before the gateway, evicts as well.
            f.upstream.enqueueText("ok");
            String third = id(completed(ws.create(create("\"input\":\"g\",\"store\":false"))));
            assertError(
                    ws.create(create("\"input\":\"h\",\"stream\":false,\"previous_response_id\":\"" + third + "\"")),
                    400,
                    "unsupported_parameter");
            assertError(
                    ws.create(create("\"input\":\"i\",\"store\":false,\"previous_response_id\":\"" + third + "\"")),
                    404,
                    "previous_response_not_found");
            assertThat(f.upstream.requestCount()).isEqualTo(5);
            assertThat(f.upstream.pendingScripts()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void badMessagesAreAnsweredWithOneErrorAndTheSocketStaysUsable(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient ws = WsClient.connect(f)) {
            record Case(String message, String code, String param) {}
            List<Case> cases = List.of(
                    new Case(create("\"input\":\"x\",\"stream\":false"), "unsupported_parameter", "stream"),
                    new Case(create("\"input\":\"x\",\"stream\":\"yes\""), "unsupported_parameter", "stream"),
                    new Case(
                            create("\"input\":\"x\",\"stream_options\":true"),
                            "unsupported_parameter",
                            "stream_options"),
                    new Case(create("\"input\":\"x\",\"background\":true"), "unsupported_parameter", "background"),
                    new Case("{\"type\":\"response.create\",", "invalid_json", null),
                    new Case("not json", "invalid_json", null),
                    new Case("[1,2]", "invalid_type", null),
                    new Case("", "empty_body", null),
                    new Case("{\"model\":\"m\",\"input\":\"x\"}", "missing_required_parameter", "type"),
                    new Case("{\"type\":\"response.cancel\"}", "unsupported_message_type", "type"),
                    new Case(create("\"input\":\"x\",\"temperature\":\"hot\""), "invalid_type", "temperature"));
            for (Case c : cases) {
                JsonNode error = assertError(ws.create(c.message()), 400, c.code());
                assertThat(error.at("/error/param").isNull()
                                || error.at("/error/param").isMissingNode())
                        .as("param of %s", c.message())
                        .isEqualTo(c.param() == null);
                if (c.param() != null) {
                    assertThat(error.at("/error/param").asText()).isEqualTo(c.param());
                }
                assertThat(error.at("/error/message").asText()).doesNotContain("java.", "Exception");
            }
            ws.sendBinary(new byte[] {1, 2, 3});
            assertError(ws.turn(), 400, "unsupported_message_type");

            f.upstream.enqueueText("Still", " here");
            assertThat(types(ws.create(create("\"input\":\"x\"")))).containsExactlyElementsOf(TEXT_TURN);
            // What asks for what a socket does anyway is accepted: Codex CLI sends "stream": true on every create.
            f.upstream.enqueueText("As", " Codex");
            assertThat(types(ws.create(create("\"input\":\"y\",\"stream\":true,\"background\":false,"
                            + "\"stream_options\":{\"include_obfuscation\":false}"))))
                    .containsExactlyElementsOf(TEXT_TURN);
            assertThat(f.upstream.requestCount()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void anUnexpectedFailureIsOneServerErrorAndTheSocketGoesOn(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient ws = WsClient.connect(f)) {
            // Nothing scripted: the upstream's publisher fails with an IllegalStateException, not an OrsException.
            JsonNode error = assertError(ws.create(create("\"input\":\"x\"")), 500, "server_error");
            assertThat(error.at("/error/message").asText()).isEqualTo(HttpErrors.SERVER_ERROR_MESSAGE);

            f.upstream.enqueueText("Fine", ".");
            assertThat(types(ws.create(create("\"input\":\"x\"")))).containsExactlyElementsOf(TEXT_TURN);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aMessageOverTheLimitIsRefusedAndTheSocketStaysUsable(ServletContainer container) throws Exception {
        OrsWebSocketConfig limited =
                OrsWebSocketConfig.builder().maxMessageBytes(200_000).build();
        try (Fixture f = Fixture.start(container, c -> c.webSocket(limited));
                WsClient ws = WsClient.connect(f)) {
            // Just under the limit, in multi-byte characters: one message of many container buffers and frames.
            String big = "é".repeat(99_000);
            f.upstream.enqueueText("Read", ".");
            assertThat(types(ws.create(create("\"input\":\"" + big + "\"")))).containsExactlyElementsOf(TEXT_TURN);
            assertThat(messages(f.upstream.lastRequest())).containsExactly("user: " + big);

            assertError(ws.create(create("\"input\":\"" + big + "é".repeat(1_000) + "\"")), 413, "request_too_large");

            f.upstream.enqueueText("Small", ".");
            assertThat(types(ws.create(create("\"input\":\"small\"")))).containsExactlyElementsOf(TEXT_TURN);

            // The same large message in one frame (the JDK client's framing is its own): above Jetty's default frame
            // size of 64 KiB, still one message.
            f.upstream.enqueueText("One", " frame");
            try (RawWs raw = RawWs.connect(f.base, 64 * 1024)) {
                raw.sendText(create("\"input\":\"" + big + "\""));
                String last;
                do {
                    last = raw.readText();
                } while (last != null && !last.startsWith("{\"type\":\"response.completed\""));
                assertThat(last).as("the turn completed").isNotNull();
            }
            assertThat(messages(f.upstream.lastRequest())).containsExactly("user: " + big);
            assertThat(f.upstream.requestCount()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void atItsTimeLimitAConnectionGetsTheLimitErrorAndIsClosed(ServletContainer container) throws Exception {
        OrsWebSocketConfig shortLived = OrsWebSocketConfig.builder()
                .maxConnectionDuration(Duration.ofMillis(300))
                .build();
        try (Fixture f = Fixture.start(container, c -> c.webSocket(shortLived));
                WsClient ws = WsClient.connect(f)) {
            JsonNode error = assertError(ws.turn(), 400, "websocket_connection_limit_reached");
            assertThat(error.at("/error/message").asText()).contains("300 ms");
            assertThat(ws.awaitClose().code()).isEqualTo(1000);
            assertThat(ws.nothingPending()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void theTimeLimitCancelsATurnInFlightWhichIsNeverIdle(ServletContainer container) throws Exception {
        // The idle timeout is far shorter than the turn: it must not cut a turn that waits for its model.
        OrsWebSocketConfig config = OrsWebSocketConfig.builder()
                .maxConnectionDuration(Duration.ofSeconds(1))
                .idleTimeout(Duration.ofMillis(50))
                .build();
        try (Fixture f = Fixture.start(container, c -> c.webSocket(config));
                WsClient ws = WsClient.connect(f)) {
            ScriptedUpstream.Script stalled = f.upstream.enqueueStallAfter(ScriptedUpstream.partialTextChunks("x"));

            List<JsonNode> turn = ws.create(create("\"input\":\"wait\""));

            assertThat(types(turn))
                    .containsExactly(
                            "response.created",
                            "response.in_progress",
                            "response.output_item.added",
                            "response.content_part.added",
                            "response.output_text.delta",
                            "error");
            assertThat(turn.get(turn.size() - 1).at("/error/code").asText())
                    .isEqualTo("websocket_connection_limit_reached");
            assertThat(stalled.awaitCancelled(Fixture.TIMEOUT)).isTrue();
            assertThat(ws.awaitClose().code()).isEqualTo(1000);
            assertThat(f.store.saves.get()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void anIdleConnectionIsClosed(ServletContainer container) throws Exception {
        OrsWebSocketConfig config =
                OrsWebSocketConfig.builder().idleTimeout(Duration.ofMillis(200)).build();
        try (Fixture f = Fixture.start(container, c -> c.webSocket(config));
                WsClient ws = WsClient.connect(f)) {
            f.upstream.enqueueText("Hi", ".");
            completed(ws.create(create("\"input\":\"hi\"")));

            WsClient.Close close = ws.awaitClose();
            assertThat(close.code()).isEqualTo(1001);
            assertThat(close.reason()).isEqualTo("idle timeout");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aClientThatVanishesMidTurnCancelsTheUpstreamCall(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient ws = WsClient.connect(f)) {
            ScriptedUpstream.Script stalled = f.upstream.enqueueStallAfter(ScriptedUpstream.partialTextChunks("x"));
            ws.send(create("\"input\":\"wait\""));
            readThrough(ws, "response.output_text.delta");

            ws.abort(); // no close handshake: the TCP connection just goes

            assertThat(stalled.awaitCancelled(Fixture.TIMEOUT)).isTrue();
            assertThat(f.store.saves.get()).isZero();
            assertThat(f.gateway.responsesInProgress()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aClientThatDoesNotReadStopsTheUpstream(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            int deltas = 50_000;
            ScriptedUpstream.Script script =
                    f.upstream.enqueueText(Collections.nCopies(deltas, "x").toArray(String[]::new));

            try (RawWs ws = RawWs.connect(f.base, 32 * 1024)) {
                ws.sendText(create("\"input\":\"hi\""));

                assertThat(script.awaitSubscribed(Fixture.TIMEOUT)).isTrue();
                long stalledAt = Fixture.awaitQuiescence(script);
                assertThat(stalledAt)
                        .as("the upstream is paused while the client does not read")
                        .isGreaterThan(0)
                        .isLessThan(script.chunkCount());

                int deltasRead = 0;
                String last = null;
                for (String text = ws.readText(); text != null; text = ws.readText()) {
                    last = text;
                    if (text.startsWith("{\"type\":\"response.output_text.delta\"")) {
                        deltasRead++;
                    }
                    if (text.startsWith("{\"type\":\"response.completed\"")) {
                        break;
                    }
                }
                assertThat(deltasRead).isEqualTo(deltas);
                SpecSchemas.assertValidEvent(SpecSchemas.json(last));
                assertThat(script.delivered()).isEqualTo(script.chunkCount());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aClientThatReadsNothingForTheSendTimeoutIsGivenUp(ServletContainer container) throws Exception {
        OrsWebSocketConfig config =
                OrsWebSocketConfig.builder().sendTimeout(Duration.ofMillis(500)).build();
        try (Fixture f = Fixture.start(container, c -> c.webSocket(config))) {
            ScriptedUpstream.Script script =
                    f.upstream.enqueueText(Collections.nCopies(50_000, "x").toArray(String[]::new));

            try (RawWs ws = RawWs.connect(f.base, 32 * 1024)) {
                ws.sendText(create("\"input\":\"hi\""));

                assertThat(script.awaitCancelled(Fixture.TIMEOUT)).isTrue();
                assertThat(script.delivered()).isLessThan(script.chunkCount());
                assertThat(f.store.saves.get()).isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void shutdownClosesConnectionsAndCancelsTheirTurns(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient ws = WsClient.connect(f)) {
            ScriptedUpstream.Script stalled = f.upstream.enqueueStallAfter(ScriptedUpstream.partialTextChunks("x"));
            ws.send(create("\"input\":\"wait\""));
            readThrough(ws, "response.output_text.delta");

            f.stopServer();

            assertThat(ws.awaitClose().code()).isEqualTo(1001);
            assertThat(stalled.awaitCancelled(Fixture.TIMEOUT)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void connectionsAuthenticateAsRequestsDo(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.apiKey("sk-one").apiKey("sk-two"))) {
            WebSocketHandshakeException missing = WsClient.refused(f, Map.of());
            assertThat(missing.getResponse().statusCode()).isEqualTo(401);
            assertThat(missing.getResponse().headers().firstValue("WWW-Authenticate"))
                    .contains("Bearer");
            WebSocketHandshakeException wrong = WsClient.refused(f, Map.of("Authorization", "Bearer sk-three"));
            assertThat(wrong.getResponse().statusCode()).isEqualTo(401);

            f.upstream.enqueueText("Mine", ".");
            String stored;
            try (WsClient ws = WsClient.connect(f, Map.of("Authorization", "Bearer sk-one"))) {
                stored = id(completed(ws.create(create("\"input\":\"hi\""))));
            }
            // Stored under the key's owner: that key sees it, another does not, over HTTP and over a socket.
            assertThat(f.send(f.request("/responses/" + stored)
                                    .header("Authorization", "Bearer sk-one")
                                    .GET()
                                    .build())
                            .status())
                    .isEqualTo(200);
            assertThat(f.send(f.request("/responses/" + stored)
                                    .header("Authorization", "Bearer sk-two")
                                    .GET()
                                    .build())
                            .status())
                    .isEqualTo(404);
            try (WsClient other = WsClient.connect(f, Map.of("Authorization", "Bearer sk-two"))) {
                assertError(
                        other.create(create("\"input\":\"x\",\"previous_response_id\":\"" + stored + "\"")),
                        404,
                        "previous_response_not_found");
            }
            assertThat(f.upstream.requestCount()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void browserPagesConnectOnlyFromAllowedOrigins(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            WebSocketHandshakeException refused = WsClient.refused(f, Map.of("Origin", "https://evil.example"));
            assertThat(refused.getResponse().statusCode()).isEqualTo(403);
            // A client that can set Authorization is no browser page, whatever its Origin says.
            try (WsClient ws =
                    WsClient.connect(f, Map.of("Origin", "https://evil.example", "Authorization", "Bearer anything"))) {
                f.upstream.enqueueText("ok");
                completed(ws.create(create("\"input\":\"hi\"")));
            }
        }
        OrsWebSocketConfig allowing = OrsWebSocketConfig.builder()
                .allowedOrigin("https://app.example")
                .build();
        try (Fixture f = Fixture.start(container, c -> c.webSocket(allowing));
                WsClient ws = WsClient.connect(f, Map.of("Origin", "https://APP.example"))) {
            f.upstream.enqueueText("ok");
            completed(ws.create(create("\"input\":\"hi\"")));
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void webSocketModeCanBeTurnedOff(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.webSocket(OrsWebSocketConfig.disabled()))) {
            WebSocketHandshakeException refused = WsClient.refused(f, Map.of());
            assertThat(refused.getResponse().statusCode()).isEqualTo(405);
            assertThat(refused.getResponse().headers().firstValue("Allow")).contains("POST");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void theMessagesAreTheEventsOfTheEventStream(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container);
                WsClient ws = WsClient.connect(f)) {
            String[] deltas = {"The ", "same ", "events."};
            f.upstream.enqueueText(deltas);
            Fixture.Reply sse = f.postJson("{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}");
            f.upstream.enqueueText(deltas);
            List<JsonNode> socket = ws.create(create("\"input\":\"hi\""));

            List<JsonNode> stream = Sse.events(sse.bytes());
            assertThat(socket).hasSameSizeAs(stream);
            Iterator<JsonNode> expected = stream.iterator();
            for (JsonNode message : socket) {
                assertThat(withoutIds(message)).isEqualTo(withoutIds(expected.next()));
            }
            assertThat(f.upstream.requests().get(1))
                    .isEqualTo(f.upstream.requests().get(0));
        }
    }

    /** A copy without what differs between two responses made from the same script: ids and times. */
    private static JsonNode withoutIds(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("id", "item_id", "created_at", "completed_at"));
        }
        node.forEach(WebSocketTest::strip);
    }
}
