package dev.orsgateway.examples.gateway;

import static dev.orsgateway.examples.gateway.Harness.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.InMemoryResponseStore;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: measures what continuing a conversation with {@code previous_response_id} costs the gateway at chain
 * depths 10, 100 and 1000, and prints it; it asserts nothing about time. The chains are built through the gateway
 * itself (loopback HTTP to the scripted server's demo model, SQLite file store), each turn a short user message and
 * the demo model's "You said: ..." answer. Then {@link OrsGateway#previewUpstreamRequest} is timed: it does
 * everything a continuation does before the upstream call (look the previous response up, replay its chain, translate
 * request plus history into the chat request) and nothing after. Run it on demand:
 *
 * <pre>
 * ./mvnw -B -q -pl examples -am verify -Dors.measure=true \
 *     -Dtest=ContinuationCostMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "ors.measure", matches = "true")
class ContinuationCostMeasurement {

    private static final int[] DEPTHS = {10, 100, 1000};
    private static final int WARMUP_ROUNDS = 100;
    private static final int TIMED_RUNS = 101;

    @TempDir
    Path dir;

    @Test
    void measureContinuation() throws Exception {
        try (Harness h = Harness.start(dir)) {
            Map<Integer, String> lastIds = new LinkedHashMap<>();
            StringBuilder report = new StringBuilder();
            for (int depth : DEPTHS) {
                long start = System.nanoTime();
                lastIds.put(depth, buildChain(h, depth));
                report.append(String.format(
                        "built a chain of %d turns through the gateway in %.1f s%n",
                        depth, (System.nanoTime() - start) / 1e9));
            }

            // The same chains in the in-memory store (which keeps JSON and parses it on replay too), for comparison.
            InMemoryResponseStore memory = new InMemoryResponseStore();
            copyChains(h.store, memory, lastIds.values());
            OrsGateway inMemory = OrsGateway.builder()
                    .transcoder(ChatTranscoder.create())
                    .upstream(h.upstream)
                    .store(memory)
                    .build();

            // Count the SQL statements of one continuation with a store on the same file behind a counting
            // DataSource (one shared connection, so the count is not blurred by pooling).
            List<String> statements = new CopyOnWriteArrayList<>();
            Map<Integer, List<String>> statementsByDepth = new LinkedHashMap<>();
            Map<Integer, Integer> replayStatementsByDepth = new LinkedHashMap<>();
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + h.database);
                    JdbcResponseStore counted = JdbcResponseStore.builder()
                            .dataSource(countingDataSource(connection, statements), SQLDialect.SQLITE)
                            .build()) {
                OrsGateway countedGateway = OrsGateway.builder()
                        .transcoder(ChatTranscoder.create())
                        .upstream(h.upstream)
                        .store(counted)
                        .build();
                for (int depth : DEPTHS) {
                    statements.clear();
                    countedGateway.previewUpstreamRequest(next(lastIds.get(depth)), null);
                    statementsByDepth.put(depth, List.copyOf(statements));
                    statements.clear();
                    counted.replay(lastIds.get(depth)).orElseThrow();
                    replayStatementsByDepth.put(depth, statements.size());
                }
            }

            ChatTranscoder transcoder = ChatTranscoder.create();
            int requests = h.server.requestCount();
            for (int round = 0; round < WARMUP_ROUNDS; round++) {
                for (int depth : DEPTHS) {
                    CreateResponseRequest next = next(lastIds.get(depth));
                    h.gateway.previewUpstreamRequest(next, null);
                    inMemory.previewUpstreamRequest(next, null);
                    List<Item> history = h.store.replay(lastIds.get(depth)).orElseThrow();
                    transcoder.toChatRequest(next, history);
                }
            }

            report.append(String.format(
                    "continuation cost before the upstream call (previewUpstreamRequest: find + replay + translate);%n"
                            + "median [min .. max] ms of %d runs after %d warm-up rounds over all depths%n",
                    TIMED_RUNS, WARMUP_ROUNDS));
            report.append(String.format(
                    "%-44s %6s %9s %10s %26s %5s%n", "what", "depth", "messages", "body KiB", "ms", "SQL"));
            for (int depth : DEPTHS) {
                CreateResponseRequest next = next(lastIds.get(depth));
                ChatCompletionRequest chat = h.gateway.previewUpstreamRequest(next, null);
                assertThat(chat.messages()).hasSize(2 * depth + 1);
                String messages = Integer.toString(chat.messages().size());
                String kib = String.format("%.1f", OrsJson.writeBytes(chat).length / 1024.0);
                report.append(line(
                        "gateway + JdbcResponseStore (end to end)",
                        depth,
                        messages,
                        kib,
                        time(() -> h.gateway.previewUpstreamRequest(next, null)),
                        Integer.toString(statementsByDepth.get(depth).size())));
                report.append(line(
                        "  JdbcResponseStore.replay alone",
                        depth,
                        "",
                        "",
                        time(() -> h.store.replay(lastIds.get(depth))),
                        Integer.toString(replayStatementsByDepth.get(depth))));
                List<Item> history = h.replay(lastIds.get(depth));
                report.append(line(
                        "  ChatTranscoder.toChatRequest alone",
                        depth,
                        messages,
                        kib,
                        time(() -> transcoder.toChatRequest(next, history)),
                        "-"));
                report.append(line(
                        "gateway + InMemoryResponseStore",
                        depth,
                        messages,
                        kib,
                        time(() -> inMemory.previewUpstreamRequest(next, null)),
                        "-"));
            }
            report.append("SQL of one continuation (same at every depth):\n");
            statementsByDepth
                    .get(DEPTHS[DEPTHS.length - 1])
                    .forEach(sql -> report.append("  ")
                            .append(sql.length() > 150 ? sql.substring(0, 150) + " ..." : sql)
                            .append('\n'));
            assertThat(h.server.requestCount()).as("previews call no upstream").isEqualTo(requests);
            System.out.print(report);
        }
    }

    /** Builds a chain of {@code depth} turns through the gateway; returns the last response id. */
    private static String buildChain(Harness h, int depth) {
        String previous = null;
        for (int turn = 1; turn <= depth; turn++) {
            Response response = Harness.await(h.gateway.complete(
                    request("Turn " + turn + " of " + depth + ": tell me more.")
                            .previousResponseId(previous)
                            .build(),
                    null));
            previous = response.id();
        }
        return previous;
    }

    private static CreateResponseRequest next(String previousId) {
        return request("And then?").previousResponseId(previousId).build();
    }

    private static void copyChains(ResponseStore from, ResponseStore to, Iterable<String> lastIds) {
        for (String last : lastIds) {
            List<String> chain = new ArrayList<>();
            for (String id = last; id != null; ) {
                chain.add(id);
                id = from.find(id).orElseThrow().response().previousResponseId();
            }
            for (int i = chain.size() - 1; i >= 0; i--) {
                to.save(from.find(chain.get(i)).orElseThrow());
            }
        }
    }

    /** A DataSource handing out {@code connection} (never closed by its borrowers) that records every statement. */
    private static DataSource countingDataSource(Connection connection, List<String> statements) {
        InvocationHandler connectionHandler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "close":
                    return null;
                case "isClosed":
                    return false;
                case "prepareStatement":
                case "prepareCall":
                    statements.add(String.valueOf(args[0]));
                    break;
                case "createStatement":
                    statements.add("(plain statement)");
                    break;
                default:
                    break;
            }
            return invoke(method, connection, args);
        };
        Connection shared = (Connection) Proxy.newProxyInstance(
                ContinuationCostMeasurement.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                connectionHandler);
        InvocationHandler dataSourceHandler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "getConnection":
                    return shared;
                case "unwrap":
                    return null;
                case "isWrapperFor":
                    return false;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return "counting DataSource";
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        };
        return (DataSource) Proxy.newProxyInstance(
                ContinuationCostMeasurement.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                dataSourceHandler);
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static long[] time(Supplier<?> work) {
        long[] nanos = new long[TIMED_RUNS];
        for (int i = 0; i < TIMED_RUNS; i++) {
            long start = System.nanoTime();
            work.get();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static String line(String what, int depth, String messages, String kib, long[] nanos, String sql) {
        return String.format(
                "%-44s %6d %9s %10s %26s %5s%n",
                what,
                depth,
                messages,
                kib,
                String.format(
                        "%.3f [%.3f .. %.3f]",
                        nanos[TIMED_RUNS / 2] / 1e6, nanos[0] / 1e6, nanos[TIMED_RUNS - 1] / 1e6),
                sql);
    }
}
