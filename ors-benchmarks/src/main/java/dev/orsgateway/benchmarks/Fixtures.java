package dev.orsgateway.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatChunkReader;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.json.SseEncoder;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.transcoder.StreamTranscoder;
import dev.orsgateway.transcoder.TranscoderOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The inputs every benchmark and the allocation budget share, so that they measure the same work. */
public final class Fixtures {

    /** Token texts of one to eight bytes, like a tokenizer's; cycled through by the chunk fixtures. */
    private static final String[] TOKENS = {
        " the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog", ".", " It", " was", " not",
        " amused", ",", " and"
    };

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);

    private Fixtures() {}

    /**
     * The JSON of one content chunk as a Chat Completions provider streams it (the shape of OpenAI's, and of the
     * load harness's fake upstream): one {@code data:} payload, without its SSE framing.
     */
    public static byte[] contentChunk(int index) {
        String text = TOKENS[index % TOKENS.length];
        return ("{\"id\":\"chatcmpl-bench1\",\"object\":\"chat.completion.chunk\",\"created\":1765065600,"
                        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@link #TOKENS}' worth of distinct content chunks, as {@link #contentChunk} makes them. */
    public static byte[][] contentChunks() {
        byte[][] chunks = new byte[TOKENS.length][];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = contentChunk(i);
        }
        return chunks;
    }

    /** The first chunk of a stream: the role, and empty content. */
    public static byte[] roleChunk() {
        return ("{\"id\":\"chatcmpl-bench1\",\"object\":\"chat.completion.chunk\",\"created\":1765065600,"
                        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The last chunk of a stream: the finish reason. */
    public static byte[] finishChunk() {
        return ("{\"id\":\"chatcmpl-bench1\",\"object\":\"chat.completion.chunk\",\"created\":1765065600,"
                        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A plain streamed request, as the load harness sends it. */
    public static CreateResponseRequest streamedRequest() {
        return read(
                "{\"model\":\"gpt-4o-mini\",\"input\":\"Tell me a story.\",\"stream\":true}",
                CreateResponseRequest.class);
    }

    /** The transcoder with default options, as the gateway uses it. */
    public static ChatTranscoder transcoder() {
        return ChatTranscoder.create(TranscoderOptions.DEFAULT);
    }

    /** A fresh stream transcoder for {@link #streamedRequest}, already past its role chunk (the response started). */
    public static StreamTranscoder startedStream(ChatTranscoder transcoder, CreateResponseRequest request) {
        Response initial = Response.builder()
                .echo(request)
                .id("resp_bench")
                .createdAt(CLOCK.instant().getEpochSecond())
                .build();
        StreamTranscoder stream = transcoder.open(request, initial, IdGenerator.sequential(), CLOCK);
        stream.onChunk(parseChunk(roleChunk()));
        stream.onChunk(parseChunk(contentChunk(0))); // opens the message item and its text part
        return stream;
    }

    /** Parses a chunk the way the upstream does: its {@code data:} bytes, with the shared mapper. */
    public static ChatChunk parseChunk(byte[] json) {
        try {
            return OrsJson.mapper().readValue(json, ChatChunk.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The gateway's work for one streamed chunk, minus the network: parse its bytes (with the stream's reader, as the
     * upstreams do), transcode it, and encode each
     * resulting event as an SSE frame. Returns the bytes of the frames (so that nothing can be optimized away).
     */
    public static int streamChunk(
            StreamTranscoder stream, ChatChunkReader reader, SseEncoder encoder, byte[] chunkJson) {
        int bytes = 0;
        ChatChunk chunk;
        try {
            chunk = reader.read(chunkJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (ResponseEvent event : stream.onChunk(chunk)) {
            encoder.event(event);
        }
        bytes += encoder.size();
        encoder.clear(); // the servlet writes what one chunk made as one buffer, then reuses it
        return bytes;
    }

    /** The events of a whole streamed response of {@code tokens} text chunks, from created to completed. */
    public static List<ResponseEvent> wholeStream(int tokens) {
        CreateResponseRequest request = streamedRequest();
        StreamTranscoder stream = startedStream(transcoder(), request);
        List<ResponseEvent> events = new ArrayList<>();
        for (int i = 1; i < tokens; i++) {
            events.addAll(stream.onChunk(parseChunk(contentChunk(i))));
        }
        events.addAll(stream.onChunk(parseChunk(finishChunk())));
        events.addAll(stream.onComplete());
        return events;
    }

    /**
     * A conversation of {@code size} items, oldest first, as a store replays it: user messages, assistant messages,
     * function calls and their outputs, in turns of six.
     */
    public static List<Item> history(int size) {
        List<Item> items = new ArrayList<>(size);
        for (int i = 0; items.size() < size; i++) {
            List<String> turn = Arrays.asList(
                    "{\"type\":\"message\",\"id\":\"msg_u" + i + "\",\"status\":\"completed\",\"role\":\"user\","
                            + "\"content\":[{\"type\":\"input_text\",\"text\":\"What is the weather in city number "
                            + i + ", and should I take an umbrella tomorrow morning?\"}]}",
                    "{\"type\":\"function_call\",\"id\":\"fc_" + i + "\",\"call_id\":\"call_" + i
                            + "\",\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"City " + i
                            + "\\\",\\\"unit\\\":\\\"celsius\\\"}\",\"status\":\"completed\"}",
                    "{\"type\":\"function_call_output\",\"id\":\"fco_" + i + "\",\"call_id\":\"call_" + i
                            + "\",\"output\":\"{\\\"temperature_c\\\":18,\\\"conditions\\\":\\\"light rain\\\"}\","
                            + "\"status\":\"completed\"}",
                    "{\"type\":\"message\",\"id\":\"msg_a" + i + "\",\"status\":\"completed\",\"role\":\"assistant\","
                            + "\"content\":[{\"type\":\"output_text\",\"text\":\"It is 18 °C with light rain in City "
                            + i + ". Yes, take an umbrella: the rain should last until noon.\",\"annotations\":[]}]}",
                    "{\"type\":\"message\",\"id\":\"msg_v" + i + "\",\"status\":\"completed\",\"role\":\"user\","
                            + "\"content\":[{\"type\":\"input_text\",\"text\":\"Thanks. And the day after?\"}]}",
                    "{\"type\":\"message\",\"id\":\"msg_b" + i + "\",\"status\":\"completed\",\"role\":\"assistant\","
                            + "\"content\":[{\"type\":\"output_text\",\"text\":\"Dry and sunny, 21 °C.\","
                            + "\"annotations\":[]}]}");
            for (String json : turn) {
                if (items.size() < size) {
                    items.add(read(json, Item.class));
                }
            }
        }
        return items;
    }

    /** A request that continues a conversation, with the function tool its history calls. */
    public static CreateResponseRequest followUpRequest() {
        return read(
                "{\"model\":\"gpt-4o-mini\",\"previous_response_id\":\"resp_prev\",\"input\":\"And next week?\","
                        + "\"instructions\":\"You are a helpful weather assistant.\",\"tools\":[{\"type\":\"function\","
                        + "\"name\":\"get_weather\",\"description\":\"The current weather\",\"parameters\":{"
                        + "\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"},"
                        + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},"
                        + "\"required\":[\"location\"]}}]}",
                CreateResponseRequest.class);
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return OrsJson.read(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
