package dev.orsgateway.benchmarks;

import dev.orsgateway.server.internal.ApiKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a request pays for its API key: finding the key among {@code keys} configured ones (a SHA-256 of the presented
 * key, then a constant-time comparison with every hash), and taking a request from its per-minute limit (a clock read
 * and a compare-and-set), the latter also with two threads on one key. The limit is high enough never to refuse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ApiKeysBenchmark {
    @Param({"1", "100"})
    public int keys;

    private ApiKeys apiKeys;
    private ApiKeys.Key limited;
    private String presented;

    @Setup
    public void setUp() {
        List<ApiKeys.Spec> specs = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String key = "sk-benchmark-" + i + "-0123456789abcdef0123456789";
            specs.add(new ApiKeys.Spec(ApiKeys.sha256(key), "k" + i, Integer.MAX_VALUE, 0, 0, List.of()));
        }
        apiKeys = ApiKeys.of(specs, ApiKeys.NONE, System::nanoTime);
        presented = "sk-benchmark-" + (keys - 1) + "-0123456789abcdef0123456789";
        limited = apiKeys.find(presented).orElseThrow();
    }

    @Benchmark
    public Object authenticate() {
        return apiKeys.find(presented).orElseThrow();
    }

    @Benchmark
    public Object authenticateAndAdmit() {
        ApiKeys.Key key = apiKeys.find(presented).orElseThrow();
        key.admitRequest();
        return key;
    }

    @Benchmark
    public void admitRequest() {
        limited.admitRequest();
    }

    @Benchmark
    @Threads(2)
    public void admitRequestTwoThreads() {
        limited.admitRequest();
    }
}
