package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.testing.SpecSchemas;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client for the tests: the JDK's {@link WebSocket} over 127.0.0.1. Every message the server sends
 * is checked against the spec as it is read: an {@code error} message with a {@code status} against {@code
 * WebSocketErrorEvent}, anything else as a streaming event. Every wait is bounded by {@link Fixture#TIMEOUT}.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    private static final Set<String> TERMINAL = Set.of("response.completed", "response.incomplete", "response.failed");

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    private final boolean autoRead;
    private WebSocket socket;

    /** How the server closed the connection. */
    record Close(int code, String reason) {}

    private WsClient(boolean autoRead) {
        this.autoRead = autoRead;
    }

    /** Connects to {@code /v1/responses} with {@code headers}; fails the test if the handshake fails. */
    static WsClient connect(Fixture f, Map<String, String> headers) {
        return connect(f.client, wsUri(f.base), headers, true);
    }

    /** Connects without authentication headers. */
    static WsClient connect(Fixture f) {
        return connect(f, Map.of());
    }

    /** Connects to {@code uri}; with {@code autoRead} false the client reads a message only on {@link #read}. */
    static WsClient connect(HttpClient client, URI uri, Map<String, String> headers, boolean autoRead) {
        WsClient listener = new WsClient(autoRead);
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Fixture.TIMEOUT);
        headers.forEach(builder::header);
        try {
            listener.socket = builder.buildAsync(uri, listener).get(Fixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("WebSocket handshake with " + uri + " failed", e);
        }
        return listener;
    }

    /** The handshake's failure: the HTTP answer the server gave instead of 101. */
    static WebSocketHandshakeException refused(Fixture f, Map<String, String> headers) {
        WebSocket.Builder builder = f.client.newWebSocketBuilder().connectTimeout(Fixture.TIMEOUT);
        headers.forEach(builder::header);
        try {
            builder.buildAsync(wsUri(f.base), new WsClient(true))
                    .get(Fixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused;
            }
            throw new AssertionError("the handshake failed otherwise", e);
        } catch (Exception e) {
            throw new AssertionError("the handshake did not finish", e);
        }
        throw new AssertionError("the server accepted the WebSocket connection");
    }

    static URI wsUri(URI base) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + base.getPath() + "/responses");
    }

    /** Sends one text message. */
    void send(String text) {
        try {
            socket.sendText(text, true).get(Fixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("sending failed", e);
        }
    }

    /** Sends a binary message. */
    void sendBinary(byte[] bytes) {
        try {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).get(Fixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("sending failed", e);
        }
    }

    /**
     * Sends a ping and waits for its pong. The server reads a connection's frames in order and answers a ping as it
     * reads it, so once the pong is back every message sent before the ping has been handed to the endpoint.
     */
    void ping() {
        String payload = "ping-" + System.nanoTime();
        try {
            socket.sendPing(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
                    .get(Fixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            while (true) {
                String pong = pongs.poll(Fixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (pong == null) {
                    throw new AssertionError("no pong within " + Fixture.TIMEOUT);
                }
                if (pong.equals(payload)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError("ping failed", e);
        }
    }

    /** The next message, checked against the spec. */
    JsonNode next() {
        String text;
        try {
            text = messages.poll(Fixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (text == null) {
            throw new AssertionError(
                    "no message within " + Fixture.TIMEOUT + (closed.isDone() ? "; closed: " + closed.join() : ""));
        }
        JsonNode message = SpecSchemas.json(text);
        if (isErrorMessage(message)) {
            SpecSchemas.assertValid("WebSocketErrorEvent", message);
        } else {
            SpecSchemas.assertValidEvent(message);
        }
        return message;
    }

    /** The messages of one turn: up to its terminal event or its error message, as the official harness reads. */
    List<JsonNode> turn() {
        List<JsonNode> turn = new ArrayList<>();
        while (true) {
            JsonNode message = next();
            turn.add(message);
            String type = message.path("type").asText();
            if (TERMINAL.contains(type) || type.equals("error")) {
                return turn;
            }
        }
    }

    /** Sends a create and reads its turn. */
    List<JsonNode> create(String json) {
        send(json);
        return turn();
    }

    /** Whether nothing is waiting to be read now. */
    boolean nothingPending() {
        return messages.isEmpty();
    }

    /** Reads (lets the JDK deliver) {@code n} more messages; for a client made without auto-read. */
    void read(long n) {
        socket.request(n);
    }

    /** How the server closed the connection; fails if it did not within the timeout. */
    Close awaitClose() {
        try {
            return closed.get(Fixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the server did not close the connection", e);
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the connection without a close handshake, as a client that vanished. */
    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    static boolean isErrorMessage(JsonNode message) {
        return message.path("type").asText().equals("error") && message.has("status");
    }

    // ---- Listener

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        if (autoRead || !last) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.add(StandardCharsets.UTF_8.decode(message).toString());
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(-1, String.valueOf(error)));
    }

    /** The types of {@code messages}, for exact sequences. */
    static List<String> types(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("type").asText()).toList();
    }

    /** Asserts that {@code turn} is one error message of {@code status} and {@code code}. */
    static JsonNode assertError(List<JsonNode> turn, int status, String code) {
        assertThat(types(turn)).containsExactly("error");
        JsonNode error = turn.get(0);
        assertThat(error.path("status").asInt()).isEqualTo(status);
        assertThat(error.at("/error/code").asText()).isEqualTo(code);
        return error;
    }
}
