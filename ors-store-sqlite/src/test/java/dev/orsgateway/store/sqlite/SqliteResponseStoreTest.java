package dev.orsgateway.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.ResponseStore.BrokenChainException;
import dev.orsgateway.core.spi.StoredResponse;
import dev.orsgateway.core.testing.ResponseStoreContract;
import dev.orsgateway.store.sqlite.internal.JooqResponseStore;
import dev.orsgateway.store.sqlite.internal.Schema.SchemaVersion;
import dev.orsgateway.store.sqlite.internal.SchemaMigrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

class SqliteResponseStoreTest extends ResponseStoreContract {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("nested/dirs/ors.db");
    }

    @Override
    protected ResponseStore newStore() {
        return JdbcResponseStore.open(file());
    }

    @Test
    void reopeningTheFileSeesTheData() {
        store.save(chainLink("resp_1", null, "a"));
        store.save(chainLink("resp_2", "resp_1", "b"));
        ((JdbcResponseStore) store).close();

        try (JdbcResponseStore reopened = JdbcResponseStore.open(file())) {
            assertThat(reopened.find("resp_2")).isPresent();
            assertThat(ids(reopened.replay("resp_2").orElseThrow())).containsExactly("a_in", "a_out", "b_in", "b_out");
        }
    }

    @Test
    void schemaVersionIsRecordedAndTheJournalIsWal() throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl())) {
            DSLContext dsl = DSL.using(connection, SQLDialect.SQLITE);

            assertThat(dsl.select(SchemaVersion.VERSION)
                            .from(SchemaVersion.TABLE)
                            .orderBy(SchemaVersion.VERSION)
                            .fetch(SchemaVersion.VERSION))
                    .containsExactly(1, 2, 3);
            assertThat(SchemaMigrations.latestVersion()).isEqualTo(3);
            // WAL is a property of the file, so a plain connection sees it too.
            assertThat(dsl.fetchValue("pragma journal_mode")).isEqualTo("wal");
        }
    }

    @Test
    void migratingAgainIsANoOp() throws Exception {
        store.save(chainLink("resp_1", null, "a"));
        ((JdbcResponseStore) store).close();

        try (Connection connection = DriverManager.getConnection(jdbcUrl())) {
            DSLContext dsl = DSL.using(connection, SQLDialect.SQLITE);
            assertThat(SchemaMigrations.migrate(dsl)).isEqualTo(3);
            assertThat(SchemaMigrations.migrate(dsl)).isEqualTo(3);
            assertThat(dsl.fetchCount(SchemaVersion.TABLE)).isEqualTo(3);
        }
        try (JdbcResponseStore reopened = JdbcResponseStore.open(file())) {
            assertThat(reopened.find("resp_1")).isPresent();
        }
    }

    @Test
    void migrationOnAnEmptyDatabaseCreatesEverythingOnce() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("empty.db"))) {
            DSLContext dsl = DSL.using(connection, SQLDialect.SQLITE);

            int first = dsl.transactionResult(tx -> SchemaMigrations.migrate(tx.dsl()));
            int second = dsl.transactionResult(tx -> SchemaMigrations.migrate(tx.dsl()));

            assertThat(first).isEqualTo(3);
            assertThat(second).isEqualTo(3);

            assertThat(dsl.meta().getTables().stream().map(t -> t.getName()))
                    .contains("responses", "items", "schema_version");
            assertThat(dsl.fetchCount(SchemaVersion.TABLE)).isEqualTo(3);
        }
    }

    @Test
    void aVersionOneDatabaseGainsTheUpstreamColumnAndKeepsItsResponses() throws Exception {
        store.save(chainLink("resp_1", null, "a"));
        ((JdbcResponseStore) store).close();
        // Back to what version 1 made: no upstream column, no created_at index, one migration recorded.
        try (Connection connection = DriverManager.getConnection(jdbcUrl())) {
            DSLContext dsl = DSL.using(connection, SQLDialect.SQLITE);
            dsl.execute("alter table responses drop column upstream");
            dsl.execute("drop index responses_created_at_idx");
            dsl.deleteFrom(SchemaVersion.TABLE)
                    .where(SchemaVersion.VERSION.ge(2))
                    .execute();
        }

        try (JdbcResponseStore reopened = JdbcResponseStore.open(file())) {
            StoredResponse old = reopened.find("resp_1").orElseThrow();
            assertThat(old.upstream()).isNull();
            assertThat(ids(reopened.replay("resp_1").orElseThrow())).containsExactly("a_in", "a_out");
            reopened.save(new StoredResponse(chainLink("resp_2", "resp_1", "b").response(), List.of(), null, "ollama"));
            assertThat(reopened.find("resp_2").orElseThrow().upstream()).isEqualTo("ollama");
        }
    }

    @Test
    void aSchemaFromANewerVersionIsRefused() throws Exception {
        ((JdbcResponseStore) store).close();
        try (Connection connection = DriverManager.getConnection(jdbcUrl())) {
            DSL.using(connection, SQLDialect.SQLITE)
                    .insertInto(
                            SchemaVersion.TABLE,
                            SchemaVersion.VERSION,
                            SchemaVersion.DESCRIPTION,
                            SchemaVersion.APPLIED_AT)
                    .values(99, "from the future", 0L)
                    .execute();
        }

        assertThatThrownBy(() -> JdbcResponseStore.open(file()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("99");
    }

    @Test
    void replayOfAChainOfDepth100IsOneQuery() {
        List<String> statements = new CopyOnWriteArrayList<>();
        try (JdbcResponseStore counted = JdbcResponseStore.builder()
                .file(dir.resolve("counted.db"))
                .executeListener(recording(statements))
                .build()) {
            saveChain(counted, 100);
            statements.clear();

            assertThat(counted.replay("resp_99").orElseThrow()).hasSize(200);

            assertThat(statements).as("statements run by replay").hasSize(1);
            assertThat(statements.get(0)).startsWith("with recursive");
        }
    }

    @Test
    void brokenChainOfDepth100IsFoundInTheSameOneQuery() {
        List<String> statements = new CopyOnWriteArrayList<>();
        try (JdbcResponseStore counted = JdbcResponseStore.builder()
                .file(dir.resolve("counted.db"))
                .executeListener(recording(statements))
                .build()) {
            saveChain(counted, 100);
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
    void replayQueryRendersForPostgres() {
        String sql = JooqResponseStore.replayQuery(DSL.using(SQLDialect.POSTGRES), "resp_1")
                .getSQL();

        assertThat(sql).startsWith("with recursive \"chain\"(\"id\", \"previous_id\", \"depth\") as (");
    }

    @Test
    void storeWorksOnAJdbcUrlAndOnAUserDataSource() {
        try (JdbcResponseStore byUrl = JdbcResponseStore.builder()
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("by-url.db"))
                .build()) {
            assertSavesAndReplays(byUrl);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(5000);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + dir.resolve("by-data-source.db"));
        try (JdbcResponseStore byDataSource = JdbcResponseStore.builder()
                .dataSource(dataSource, SQLDialect.SQLITE)
                .build()) {
            assertSavesAndReplays(byDataSource);
            assertThat(byDataSource.delete("resp_2")).isTrue();
        }
    }

    @Test
    void inMemoryUrlSharesOneConnection() {
        try (JdbcResponseStore memory =
                JdbcResponseStore.builder().jdbcUrl("jdbc:sqlite::memory:").build()) {
            assertSavesAndReplays(memory);
            assertThat(memory.inputItems("resp_1", PageRequest.DEFAULT)
                            .orElseThrow()
                            .data())
                    .hasSize(1);
        }
    }

    @Test
    void twoStoresOnOneFileWriteConcurrently() throws Exception {
        // Two stores on one file stand for two gateway processes: their writes meet only in SQLite's lock.
        try (JdbcResponseStore first = JdbcResponseStore.open(file());
                JdbcResponseStore second = JdbcResponseStore.open(file())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            try {
                for (int w = 0; w < 4; w++) {
                    JdbcResponseStore target = w % 2 == 0 ? first : second;
                    int writer = w;
                    writers.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 50; i++) {
                            String previous = i == 0 ? null : "resp_w" + writer + "_" + (i - 1);
                            target.save(chainLink("resp_w" + writer + "_" + i, previous, "w" + writer + "_" + i));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> w : writers) {
                    w.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
            }
            for (int w = 0; w < 4; w++) {
                assertThat(first.replay("resp_w" + w + "_49").orElseThrow()).hasSize(100);
            }
        }
    }

    @Test
    void closedStoreRefusesCalls() {
        JdbcResponseStore sqlite = (JdbcResponseStore) store;
        sqlite.close();
        sqlite.close();

        assertThatThrownBy(() -> sqlite.find("resp_1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sqlite.save(chainLink("resp_1", null, "a"))).isInstanceOf(IllegalStateException.class);
    }

    // ---- the writer thread

    @Test
    void savesQueuedWhenTheStoreClosesAreInTheFile() throws Exception {
        List<CompletableFuture<Void>> saves = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            saves.add(store.saveAsync(chainLink("resp_" + i, i == 0 ? null : "resp_" + (i - 1), "r" + i)));
        }
        ((JdbcResponseStore) store).close();

        assertThat(saves).allSatisfy(save -> assertThat(save).isCompleted());
        try (JdbcResponseStore reopened = JdbcResponseStore.open(file())) {
            assertThat(reopened.continuation("resp_499").orElseThrow().items()).hasSize(1000);
        }
    }

    @Test
    void readsDoNotWaitForAnOpenWriteTransaction() throws Exception {
        ((JdbcResponseStore) store).close();
        store = JdbcResponseStore.builder()
                .file(file())
                .busyTimeout(Duration.ofMinutes(1))
                .build();
        store.save(chainLink("resp_1", null, "a"));
        try (Connection otherProcess = DriverManager.getConnection(jdbcUrl())) {
            // Another writer holds SQLite's write lock with uncommitted rows; the store's writer waits for it.
            otherProcess.createStatement().execute("begin immediate");
            otherProcess.createStatement().execute("delete from items");
            CompletableFuture<Void> queued = store.saveAsync(chainLink("resp_2", "resp_1", "b"));

            assertThat(ids(store.find("resp_1").orElseThrow().inputItems())).containsExactly("a_in");
            assertThat(store.replay("resp_1").orElseThrow()).hasSize(2);
            assertThat(store.continuation("resp_1").orElseThrow().items()).hasSize(2);
            assertThat(store.inputItems("resp_1", PageRequest.DEFAULT)
                            .orElseThrow()
                            .data())
                    .hasSize(1);
            assertThat(store.find("resp_2")).isEmpty();

            otherProcess.createStatement().execute("rollback");
            queued.get(1, TimeUnit.MINUTES);
        }
        assertThat(ids(store.replay("resp_2").orElseThrow())).containsExactly("a_in", "a_out", "b_in", "b_out");
    }

    @Test
    void aFullQueueRefusesAnAsyncSaveAtOnceWithA503AndRetryAfter() throws Exception {
        int capacity = 4;
        try (JdbcResponseStore small = JdbcResponseStore.builder()
                        .file(dir.resolve("small.db"))
                        .saveQueueCapacity(capacity)
                        .busyTimeout(Duration.ofMinutes(1))
                        .build();
                Connection otherProcess = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("small.db"))) {
            otherProcess.createStatement().execute("begin immediate");
            // The writer holds at most one batch while it waits for the lock, so the queue fills within
            // capacity + the largest batch + 1 saves.
            List<CompletableFuture<Void>> accepted = new ArrayList<>();
            CompletableFuture<Void> refused = null;
            for (int i = 0; i < capacity + 256 + 1 && refused == null; i++) {
                CompletableFuture<Void> save = small.saveAsync(chainLink("resp_" + i, null, "r" + i));
                if (save.isCompletedExceptionally()) {
                    refused = save;
                } else {
                    accepted.add(save);
                }
            }

            assertThat(refused).as("a save refused").isNotNull();
            assertThatThrownBy(refused::join).cause().isInstanceOfSatisfying(OrsException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(503);
                assertThat(e.error().code()).isEqualTo("store_overloaded");
                assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
            });
            otherProcess.createStatement().execute("rollback");
            for (CompletableFuture<Void> save : accepted) {
                save.get(1, TimeUnit.MINUTES);
            }
            assertThat(small.find("resp_0")).isPresent();
        }
    }

    @Test
    void aTransactionThatCannotStartFailsEveryFutureOfItsBatchAndTheWriterRecovers() throws Exception {
        try (JdbcResponseStore impatient = JdbcResponseStore.builder()
                        .file(dir.resolve("impatient.db"))
                        .busyTimeout(Duration.ZERO)
                        .build();
                Connection otherProcess = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("impatient.db"))) {
            otherProcess.createStatement().execute("begin immediate");
            List<CompletableFuture<Void>> saves = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                saves.add(impatient.saveAsync(chainLink("resp_" + i, null, "r" + i)));
            }
            for (CompletableFuture<Void> save : saves) {
                assertThatThrownBy(() -> save.get(1, TimeUnit.MINUTES)).cause().isInstanceOf(DataAccessException.class);
            }
            otherProcess.createStatement().execute("rollback");

            impatient.save(chainLink("resp_after", null, "after"));
            assertThat(impatient.find("resp_after")).isPresent();
            for (int i = 0; i < 10; i++) {
                assertThat(impatient.find("resp_" + i)).isEmpty();
            }
        }
    }

    @Test
    void continuationOfAChainOfDepth100IsOneQuery() {
        List<String> statements = new CopyOnWriteArrayList<>();
        try (JdbcResponseStore counted = JdbcResponseStore.builder()
                .file(dir.resolve("counted.db"))
                .executeListener(recording(statements))
                .build()) {
            saveChain(counted, 100);
            counted.delete("resp_37");
            statements.clear();

            assertThat(counted.continuation("resp_36").orElseThrow().items()).hasSize(74);
            assertThat(counted.continuation("resp_99").orElseThrow().missingAncestorId())
                    .isEqualTo("resp_37");

            assertThat(statements).as("statements run by two continuations").hasSize(2);
            assertThat(statements.get(0)).startsWith("with recursive");
        }
    }

    @Test
    void fileStoreCreatesItsDirectories() throws Exception {
        assertThat(Files.isRegularFile(file())).isTrue();
    }

    private String jdbcUrl() {
        return "jdbc:sqlite:" + file();
    }

    private static void assertSavesAndReplays(JdbcResponseStore target) {
        target.save(chainLink("resp_1", null, "a"));
        target.save(chainLink("resp_2", "resp_1", "b"));
        assertThat(ids(target.replay("resp_2").orElseThrow())).containsExactly("a_in", "a_out", "b_in", "b_out");
    }

    static void saveChain(ResponseStore target, int depth) {
        for (int i = 0; i < depth; i++) {
            StoredResponse link = chainLink("resp_" + i, i == 0 ? null : "resp_" + (i - 1), "r" + i);
            target.save(link);
        }
    }

    static ExecuteListener recording(List<String> statements) {
        return new ExecuteListener() {
            private static final long serialVersionUID = 1L;

            @Override
            public void executeStart(ExecuteContext ctx) {
                statements.add(ctx.sql());
            }
        };
    }
}
