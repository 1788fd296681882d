package dev.orsgateway.store.sqlite;

import dev.orsgateway.core.InMemoryResponseStore;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.StoredResponse;
import dev.orsgateway.store.sqlite.internal.JooqResponseStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: measures what replay costs at chain depths 10, 100 and 1000 and prints it; it asserts nothing about
 * time. Times are wall clock on whatever machine runs it, so compare rows of one run, not runs of two machines. Run it on demand:
 *
 * <pre>
 * ./mvnw -B -q -pl ors-store-sqlite -am verify -Dors.measure=true \
 *     -Dtest=ReplayCostMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "ors.measure", matches = "true")
class ReplayCostMeasurement {

    private static final int[] DEPTHS = {10, 100, 1000};
    private static final int WARMUP_ROUNDS = 100;
    private static final int TIMED_RUNS = 101;

    @TempDir
    Path dir;

    @Test
    void measureReplay() throws Exception {
        List<String> statements = new CopyOnWriteArrayList<>();
        Map<Integer, JdbcResponseStore> sqlite = new LinkedHashMap<>();
        Map<Integer, InMemoryResponseStore> memory = new LinkedHashMap<>();
        Map<Integer, Connection> plain = new LinkedHashMap<>();
        Map<Integer, Double> sqliteSaveMs = new LinkedHashMap<>();
        Map<Integer, Double> memorySaveMs = new LinkedHashMap<>();
        try {
            for (int depth : DEPTHS) {
                Path file = dir.resolve("depth-" + depth + ".db");
                JdbcResponseStore store = JdbcResponseStore.builder()
                        .file(file)
                        .executeListener(SqliteResponseStoreTest.recording(statements))
                        .build();
                sqlite.put(depth, store);
                sqliteSaveMs.put(depth, saveChain(store, depth));
                InMemoryResponseStore inMemory = new InMemoryResponseStore();
                memory.put(depth, inMemory);
                memorySaveMs.put(depth, saveChain(inMemory, depth));
                plain.put(depth, DriverManager.getConnection("jdbc:sqlite:" + file));
            }
            // Warm the JIT on every path before timing anything, so the first row is not the coldest.
            for (int round = 0; round < WARMUP_ROUNDS; round++) {
                for (int depth : DEPTHS) {
                    sqlite.get(depth).replay(id(depth - 1)).orElseThrow();
                    memory.get(depth).replay(id(depth - 1)).orElseThrow();
                    queryOnly(plain.get(depth), depth);
                }
            }

            StringBuilder report = new StringBuilder();
            report.append(String.format(
                    "replay of a chain, each response = 1 user message in + 1 assistant message out (~0.5 KB JSON);%n"
                            + "median [min .. max] of %d runs after %d warm-up rounds over all chains%n",
                    TIMED_RUNS, WARMUP_ROUNDS));
            report.append(String.format(
                    "%-34s %6s %6s %26s %8s %13s%n",
                    "what", "depth", "items", "ms per replay", "queries", "ms per save"));
            for (int depth : DEPTHS) {
                JdbcResponseStore store = sqlite.get(depth);
                statements.clear();
                int items = store.replay(id(depth - 1)).orElseThrow().size();
                int queries = statements.size();
                report.append(line(
                        "JdbcResponseStore.replay",
                        depth,
                        items,
                        time(() -> store.replay(id(depth - 1))),
                        Integer.toString(queries),
                        sqliteSaveMs.get(depth)));
                Connection connection = plain.get(depth);
                report.append(line(
                        "  its one query alone (no JSON)",
                        depth,
                        items,
                        time(() -> queryOnly(connection, depth)),
                        "1",
                        Double.NaN));
                InMemoryResponseStore inMemory = memory.get(depth);
                report.append(line(
                        "InMemoryResponseStore.replay",
                        depth,
                        items,
                        time(() -> inMemory.replay(id(depth - 1))),
                        "-",
                        memorySaveMs.get(depth)));
            }
            System.out.print(report);
        } finally {
            for (JdbcResponseStore store : sqlite.values()) {
                store.close();
            }
            for (Connection connection : plain.values()) {
                connection.close();
            }
        }
    }

    private static Object queryOnly(Connection connection, int depth) {
        return JooqResponseStore.replayQuery(DSL.using(connection, SQLDialect.SQLITE), id(depth - 1))
                .fetch();
    }

    private static long[] time(Supplier<?> replay) {
        long[] nanos = new long[TIMED_RUNS];
        for (int i = 0; i < TIMED_RUNS; i++) {
            long start = System.nanoTime();
            replay.get();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static String line(String what, int depth, int items, long[] nanos, String queries, double saveMs) {
        return String.format(
                "%-34s %6d %6d %26s %8s %13s%n",
                what,
                depth,
                items,
                String.format(
                        "%.3f [%.3f .. %.3f]",
                        nanos[TIMED_RUNS / 2] / 1e6, nanos[0] / 1e6, nanos[TIMED_RUNS - 1] / 1e6),
                queries,
                Double.isNaN(saveMs) ? "" : String.format("%.3f", saveMs));
    }

    /** Saves the chain and returns the mean milliseconds per save. */
    private static double saveChain(ResponseStore store, int depth) {
        long start = System.nanoTime();
        for (int i = 0; i < depth; i++) {
            store.save(link(i));
        }
        return (System.nanoTime() - start) / 1e6 / depth;
    }

    private static String id(int i) {
        return "resp_" + i;
    }

    private static StoredResponse link(int i) {
        Item question = new Item.Message(
                "msg_in_" + i,
                null,
                MessageRole.USER,
                List.of(new ContentPart.InputText("Question number " + i + ": what happens next in this story? "
                        + "Please keep the answer short.")),
                null,
                Map.of());
        Item answer = new Item.Message(
                "msg_out_" + i,
                "completed",
                MessageRole.ASSISTANT,
                List.of(new ContentPart.OutputText(("Answer number " + i + ". ").repeat(20))),
                null,
                Map.of());
        Response response = Response.builder()
                .id(id(i))
                .createdAt(1_764_000_000L + i)
                .completedAt(1_764_000_001L + i)
                .status(ResponseStatus.COMPLETED)
                .model("test-model")
                .previousResponseId(i == 0 ? null : id(i - 1))
                .output(List.of(answer))
                .build();
        return new StoredResponse(response, List.of(question), null);
    }
}
