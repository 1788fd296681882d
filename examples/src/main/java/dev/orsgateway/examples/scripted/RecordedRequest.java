package dev.orsgateway.examples.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A request {@link ScriptedChatServer} received, recorded before it was answered.
 *
 * <p>Instances are created by the server only.
 */
public final class RecordedRequest {

    /** How the server's answer to a request ended. */
    public enum Outcome {
        /** The whole answer was sent (including error answers). */
        COMPLETED,
        /** A {@link Script#dyingAfter(int) dying} script closed the connection on purpose. */
        DIED,
        /** The client went away before the answer was complete. */
        CLIENT_DISCONNECTED,
        /** The server was closed before the answer was complete. */
        SERVER_CLOSED
    }

    private final int sequence;
    private final String method;
    private final String path;
    private final Map<String, List<String>> headers;
    private final String body;
    private final JsonNode json;
    private final ChatCompletionRequest chatRequest;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    RecordedRequest(
            int sequence,
            String method,
            String path,
            Map<String, List<String>> headers,
            String body,
            JsonNode json,
            ChatCompletionRequest chatRequest) {
        this.sequence = sequence;
        this.method = method;
        this.path = path;
        this.headers = headers;
        this.body = body;
        this.json = json;
        this.chatRequest = chatRequest;
    }

    /**
     * The 1-based position of this request among those the server received.
     *
     * @return the sequence number
     */
    public int sequence() {
        return sequence;
    }

    /**
     * The HTTP method.
     *
     * @return e.g. {@code POST}
     */
    public String method() {
        return method;
    }

    /**
     * The request path with its query, if any.
     *
     * @return e.g. {@code /v1/chat/completions}
     */
    public String path() {
        return path;
    }

    /**
     * All request headers, names in lower case.
     *
     * @return an unmodifiable map of the values of each header, in order
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * The first value of a header.
     *
     * @param name the header name, in any case
     * @return the value, or {@code null} when absent
     */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The body as text (UTF-8).
     *
     * @return the body, empty when there was none
     */
    public String body() {
        return body;
    }

    /**
     * The body as a JSON tree.
     *
     * @return the tree, or {@code null} when the body was not JSON
     */
    public JsonNode json() {
        return json;
    }

    /**
     * The chat request's messages, each as {@code "role: text"} (the text of a content array joined), in order: what
     * a test compares to check that a conversation reached the upstream whole.
     *
     * @return the messages; empty when the body has none
     */
    public List<String> messageTexts() {
        List<String> messages = new ArrayList<>();
        if (json == null) {
            return messages;
        }
        for (JsonNode message : json.path("messages")) {
            JsonNode content = message.path("content");
            StringBuilder text = new StringBuilder();
            if (content.isTextual()) {
                text.append(content.asText());
            } else {
                content.forEach(part -> text.append(part.path("text").asText()));
            }
            messages.add(message.path("role").asText() + ": " + text);
        }
        return messages;
    }

    /**
     * The body read as a Chat Completions request.
     *
     * @return the request, or {@code null} when the body could not be read as one
     */
    public ChatCompletionRequest chatRequest() {
        return chatRequest;
    }

    /**
     * Whether the body asked for a stream ({@code "stream": true}).
     *
     * @return true for a streaming request
     */
    public boolean isStreaming() {
        return chatRequest != null && chatRequest.isStreaming();
    }

    /**
     * How the answer ended, if it has.
     *
     * @return the outcome, or empty while the answer is still being sent
     */
    public Optional<Outcome> outcome() {
        return Optional.ofNullable(outcome.getNow(null));
    }

    /**
     * Waits for the answer to end.
     *
     * @param timeout how long to wait
     * @return the outcome, or {@code null} when the answer had not ended within the timeout
     */
    public Outcome awaitOutcome(Duration timeout) {
        try {
            return outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Records the outcome; the first one wins. */
    boolean complete(Outcome value) {
        return outcome.complete(value);
    }

    @Override
    public String toString() {
        return "RecordedRequest#" + sequence + "[" + method + " " + path + ", " + body.length() + " chars]";
    }
}
