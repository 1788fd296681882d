package dev.orsgateway.core.chat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.util.List;

/**
 * Reads the chunks of one stream from their JSON bytes (an SSE event's {@code data}), faster than the mapper for the
 * chunks that make up almost all of a stream: it reads the common fields with Jackson's streaming parser, and keeps
 * the strings that repeat from chunk to chunk (id, object, model, fingerprint, role) instead of allocating them anew.
 * Anything else (tool calls, usage, logprobs, unknown fields, a value of an unexpected type) is read by
 * {@link OrsJson}'s mapper, so the result is always the chunk the mapper would read, and malformed JSON fails as it
 * would. Not thread-safe: one reader per stream; it keeps one parser for the stream's life.
 */
public final class ChatChunkReader {
    private static final JsonFactory FACTORY = OrsJson.mapper().getFactory();

    private final Cached id = new Cached();
    private final Cached object = new Cached();
    private final Cached model = new Cached();
    private final Cached fingerprint = new Cached();
    private final Cached tier = new Cached();
    private final Cached role = new Cached();
    private final Cached finishReason = new Cached();

    // One non-blocking parser per stream, fed chunk after chunk as root-level values: its contexts and buffers are
    // made once, not per chunk. Dropped (and made anew) after a chunk it could not read.
    private JsonParser parser;

    /** A reader for one stream. */
    public ChatChunkReader() {}

    /**
     * The chunk in {@code length} bytes of {@code data} from {@code offset}.
     *
     * @throws IOException when they are not a chunk's JSON (as {@link OrsJson}'s mapper reports it)
     */
    public ChatChunk read(byte[] data, int offset, int length) throws IOException {
        ChatChunk fast = null;
        try {
            JsonParser p = parser;
            if (p == null) {
                p = FACTORY.createNonBlockingByteArrayParser();
                parser = p;
            }
            ((ByteArrayFeeder) p.getNonBlockingInputFeeder()).feedInput(data, offset, offset + length);
            fast = readChunk(p);
            // The chunk must be the whole input: the parser then waits for the next chunk's bytes.
            if (fast == null || p.nextToken() != JsonToken.NOT_AVAILABLE) {
                fast = null;
                discardParser();
            }
        } catch (IOException | RuntimeException e) {
            fast = null; // the mapper decides, and reports the error as it would
            discardParser();
        }
        return fast != null ? fast : OrsJson.mapper().readValue(data, offset, length, ChatChunk.class);
    }

    private void discardParser() {
        JsonParser p = parser;
        parser = null;
        if (p != null) {
            try {
                p.close();
            } catch (IOException e) {
                // nothing was read from it that matters
            }
        }
    }

    /** The chunk in {@code data}. */
    public ChatChunk read(byte[] data) throws IOException {
        return read(data, 0, data.length);
    }

    /** The chunk, or null when it needs the mapper. */
    private ChatChunk readChunk(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String chunkId = null;
        String chunkObject = null;
        Long created = null;
        String chunkModel = null;
        String chunkFingerprint = null;
        String chunkTier = null;
        List<ChunkChoice> choices = null;
        boolean seenChoices = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t != JsonToken.FIELD_NAME) {
                return null;
            }
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "id" -> chunkId = string(p, value, id);
                case "object" -> chunkObject = string(p, value, object);
                case "model" -> chunkModel = string(p, value, model);
                case "system_fingerprint" -> chunkFingerprint = string(p, value, fingerprint);
                case "service_tier" -> chunkTier = string(p, value, tier);
                case "created" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        created = null;
                    } else if (value == JsonToken.VALUE_NUMBER_INT
                            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        created = p.getLongValue();
                    } else {
                        return null;
                    }
                }
                case "choices" -> {
                    if (seenChoices) {
                        return null;
                    }
                    seenChoices = true;
                    if (value == JsonToken.VALUE_NULL) {
                        choices = null;
                    } else if (value == JsonToken.START_ARRAY) {
                        choices = readChoices(p);
                        if (choices == null) {
                            return null;
                        }
                    } else {
                        return null;
                    }
                }
                case "usage" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        return null;
                    }
                }
                default -> {
                    return null; // an unknown field goes to extra: the mapper's job
                }
            }
        }
        return new ChatChunk(
                chunkId, chunkObject, created, chunkModel, chunkFingerprint, chunkTier, choices, null, null);
    }

    private List<ChunkChoice> readChoices(JsonParser p) throws IOException {
        ChunkChoice first = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT || first != null) {
                return null; // several choices are rare (n > 1 is never sent): the mapper reads them
            }
            first = readChoice(p);
            if (first == null) {
                return null;
            }
        }
        return first == null ? List.of() : List.of(first);
    }

    private ChunkChoice readChoice(JsonParser p) throws IOException {
        Integer index = null;
        ChatDelta delta = null;
        String reason = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t != JsonToken.FIELD_NAME) {
                return null;
            }
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "index" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        index = null;
                    } else if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                        index = p.getIntValue();
                    } else {
                        return null;
                    }
                }
                case "delta" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        delta = null;
                    } else if (value == JsonToken.START_OBJECT) {
                        delta = readDelta(p);
                        if (delta == null) {
                            return null;
                        }
                    } else {
                        return null;
                    }
                }
                case "finish_reason" -> {
                    reason = string(p, value, finishReason);
                    if (reason == null && value != JsonToken.VALUE_NULL) {
                        return null;
                    }
                }
                case "logprobs" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return new ChunkChoice(index, delta, reason, null, null);
    }

    private ChatDelta readDelta(JsonParser p) throws IOException {
        String deltaRole = null;
        String content = null;
        String refusal = null;
        String reasoningContent = null;
        String reasoning = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t != JsonToken.FIELD_NAME) {
                return null;
            }
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
                return null;
            }
            boolean isNull = value == JsonToken.VALUE_NULL;
            switch (name) {
                case "role" -> deltaRole = isNull ? null : role.of(p);
                case "content" -> content = isNull ? null : p.getText();
                case "refusal" -> refusal = isNull ? null : p.getText();
                case "reasoning_content" -> reasoningContent = isNull ? null : p.getText();
                case "reasoning" -> reasoning = isNull ? null : p.getText();
                case "tool_calls", "function_call" -> {
                    if (!isNull) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return new ChatDelta(deltaRole, content, refusal, null, null, reasoningContent, reasoning, null);
    }

    /** A string value through its cache, null for JSON null; a value of another type makes the chunk slow-path. */
    private static String string(JsonParser p, JsonToken value, Cached cache) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new IOException("not a string");
        }
        return cache.of(p);
    }

    /** The last string seen in one field: equal text gives the same instance. */
    private static final class Cached {
        private String last;

        String of(JsonParser p) throws IOException {
            char[] chars = p.getTextCharacters();
            int offset = p.getTextOffset();
            int length = p.getTextLength();
            String previous = last;
            if (previous != null && previous.length() == length) {
                boolean same = true;
                for (int i = 0; i < length; i++) {
                    if (previous.charAt(i) != chars[offset + i]) {
                        same = false;
                        break;
                    }
                }
                if (same) {
                    return previous;
                }
            }
            String text = new String(chars, offset, length);
            last = text;
            return text;
        }
    }
}
