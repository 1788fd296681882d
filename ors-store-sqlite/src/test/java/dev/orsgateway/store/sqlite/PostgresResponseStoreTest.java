package dev.orsgateway.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jooq.impl.DSL.name;

import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.ResponseStore.BrokenChainException;
import dev.orsgateway.core.spi.StoredResponse;
import dev.orsgateway.core.testing.ResponseStoreContract;
import dev.orsgateway.store.sqlite.internal.Schema.Items;
import dev.orsgateway.store.sqlite.internal.Schema.Responses;
import dev.orsgateway.store.sqlite.internal.Schema.SchemaVersion;
import dev.orsgateway.store.sqlite.internal.SchemaMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The store on a real PostgreSQL: one embedded server (zonky's binaries, PostgreSQL 14) per class on a random port
 * of localhost, and a fresh schema for every store the contract asks for. Two stores over one schema stand for two
 * gateway instances behind a load balancer.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PostgresResponseStoreTest extends ResponseStoreContract {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final List<TestConnectionPool> POOLS = new CopyOnWriteArrayList<>();
    private static EmbeddedPostgres postgres;

    /** The schema of the store under test, which the extra tests open more stores on. */
    private String schema;

    @BeforeAll
    static void startPostgres() throws IOException {
        // As root, zonky runs initdb, pg_ctl and postgres under `unshare -U`, where they are not root.
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "localhost")
                .setPGStartupWait(Duration.ofSeconds(30))
                .start();
    }

    @AfterEach
    void closePools() throws SQLException {
        List<String> misuse = new ArrayList<>();
        for (TestConnectionPool pool : POOLS) {
            misuse.addAll(pool.misuse());
            pool.close();
        }
        POOLS.clear();
        assertThat(misuse).as("connections the store gave back changed").isEmpty();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected ResponseStore newStore() {
        schema = freshSchema();
        return open(schema);
    }

    // ---- two gateway instances on one database

    @Test
    void twoInstancesSavingInterleavedChainsFrom8ThreadsLoseNothingAndMixNothing() throws Exception {
        int threads = 8;
        int chains = 32;
        int depth = 5;
        try (JdbcResponseStore first = open(schema);
                JdbcResponseStore second = open(schema)) {
            runConcurrently(threads, worker -> {
                // Each worker grows its own chains a level at a time, switching instance at every link, so each
                // chain is written by both instances and every replay reads what the other instance wrote.
                for (int level = 0; level < depth; level++) {
                    for (int c = worker; c < chains; c += threads) {
                        boolean firstWrites = (level + c) % 2 == 0;
                        (firstWrites ? first : second).save(link(c, level));
                        assertThat((firstWrites ? second : first)
                                        .replay(linkId(c, level))
                                        .orElseThrow())
                                .hasSize(3 * (level + 1));
                    }
                }
                return null;
            });

            for (int c = 0; c < chains; c++) {
                List<String> expected = new ArrayList<>();
                for (int level = 0; level < depth; level++) {
                    String id = linkId(c, level);
                    expected.addAll(List.of(id + "_in1", id + "_in2", id + "_out"));
                    StoredResponse found = second.find(id).orElseThrow();
                    assertThat(found.owner()).isEqualTo("owner-" + c);
                    assertThat(ids(found.inputItems())).containsExactly(id + "_in1", id + "_in2");
                }
                assertThat(ids(first.replay(linkId(c, depth - 1)).orElseThrow()))
                        .containsExactlyElementsOf(expected);
            }
            DSLContext dsl = dsl(schema);
            assertThat(dsl.fetchCount(Responses.TABLE)).isEqualTo(chains * depth);
            assertThat(dsl.fetchCount(Items.TABLE)).isEqualTo(3 * chains * depth);
        }
    }

    @Test
    void twoInstancesRacingToSaveTheSameIdHaveExactlyOneWinner() throws Exception {
        try (JdbcResponseStore first = open(schema);
                JdbcResponseStore second = open(schema)) {
            int rounds = 40;
            for (int round = 0; round < rounds; round++) {
                String id = "resp_race_" + round;
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Object> outcomes = runConcurrently(2, worker -> {
                    JdbcResponseStore instance = worker == 0 ? first : second;
                    StoredResponse mine = chainLink(id, null, "w" + worker);
                    barrier.await(30, TimeUnit.SECONDS);
                    try {
                        instance.save(mine);
                        return "saved by " + worker;
                    } catch (IllegalStateException e) {
                        return e;
                    }
                });

                List<Object> winners =
                        outcomes.stream().filter(String.class::isInstance).toList();
                assertThat(winners).as("round %d: %s", round, outcomes).hasSize(1);
                assertThat(outcomes)
                        .filteredOn(IllegalStateException.class::isInstance)
                        .hasSize(1);
                int winner = winners.get(0).equals("saved by 0") ? 0 : 1;
                StoredResponse found = second.find(id).orElseThrow();
                assertThat(found.owner()).isEqualTo("owner-w" + winner);
                assertThat(ids(found.inputItems())).containsExactly("w" + winner + "_in");
                assertThat(ids(first.replay(id).orElseThrow()))
                        .containsExactly("w" + winner + "_in", "w" + winner + "_out");
            }
        }
    }

    @Test
    void anIdSavedByTheOtherInstanceAfterTheExistenceCheckIsAnIllegalStateNotADataAccessException() throws Exception {
        // Deterministic version of the race: another instance's transaction has inserted the same id but not yet
        // committed, so this store's "is it stored?" check sees nothing and its insert waits on the primary key;
        // the other commits, and only the primary key can refuse the insert. A save queued beside it commits.
        PGSimpleDataSource other = (PGSimpleDataSource) postgres.getDatabase("postgres", "postgres", timeouts());
        other.setCurrentSchema(schema);
        try (Connection otherInstance = other.getConnection()) {
            otherInstance.setAutoCommit(false);
            DSL.using(otherInstance, SQLDialect.POSTGRES)
                    .insertInto(
                            Responses.TABLE,
                            Responses.ID,
                            Responses.OWNER,
                            Responses.CREATED_AT,
                            Responses.RESPONSE_JSON)
                    .values(
                            "resp_1",
                            "owner-other",
                            0L,
                            OrsJson.write(chainLink("resp_1", null, "other").response()))
                    .execute();

            CompletableFuture<Void> mine = store.saveAsync(chainLink("resp_1", null, "mine"));
            CompletableFuture<Void> beside = store.saveAsync(chainLink("resp_2", null, "beside"));
            awaitABackendWaitingOnALock();
            otherInstance.commit();

            assertThatThrownBy(mine::join)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already stored");
            beside.join();
        }
        assertThat(store.find("resp_1").orElseThrow().owner()).isEqualTo("owner-other");
        assertThat(ids(store.replay("resp_2").orElseThrow())).containsExactly("beside_in", "beside_out");
    }

    private static void awaitABackendWaitingOnALock() {
        DSLContext admin = DSL.using(postgres.getPostgresDatabase(), SQLDialect.POSTGRES);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (admin.fetchCount(
                        DSL.table(name("pg_stat_activity")),
                        DSL.field(name("wait_event_type")).eq("Lock"))
                == 0) {
            assertThat(System.nanoTime()).as("a backend waits on a lock").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void instancesStartingAtOnceOnAnEmptyDatabaseMigrateItOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            String fresh = freshSchema();
            int instances = 4;
            CyclicBarrier barrier = new CyclicBarrier(instances);
            List<JdbcResponseStore> started = new CopyOnWriteArrayList<>();
            try {
                runConcurrently(instances, worker -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    started.add(JdbcResponseStore.builder()
                            .dataSource(dataSource(fresh), SQLDialect.POSTGRES)
                            // Widens the race: a migration that did not wait for the others' would meet their
                            // half-created tables.
                            .executeListener(pauseAfterDdl())
                            .build());
                    return null;
                });
                assertThat(started).hasSize(instances);
                DSLContext dsl = dsl(fresh);
                assertThat(dsl.select(SchemaVersion.VERSION)
                                .from(SchemaVersion.TABLE)
                                .orderBy(SchemaVersion.VERSION)
                                .fetch(SchemaVersion.VERSION))
                        .containsExactly(1, 2, 3);
                started.get(0).save(chainLink("resp_1", null, "a"));
                started.get(instances - 1).save(chainLink("resp_2", "resp_1", "b"));
                assertThat(ids(started.get(1).replay("resp_2").orElseThrow()))
                        .containsExactly("a_in", "a_out", "b_in", "b_out");
            } finally {
                started.forEach(JdbcResponseStore::close);
            }
        }
    }

    @Test
    void startingOnTheDefaultSchemaOfANewDatabaseWorks() {
        String database = "ors_db_" + NAMES.incrementAndGet();
        DSLContext admin = DSL.using(postgres.getPostgresDatabase(), SQLDialect.POSTGRES);
        admin.createDatabase(name(database)).execute();
        PGSimpleDataSource dataSource = (PGSimpleDataSource) postgres.getDatabase("postgres", database, timeouts());
        try (JdbcResponseStore onPublic = JdbcResponseStore.builder()
                .dataSource(dataSource, SQLDialect.POSTGRES)
                .build()) {
            onPublic.save(chainLink("resp_1", null, "a"));
            assertThat(ids(onPublic.replay("resp_1").orElseThrow())).containsExactly("a_in", "a_out");
        }
        DSLContext dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        assertThat(dsl.meta().getSchemas("public").get(0).getTables().stream().map(t -> t.getName()))
                .contains("responses", "items", "schema_version");
    }

    @Test
    void aPostgresJdbcUrlOpensAPooledStoreThatClosesItsPool() {
        String database = "ors_url_" + NAMES.incrementAndGet();
        DSLContext admin = DSL.using(postgres.getPostgresDatabase(), SQLDialect.POSTGRES);
        admin.createDatabase(name(database)).execute();
        String url = postgres.getJdbcUrl("postgres", database) + "&connectTimeout=10&socketTimeout=60";
        try (JdbcResponseStore first = JdbcResponseStore.builder()
                        .jdbcUrl(url)
                        .readConnections(2)
                        .build();
                JdbcResponseStore second =
                        JdbcResponseStore.builder().jdbcUrl(url).build()) {
            first.save(chainLink("resp_1", null, "a"));
            second.save(chainLink("resp_2", "resp_1", "b"));
            assertThat(ids(first.replay("resp_2").orElseThrow())).containsExactly("a_in", "a_out", "b_in", "b_out");
            // Each writer keeps one; the pools hold at most 2 + 1 and 4 + 1.
            assertThat(backendsOf(admin, database)).isBetween(2, 3 + 5);
        }
        assertThat(awaitNoBackendsOf(admin, database))
                .as("connections left open after close")
                .isZero();
    }

    @Test
    void textWithANulCharacterAndKeysInAnyOrderComeBackAsSaved() throws Exception {
        // Why the JSON columns stay text (issue 13 asked for jsonb): jsonb refuses \u0000 in a string ("unsupported
        // Unicode escape sequence"), which a tool's output or a model's text may hold, and it reorders keys and
        // rewrites numbers, so a response would not come back as it was saved.
        Item item = OrsJson.read(
                "{\"type\":\"function_call_output\",\"id\":\"fco_1\",\"call_id\":\"call_1\","
                        + "\"output\":\"bytes\\u0000here\",\"zeta\":1e2,\"alpha\":2.50}",
                Item.class);
        store.save(new StoredResponse(response("resp_1", null, List.of()), List.of(item), "owner"));

        List<Item> replayed = store.replay("resp_1").orElseThrow();

        assertThat(OrsJson.write(replayed.get(0)))
                .isEqualTo(OrsJson.write(item))
                .contains("\\u0000");
    }

    @Test
    void aUrlOfAnotherDatabaseIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> JdbcResponseStore.builder().jdbcUrl("jdbc:mysql://u:secret@host/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
    }

    private static int backendsOf(DSLContext admin, String database) {
        return admin.fetchCount(
                DSL.table(name("pg_stat_activity")), DSL.field(name("datname")).eq(database));
    }

    private static int awaitNoBackendsOf(DSLContext admin, String database) {
        // A closed connection's backend takes a moment to exit.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int count;
        while ((count = backendsOf(admin, database)) > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return count;
    }

    @Test
    void replayOfAChainOfDepth100IsOneQuery() {
        List<String> statements = new CopyOnWriteArrayList<>();
        try (JdbcResponseStore counted = JdbcResponseStore.builder()
                .dataSource(dataSource(schema), SQLDialect.POSTGRES)
                .executeListener(SqliteResponseStoreTest.recording(statements))
                .build()) {
            SqliteResponseStoreTest.saveChain(counted, 100);
            statements.clear();

            assertThat(counted.replay("resp_99").orElseThrow()).hasSize(200);

            assertThat(statements).as("statements run by replay").hasSize(1);
            assertThat(statements.get(0)).startsWith("with recursive");

            counted.delete("resp_37");
            statements.clear();
            assertThatThrownBy(() -> counted.replay("resp_99"))
                    .isInstanceOfSatisfying(
                            BrokenChainException.class,
                            e -> assertThat(e.missingId()).isEqualTo("resp_37"));
            assertThat(statements).hasSize(1);
        }
    }

    @Test
    void findReadsOneSnapshotWhileAnotherInstanceDeletes() {
        // find reads the response, then its items. Another instance deleting the response between the two must
        // not yield the response without its items: the reads share one snapshot.
        AtomicBoolean deleted = new AtomicBoolean();
        try (JdbcResponseStore other = open(schema);
                JdbcResponseStore reader = JdbcResponseStore.builder()
                        .dataSource(dataSource(schema), SQLDialect.POSTGRES)
                        .executeListener(new ExecuteListener() {
                            private static final long serialVersionUID = 1L;

                            @Override
                            public void executeEnd(ExecuteContext ctx) {
                                if (ctx.sql().contains("\"response_json\"") && deleted.compareAndSet(false, true)) {
                                    assertThat(other.delete("resp_1")).isTrue();
                                }
                            }
                        })
                        .build()) {
            StoredResponse saved = chainLink("resp_1", null, "a");
            other.save(saved);

            StoredResponse found = reader.find("resp_1").orElseThrow();

            assertThat(deleted).isTrue();
            assertThat(OrsJson.tree(found.response())).isEqualTo(OrsJson.tree(saved.response()));
            assertThat(ids(found.inputItems())).containsExactly("a_in");
            assertThat(reader.find("resp_1")).isEmpty();
        }
    }

    @Test
    void schemaVersionIsRecordedAndMigratingAgainIsANoOp() {
        store.save(chainLink("resp_1", null, "a"));
        DSLContext dsl = dsl(schema);
        int version = dsl.transactionResult(tx -> SchemaMigrations.migrate(tx.dsl()));
        assertThat(version).isEqualTo(SchemaMigrations.latestVersion());
        assertThat(dsl.select(SchemaVersion.VERSION)
                        .from(SchemaVersion.TABLE)
                        .orderBy(SchemaVersion.VERSION)
                        .fetch(SchemaVersion.VERSION))
                .containsExactly(1, 2, 3);
        try (JdbcResponseStore reopened = open(schema)) {
            assertThat(reopened.find("resp_1")).isPresent();
        }
    }

    @Test
    void aSchemaFromANewerVersionIsRefused() {
        DSLContext dsl = dsl(schema);
        dsl.insertInto(SchemaVersion.TABLE, SchemaVersion.VERSION, SchemaVersion.DESCRIPTION, SchemaVersion.APPLIED_AT)
                .values(99, "from the future", 0L)
                .execute();

        assertThatThrownBy(() -> open(schema))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("99");
    }

    // ---- fixtures

    private static String freshSchema() {
        String fresh = "ors_" + NAMES.incrementAndGet();
        DSLContext admin = DSL.using(postgres.getPostgresDatabase(), SQLDialect.POSTGRES);
        admin.createSchema(name(fresh)).execute();
        return fresh;
    }

    /**
     * A pool of connections to the test database whose tables live in {@code schema}, as a gateway instance would
     * have; its connections fail rather than hang.
     */
    private static DataSource dataSource(String schema) {
        PGSimpleDataSource dataSource = (PGSimpleDataSource) postgres.getDatabase("postgres", "postgres", timeouts());
        dataSource.setCurrentSchema(schema);
        TestConnectionPool pool = new TestConnectionPool(dataSource);
        POOLS.add(pool);
        return pool;
    }

    private static Map<String, String> timeouts() {
        return Map.of("connectTimeout", "10", "socketTimeout", "60");
    }

    private static JdbcResponseStore open(String schema) {
        return JdbcResponseStore.builder()
                .dataSource(dataSource(schema), SQLDialect.POSTGRES)
                .build();
    }

    private static DSLContext dsl(String schema) {
        return DSL.using(dataSource(schema), SQLDialect.POSTGRES);
    }

    private static ExecuteListener pauseAfterDdl() {
        return new ExecuteListener() {
            private static final long serialVersionUID = 1L;

            @Override
            public void executeEnd(ExecuteContext ctx) {
                if (ctx.sql().startsWith("create")) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    private interface Worker {
        Object run(int worker) throws Exception;
    }

    /** Runs {@code threads} workers at once and returns their results; the first failure fails the test. */
    private static List<Object> runConcurrently(int threads, Worker work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int worker = t;
                Callable<Object> task = () -> {
                    start.await();
                    return work.run(worker);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<Object> results = new ArrayList<>();
            for (Future<Object> future : futures) {
                try {
                    results.add(future.get(1, TimeUnit.MINUTES));
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }

    private static String linkId(int chain, int level) {
        return "resp_g" + chain + "_l" + level;
    }

    private static StoredResponse link(int chain, int level) {
        String id = linkId(chain, level);
        String previous = level == 0 ? null : linkId(chain, level - 1);
        return new StoredResponse(
                response(id, previous, List.of(assistant(id + "_out", "answer " + id))),
                List.of(user(id + "_in1", "question " + id), user(id + "_in2", "more " + id)),
                "owner-" + chain);
    }
}
