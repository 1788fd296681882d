package dev.orsgateway.transcoder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Shared test fixtures: chunk streams and requests from {@code src/test/resources}, the fixed clock and ids the
 * goldens are written with, and runs of the synchronous state machine.
 */
final class Fixtures {

    /** {@code created_at} of every test response. */
    static final long CREATED_AT = 1764079223L;

    /** The clock that gives {@code completed_at}: a few seconds after {@link #CREATED_AT}. */
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1764079230L), ZoneOffset.UTC);

    /** The response id of every test response; item ids come from a fresh {@link IdGenerator#sequential()}. */
    static final String RESPONSE_ID = "resp_1";

    private Fixtures() {}

    /** The chunks of {@code streams/<name>.jsonl}, one chunk JSON per line (blank lines skipped). */
    static List<ChatChunk> chunks(String name) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (String line : resource("streams/" + name + ".jsonl").split("\n", -1)) {
            if (!line.isBlank()) {
                chunks.add(read(line, ChatChunk.class));
            }
        }
        return chunks;
    }

    /** The request of {@code streams/<name>.request.json}. */
    static CreateResponseRequest request(String name) {
        return read(resource("streams/" + name + ".request.json"), CreateResponseRequest.class);
    }

    /** The completion of {@code completions/<name>.json}. */
    static ChatCompletion completion(String name) {
        return read(resource("completions/" + name + ".json"), ChatCompletion.class);
    }

    /** A minimal streaming request for {@code model}. */
    static CreateResponseRequest simpleRequest() {
        return read("{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\",\"stream\":true}", CreateResponseRequest.class);
    }

    /** The response as {@code response.created} shows it: the request echoed, fixed id and creation time. */
    static Response initial(CreateResponseRequest request) {
        return Response.builder()
                .echo(request)
                .id(RESPONSE_ID)
                .createdAt(CREATED_AT)
                .build();
    }

    /** A state machine with fresh sequential ids and the fixed clock. */
    static StreamTranscoder transcoder(CreateResponseRequest request) {
        return new StreamTranscoder(request, initial(request), IdGenerator.sequential(), CLOCK);
    }

    /** The transcoder with fresh sequential ids and the fixed clock bound in (never used for toChatRequest). */
    static Bound chatTranscoder() {
        return new Bound(ChatTranscoder.create(TranscoderOptions.DEFAULT), IdGenerator.sequential());
    }

    /** A transcoder with its ids and clock bound, as the gateway calls it. */
    record Bound(ChatTranscoder transcoder, IdGenerator ids) {
        Flow.Publisher<ResponseEvent> transcode(
                CreateResponseRequest request, Response initial, Flow.Publisher<ChatChunk> chunks) {
            return transcoder.transcode(request, initial, chunks, ids, CLOCK);
        }

        Response toResponse(CreateResponseRequest request, Response initial, ChatCompletion completion) {
            return transcoder.toResponse(request, initial, completion, ids, CLOCK);
        }
    }

    /** Every event of one response: {@code chunks}, then {@code onError(failure)} if given, else {@code onComplete}. */
    static List<ResponseEvent> run(CreateResponseRequest request, List<ChatChunk> chunks, Throwable failure) {
        StreamTranscoder transcoder = transcoder(request);
        List<ResponseEvent> events = new ArrayList<>();
        for (ChatChunk chunk : chunks) {
            events.addAll(transcoder.onChunk(chunk));
        }
        events.addAll(failure == null ? transcoder.onComplete() : transcoder.onError(failure));
        return events;
    }

    /** The response of the last event, which must be a lifecycle event. */
    static Response finalResponse(List<ResponseEvent> events) {
        return ((ResponseEvent.Lifecycle) events.get(events.size() - 1)).response();
    }

    /** {@code value} as the tree {@link OrsJson} writes. */
    static JsonNode tree(Object value) {
        return OrsJson.tree(value);
    }

    /** The file under {@code src/test/resources} (the module directory is the working directory of tests). */
    static Path sourceResource(String path) {
        return Path.of("src", "test", "resources").resolve(path);
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return OrsJson.read(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed " + type.getSimpleName() + ": " + json, e);
        }
    }

    static String resource(String path) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readFile(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeFile(Path path, String text) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
