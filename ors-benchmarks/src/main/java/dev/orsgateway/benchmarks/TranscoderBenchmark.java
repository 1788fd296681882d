package dev.orsgateway.benchmarks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatChunkReader;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.json.SseEncoder;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.transcoder.StreamTranscoder;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The transcoder's cost per streamed text chunk against the Jackson floor, in the same run. Run with {@code -prof gc}
 * for the allocation per chunk ({@code gc.alloc.rate.norm}).
 *
 * <p>{@link #transcode}: the gateway's per-chunk work, as a stream does it: the chunk's JSON read by the stream's
 * {@link ChatChunkReader}, {@link StreamTranscoder#onChunk}, and the events it causes encoded by the stream's
 * {@link SseEncoder}. {@link #transcodeWithMapper}: the same through the mapper alone (parse, then
 * {@link OrsJson#writeBytes} per event), as the gateway did before. One invocation streams {@value #TOKENS} chunks
 * through a fresh transcoder (a response of that many tokens; its start is set up outside the measurement), so the
 * figures are per chunk.
 *
 * <p>{@link #jacksonFloor}: what no gateway built on this mapper can go below: parse the same chunk JSON and write
 * one object of a text delta event's shape and size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TranscoderBenchmark {
    static final int TOKENS = 1024;

    private final ObjectMapper mapper = OrsJson.mapper();
    private final ChatTranscoder transcoder = Fixtures.transcoder();
    private final CreateResponseRequest request = Fixtures.streamedRequest();
    private final byte[][] chunks = Fixtures.contentChunks();
    private StreamTranscoder stream;
    private ChatChunkReader reader;
    private SseEncoder encoder;
    private long sequence;

    /** A text delta event's fields, as a plain record: the floor's event. */
    record DeltaShape(
            @JsonProperty("type") String type,
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            @JsonProperty("delta") String delta,
            @JsonProperty("logprobs") List<Object> logprobs) {}

    @Setup(Level.Invocation)
    public void newResponse() {
        // Level.Invocation is sound here: one invocation is ~1,000 chunks, far longer than the timestamps it costs.
        stream = Fixtures.startedStream(transcoder, request);
        reader = new ChatChunkReader();
        encoder = new SseEncoder();
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int transcode() {
        StreamTranscoder s = stream;
        int bytes = 0;
        for (int i = 0; i < TOKENS; i++) {
            bytes += Fixtures.streamChunk(s, reader, encoder, chunks[i % chunks.length]);
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public void transcodeWithMapper(Blackhole blackhole) throws IOException {
        StreamTranscoder s = stream;
        for (int i = 0; i < TOKENS; i++) {
            ChatChunk chunk = mapper.readValue(chunks[i % chunks.length], ChatChunk.class);
            for (ResponseEvent event : s.onChunk(chunk)) {
                blackhole.consume(OrsJson.writeBytes(event));
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public void jacksonFloor(Blackhole blackhole) throws IOException {
        for (int i = 0; i < TOKENS; i++) {
            ChatChunk chunk = mapper.readValue(chunks[i % chunks.length], ChatChunk.class);
            String text = chunk.choices().get(0).delta().content();
            blackhole.consume(mapper.writeValueAsBytes(
                    new DeltaShape("response.output_text.delta", sequence++, "msg_1", 0, 0, text, List.of())));
        }
    }
}
