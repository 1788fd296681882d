package dev.orsgateway.benchmarks;

import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.json.SseEncoder;
import dev.orsgateway.core.model.ResponseEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding events as SSE frames the way the servlet adapter does ({@link SseEncoder}: straight into a reused buffer,
 * the hot deltas field by field), for a text delta and for {@code response.completed} of a 1,000-token answer.
 * Baselines in the same run: the event's JSON alone through the mapper, and the framing the servlet used before the
 * encoder ({@link SseFrames}: the mapper's bytes, then a frame copied around them).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SseFramingBenchmark {
    private final ResponseEvent textDelta;
    private final ResponseEvent completed;

    public SseFramingBenchmark() {
        List<ResponseEvent> events = Fixtures.wholeStream(1000);
        textDelta = events.stream()
                .filter(e -> e instanceof ResponseEvent.OutputTextDelta)
                .skip(500)
                .findFirst()
                .orElseThrow();
        completed = events.get(events.size() - 1);
        if (!(completed instanceof ResponseEvent.Completed)) {
            throw new IllegalStateException("the stream did not complete: " + completed.type());
        }
    }

    private final SseEncoder encoder = new SseEncoder();

    @Benchmark
    public int textDeltaFrame() {
        encoder.clear();
        return encoder.event(textDelta).size();
    }

    @Benchmark
    public byte[] textDeltaFrameByCopy() {
        return SseFrames.frame(textDelta.type(), OrsJson.writeBytes(textDelta));
    }

    @Benchmark
    public byte[] textDeltaJsonBaseline() {
        return OrsJson.writeBytes(textDelta);
    }

    @Benchmark
    public int completedFrame() {
        encoder.clear();
        return encoder.event(completed).size();
    }

    @Benchmark
    public byte[] completedFrameByCopy() {
        return SseFrames.frame(completed.type(), OrsJson.writeBytes(completed));
    }

    @Benchmark
    public byte[] completedJsonBaseline() {
        return OrsJson.writeBytes(completed);
    }
}
