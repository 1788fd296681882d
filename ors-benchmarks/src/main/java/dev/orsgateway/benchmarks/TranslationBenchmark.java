package dev.orsgateway.benchmarks;

import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.transcoder.ChatTranscoder;
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
 * Translating a request that continues a 50-item conversation (messages, function calls, their outputs) into a
 * chat request. Baseline in the same run: writing that chat request's JSON, which the upstream does next anyway.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TranslationBenchmark {
    private final ChatTranscoder transcoder = ChatTranscoder.create();
    private final CreateResponseRequest request = Fixtures.followUpRequest();
    private final List<Item> history = Fixtures.history(50);
    private final ChatCompletionRequest translated = transcoder.toChatRequest(request, history);

    @Benchmark
    public ChatCompletionRequest translateHistory50() {
        return transcoder.toChatRequest(request, history);
    }

    @Benchmark
    public byte[] writeChatRequestBaseline() {
        return OrsJson.writeBytes(translated);
    }
}
