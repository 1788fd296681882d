package dev.orsgateway.store.sqlite;

import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.StoredResponse;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: measures saves per second and process CPU per save on a SQLite file, for sequential {@code save}
 * and for {@code saveAsync} with 1, 16 and 256 concurrent savers (each waits for its save before the next, as a
 * stream does), and what {@code continuation} costs against {@code find} then {@code replay} at depths 10 and 100.
 * It prints numbers and asserts nothing about time; CPU is the whole process's (all threads, GC and JIT
 * included) over the timed saves. Run it on demand:
 *
 * <pre>
 * ./mvnw -B -q -o -pl ors-store-sqlite -am verify -Dors.measure=true \
 *     -Dtest=SaveThroughputMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "ors.measure", matches = "true")
class SaveThroughputMeasurement {

    private static final int SAVES = 6_000;
    private static final int WARMUP_SAVES = 4_000;
    private static final int[] SAVERS = {1, 16, 256};
    private static final int[] DEPTHS = {10, 100};
    private static final int READS = 2_001;

    @TempDir
    Path dir;

    private final AtomicInteger ids = new AtomicInteger();

    @Test
    void measure() throws Exception {
        StringBuilder report = new StringBuilder();
        report.append(String.format(
                "SQLite file (WAL, synchronous=NORMAL); each save = 1 user message in + 1 assistant message out "
                        + "(~0.5 KB JSON); %d timed saves after %d warm-up saves per row%n",
                SAVES, WARMUP_SAVES));
        report.append(String.format("%-34s %8s %12s %14s%n", "what", "savers", "saves/s", "CPU us/save"));
        try (JdbcResponseStore store = JdbcResponseStore.open(dir.resolve("sequential.db"))) {
            for (int i = 0; i < WARMUP_SAVES; i++) {
                store.save(link(null));
            }
            long cpu = processCpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < SAVES; i++) {
                store.save(link(null));
            }
            report.append(row("save, one thread", 1, System.nanoTime() - start, processCpuNanos() - cpu));
        }
        for (int savers : SAVERS) {
            try (JdbcResponseStore store = JdbcResponseStore.open(dir.resolve("async-" + savers + ".db"))) {
                runSavers(store, savers, WARMUP_SAVES);
                long cpu = processCpuNanos();
                long start = System.nanoTime();
                runSavers(store, savers, SAVES);
                report.append(
                        row("saveAsync, each saver waits", savers, System.nanoTime() - start, processCpuNanos() - cpu));
            }
        }
        report.append(String.format(
                "%nreading what a continuation needs, chain of 1 in + 1 out per response; median [p10 .. p90] of %d"
                        + " reads after as many warm-up reads%n",
                READS));
        report.append(String.format("%-34s %6s %28s%n", "what", "depth", "us per read"));
        for (int depth : DEPTHS) {
            try (JdbcResponseStore store = JdbcResponseStore.open(dir.resolve("chain-" + depth + ".db"))) {
                String head = null;
                for (int i = 0; i < depth; i++) {
                    StoredResponse link = link(head);
                    store.save(link);
                    head = link.response().id();
                }
                String id = head;
                Runnable findThenReplay = () -> {
                    store.find(id).orElseThrow();
                    store.replay(id).orElseThrow();
                };
                Runnable continuation = () -> store.continuation(id).orElseThrow();
                time(findThenReplay);
                time(continuation);
                report.append(String.format("%-34s %6d %28s%n", "find + replay", depth, time(findThenReplay)));
                report.append(String.format("%-34s %6d %28s%n", "continuation", depth, time(continuation)));
            }
        }
        System.out.print(report);
    }

    private void runSavers(ResponseStore store, int savers, int saves) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(savers);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger left = new AtomicInteger(saves);
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int s = 0; s < savers; s++) {
                running.add(pool.submit(() -> {
                    start.await();
                    while (left.getAndDecrement() > 0) {
                        store.saveAsync(link(null)).join();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> saver : running) {
                saver.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private static String time(Runnable read) {
        long[] nanos = new long[READS];
        for (int i = 0; i < READS; i++) {
            long start = System.nanoTime();
            read.run();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return String.format(
                "%.1f [%.1f .. %.1f]", nanos[READS / 2] / 1e3, nanos[READS / 10] / 1e3, nanos[READS * 9 / 10] / 1e3);
    }

    private static String row(String what, int savers, long wallNanos, long cpuNanos) {
        return String.format(
                "%-34s %8d %12.0f %14.1f%n", what, savers, SAVES / (wallNanos / 1e9), cpuNanos / 1e3 / SAVES);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private StoredResponse link(String previous) {
        int i = ids.incrementAndGet();
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
                .id("resp_" + i)
                .createdAt(1_764_000_000L + i)
                .completedAt(1_764_000_001L + i)
                .status(ResponseStatus.COMPLETED)
                .model("test-model")
                .previousResponseId(previous)
                .output(List.of(answer))
                .build();
        return new StoredResponse(response, List.of(question), "owner");
    }
}
