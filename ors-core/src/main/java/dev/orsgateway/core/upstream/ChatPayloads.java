package dev.orsgateway.core.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatChunkReader;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatError;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a Chat Completions stream event or response body means: a chunk, a completion, the end ({@code [DONE]}), or the
 * provider's error in place of data. Parses with {@link OrsJson}'s mapper; failures are {@link UpstreamErrors}'.
 *
 * <p>Thread-safe.
 */
public final class ChatPayloads {

    private static final ObjectReader CHUNK = OrsJson.mapper().readerFor(ChatChunk.class);
    private static final ObjectReader COMPLETION = OrsJson.mapper().readerFor(ChatCompletion.class);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final String ERROR_EVENT = "error";

    private final UpstreamErrors errors;

    /**
     * Payloads whose failures name the upstream of {@code errors}.
     *
     * @param errors the upstream's error mapping
     */
    public ChatPayloads(UpstreamErrors errors) {
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    /**
     * Whether an event's data is the end of the stream, {@code [DONE]} (surrounding whitespace allowed).
     *
     * @param data the bytes of the event's data
     * @param offset where the data starts
     * @param length its length
     * @return whether it is {@code [DONE]}
     */
    public static boolean isDone(byte[] data, int offset, int length) {
        int start = offset;
        int end = offset + length;
        while (start < end && isWhitespace(data[start])) {
            start++;
        }
        while (end > start && isWhitespace(data[end - 1])) {
            end--;
        }
        if (end - start != DONE.length) {
            return false;
        }
        for (int i = 0; i < DONE.length; i++) {
            if (data[start + i] != DONE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether an event's data is empty or whitespace: a keep-alive in all but name, skipped unless it is an
     * {@code error} event.
     *
     * @param data the bytes of the event's data
     * @param offset where the data starts
     * @param length its length
     * @return whether it is blank
     */
    public static boolean isBlank(byte[] data, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (!isWhitespace(data[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a chunk finishes a choice: after it, a stream may end without {@code [DONE]}.
     *
     * @param chunk a chunk
     * @return whether any choice has a {@code finish_reason}
     */
    public static boolean hasFinishReason(ChatChunk chunk) {
        if (chunk.choices() == null) {
            return false;
        }
        for (ChunkChoice choice : chunk.choices()) {
            if (choice != null && choice.finishReason() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The chunk an event carries (call {@link #isDone} and {@link #isBlank} first).
     *
     * @param eventType the event's {@code event:} field, or {@code null}
     * @param data the UTF-8 bytes of its data
     * @param offset where the data starts
     * @param length its length
     * @return the chunk
     * @throws OrsException for an {@code error} event, an {@code {"error":{...}}} object in place of a chunk (the
     *     provider's error, see {@link UpstreamErrors#streamed}), or data that is not a chunk (502
     *     {@code upstream_bad_response})
     */
    public ChatChunk chunk(String eventType, byte[] data, int offset, int length) {
        return chunk(eventType, data, offset, length, null);
    }

    /**
     * {@link #chunk(String, byte[], int, int)} through the stream's own {@link ChatChunkReader} (faster, and it
     * allocates less, for the common chunk shapes; same result).
     *
     * @param eventType the event's {@code event:} field, or {@code null}
     * @param data the UTF-8 bytes of its data
     * @param offset where the data starts
     * @param length its length
     * @param reader the stream's reader, or {@code null} for the mapper
     * @return the chunk
     * @throws OrsException as {@link #chunk(String, byte[], int, int)}
     */
    public ChatChunk chunk(String eventType, byte[] data, int offset, int length, ChatChunkReader reader) {
        if (ERROR_EVENT.equals(eventType)) {
            throw streamedError(new String(data, offset, length, StandardCharsets.UTF_8));
        }
        ChatChunk chunk;
        try {
            chunk = reader != null ? reader.read(data, offset, length) : CHUNK.readValue(data, offset, length);
        } catch (IOException | RuntimeException e) {
            throw errors.badChunk(new String(data, offset, length, StandardCharsets.UTF_8), e);
        }
        return checkChunk(chunk, () -> new String(data, offset, length, StandardCharsets.UTF_8));
    }

    /**
     * {@link #chunk(String, byte[], int, int)} for data already decoded to text.
     *
     * @param eventType the event's {@code event:} field, or {@code null}
     * @param data the event's data
     * @return the chunk
     * @throws OrsException as {@link #chunk(String, byte[], int, int)}
     */
    public ChatChunk chunk(String eventType, String data) {
        if (ERROR_EVENT.equals(eventType)) {
            throw streamedError(data);
        }
        ChatChunk chunk;
        try {
            chunk = CHUNK.readValue(data);
        } catch (IOException | RuntimeException e) {
            throw errors.badChunk(data, e);
        }
        return checkChunk(chunk, () -> data);
    }

    /**
     * The completion a 2xx answer to a non-streaming request carries.
     *
     * @param body the UTF-8 body
     * @return the completion
     * @throws OrsException for an {@code {"error":{...}}} body (the provider's error) or a body that is not a
     *     completion (502 {@code upstream_bad_response})
     */
    public ChatCompletion completion(byte[] body) {
        ChatCompletion completion;
        try {
            completion = COMPLETION.readValue(body);
        } catch (IOException | RuntimeException e) {
            throw errors.badCompletion(new String(body, StandardCharsets.UTF_8), e);
        }
        if (completion == null) {
            throw errors.badCompletion(new String(body, StandardCharsets.UTF_8), null);
        }
        if (completion.choices() == null && completion.extra().containsKey("error")) {
            // Some providers (OpenRouter among them) answer 200 with an error object.
            throw errors.providerError(
                    ChatError.parse(new String(body, StandardCharsets.UTF_8))
                            .orElseGet(() -> new ChatError("(no message)", null, null, (String) null)),
                    "error in a 200 response");
        }
        return completion;
    }

    /**
     * The models of a 2xx answer to {@code GET /models}: OpenAI's {@code {"object":"list","data":[{"id":..}]}}, which
     * Ollama, vLLM, llama.cpp and OpenRouter also answer with. Entries without an id are skipped.
     *
     * @param body the UTF-8 body
     * @return the models, in the provider's order
     * @throws OrsException for a body that is not such a list (502 {@code upstream_bad_response})
     */
    public List<ModelInfo> models(byte[] body) {
        JsonNode data;
        try {
            data = OrsJson.mapper().readTree(body).path("data");
        } catch (IOException | RuntimeException e) {
            throw errors.badModelList(new String(body, StandardCharsets.UTF_8), e);
        }
        if (!data.isArray()) {
            throw errors.badModelList(new String(body, StandardCharsets.UTF_8), null);
        }
        List<ModelInfo> models = new ArrayList<>(data.size());
        for (JsonNode entry : data) {
            JsonNode id = entry.path("id");
            if (id.isTextual() && !id.textValue().isBlank()) {
                JsonNode ownedBy = entry.path("owned_by");
                models.add(new ModelInfo(
                        id.textValue(),
                        entry.path("created").asLong(0),
                        ownedBy.isTextual() ? ownedBy.textValue() : null));
            }
        }
        return models;
    }

    private ChatChunk checkChunk(ChatChunk chunk, Supplier<String> data) {
        if (chunk == null) {
            throw errors.badChunk(data.get(), null); // the JSON literal null
        }
        if (chunk.choices() == null && chunk.extra().containsKey("error")) {
            // {"error":{...}} in place of a chunk: the provider failed after the stream had begun.
            String text = data.get();
            throw errors.streamed(chunk.findError()
                    .orElseGet(() -> new ChatError(UpstreamErrors.snippet(text, null), null, null, (String) null)));
        }
        return chunk;
    }

    private OrsException streamedError(String data) {
        // An `event: error` frame is an error whatever its data looks like.
        return errors.streamed(ChatError.parse(data)
                .orElseGet(() -> new ChatError(UpstreamErrors.snippet(data, null), null, null, (String) null)));
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
