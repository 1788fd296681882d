package dev.orsgateway.benchmarks;

import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.spi.StoredResponse;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replaying a {@code previous_response_id} chain of {@code depth} responses (each one user message in, one
 * assistant message out) from a real SQLite file, built in a temporary directory, or from the PostgreSQL database at
 * {@code jdbcUrl} ({@code -p jdbcUrl=jdbc:postgresql://localhost:5432/ors?user=...}), where each trial writes a
 * chain of its own beside what is there. Baseline in the same run: finding the chain's last response alone (one
 * row and its items).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplayBenchmark {

    @Param({"10", "100", "1000"})
    public int depth;

    /** Empty: a SQLite file; else a {@code jdbc:postgresql:} URL. */
    @Param({""})
    public String jdbcUrl;

    private Path directory;
    private JdbcResponseStore store;
    private String head;

    @Setup(Level.Trial)
    public void buildChain() throws IOException {
        directory = Files.createTempDirectory("ors-bench-replay");
        store = jdbcUrl.isEmpty()
                ? JdbcResponseStore.open(directory.resolve("ors.db"))
                : JdbcResponseStore.builder().jdbcUrl(jdbcUrl).build();
        // Ids of this trial alone: a PostgreSQL database keeps the chains of earlier trials and runs.
        String trial = Long.toString(System.nanoTime(), 36);
        String previous = null;
        for (int i = 0; i < depth; i++) {
            String id = "resp_" + trial + "_" + i;
            Item input = Fixtures.read(
                    "{\"type\":\"message\",\"id\":\"msg_in_" + i + "\",\"status\":\"completed\",\"role\":\"user\","
                            + "\"content\":[{\"type\":\"input_text\",\"text\":\"Question number " + i
                            + ": what comes next in the story?\"}]}",
                    Item.class);
            Item output = Fixtures.read(
                    "{\"type\":\"message\",\"id\":\"msg_out_" + i + "\",\"status\":\"completed\","
                            + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Answer number "
                            + i + ": the fox jumps over the lazy dog, who was not amused.\",\"annotations\":[]}]}",
                    Item.class);
            Response response = Response.builder()
                    .id(id)
                    .createdAt(1_765_065_600L + i)
                    .completedAt(1_765_065_601L + i)
                    .model("gpt-4o-mini")
                    .previousResponseId(previous)
                    .status(ResponseStatus.COMPLETED)
                    .output(List.of(output))
                    .build();
            store.save(new StoredResponse(response, List.of(input), null));
            previous = id;
        }
        head = previous;
        List<Item> replayed = store.replay(head).orElseThrow();
        if (replayed.size() != 2 * depth) {
            throw new IllegalStateException("replayed " + replayed.size() + " items, expected " + 2 * depth);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Benchmark
    public Optional<List<Item>> replay() {
        return store.replay(head);
    }

    @Benchmark
    public Optional<StoredResponse> findHeadBaseline() {
        return store.find(head);
    }
}
