package dev.orsgateway.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.name;

import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.spi.ResponseStore.BrokenChainException;
import dev.orsgateway.core.spi.StoredResponse;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.jooq.CloseableDSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The retention purge on a SQLite file and on PostgreSQL, with a clock the test sets and responses whose
 * {@code created_at} it chooses: no waiting.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RetentionTest {
    private static final long DAY = Duration.ofDays(1).toSeconds();
    private static final long NOW = 1_800_000_000L;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(NOW));

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "localhost")
                .setPGStartupWait(Duration.ofSeconds(30))
                .start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aResponseGoesOnlyWhenItAndEveryResponseContinuingItAreOlderThanTheRetention(String database) {
        try (JdbcResponseStore store = open(database, Duration.ofDays(30))) {
            // A chain continued yesterday keeps its 40- and 35-day-old links.
            save(store, "a1", null, NOW - 40 * DAY);
            save(store, "a2", "a1", NOW - 35 * DAY);
            save(store, "a3", "a2", NOW - DAY);
            // A chain nobody continued within 30 days goes whole.
            save(store, "b1", null, NOW - 40 * DAY);
            save(store, "b2", "b1", NOW - 31 * DAY);
            // A branch: the stale branch goes, the root stays for the fresh one.
            save(store, "c1", null, NOW - 40 * DAY);
            save(store, "c2", "c1", NOW - 39 * DAY);
            save(store, "c3", "c1", NOW - 2 * DAY);
            // Exactly 30 days old is not older than the retention; a second more is.
            save(store, "d1", null, NOW - 30 * DAY);
            save(store, "e1", null, NOW - 30 * DAY - 1);
            save(store, "f1", null, NOW);

            assertThat(store.purgeExpired()).isEqualTo(4);

            for (String gone : List.of("b1", "b2", "c2", "e1")) {
                assertThat(store.find(gone)).as(gone).isEmpty();
                assertThat(store.replay(gone)).as(gone).isEmpty();
            }
            assertThat(ids(store.replay("a3").orElseThrow()))
                    .containsExactly("a1_in", "a1_out", "a2_in", "a2_out", "a3_in", "a3_out");
            assertThat(ids(store.replay("c3").orElseThrow())).containsExactly("c1_in", "c1_out", "c3_in", "c3_out");
            assertThat(store.find("d1")).isPresent();
            assertThat(store.find("f1")).isPresent();
            assertThat(store.purgeExpired()).as("a second purge").isZero();
            assertThat(itemRows(database)).as("item rows").isEqualTo(2 * 7);

            // Ten days on: the 30-day-old response has expired, the chains continued since have not.
            clock.set(Instant.ofEpochSecond(NOW + 10 * DAY));
            assertThat(store.purgeExpired()).isEqualTo(1);
            assertThat(store.find("d1")).isEmpty();
            assertThat(ids(store.replay("a3").orElseThrow())).hasSize(6);

            // Continuing c2's stale branch now finds it gone; the rest of the chain says which link is missing.
            save(store, "c4", "c2", NOW + 10 * DAY);
            Assertions.assertThatThrownBy(() -> store.replay("c4"))
                    .isInstanceOfSatisfying(
                            BrokenChainException.class,
                            e -> assertThat(e.missingId()).isEqualTo("c2"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aPurgeOfMoreThanOneBatchDeletesThemAll(String database) {
        int old = 2 * 500 + 7;
        try (JdbcResponseStore store = open(database, Duration.ofDays(30))) {
            List<CompletableFuture<Void>> saves = new ArrayList<>();
            for (int i = 0; i < old; i++) {
                saves.add(store.saveAsync(link("old" + i, null, NOW - 31 * DAY)));
            }
            saves.add(store.saveAsync(link("young", null, NOW - DAY)));
            CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new)).join();

            assertThat(store.purgeExpired()).isEqualTo(old);
            assertThat(store.find("old0")).isEmpty();
            assertThat(store.find("old" + (old - 1))).isEmpty();
            assertThat(store.find("young")).isPresent();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void withoutARetentionNothingIsPurged(String database) {
        try (JdbcResponseStore store = open(database, null)) {
            save(store, "ancient", null, 0);
            assertThat(store.purgeExpired()).isZero();
            assertThat(store.find("ancient")).isPresent();
        }
    }

    // ---- fixtures

    private JdbcResponseStore open(String database, Duration retention) {
        JdbcResponseStore.Builder builder = JdbcResponseStore.builder().clock(clock);
        if (database.equals("sqlite")) {
            builder.file(dir.resolve("ors.db"));
        } else {
            String name = "ors_retention_" + DATABASES.incrementAndGet();
            DSL.using(postgres.getPostgresDatabase(), SQLDialect.POSTGRES)
                    .createDatabase(name(name))
                    .execute();
            builder.jdbcUrl(postgres.getJdbcUrl("postgres", name));
        }
        if (retention != null) {
            builder.retention(retention);
        }
        return builder.build();
    }

    private int itemRows(String database) {
        String url = database.equals("sqlite")
                ? "jdbc:sqlite:" + dir.resolve("ors.db")
                : postgres.getJdbcUrl("postgres", "ors_retention_" + DATABASES.get());
        try (CloseableDSLContext dsl = DSL.using(url)) {
            return dsl.fetchCount(DSL.table(name("items")));
        }
    }

    private static void save(JdbcResponseStore store, String id, String previous, long createdAt) {
        store.save(link(id, previous, createdAt));
    }

    private static StoredResponse link(String id, String previous, long createdAt) {
        Response response = Response.builder()
                .id(id)
                .createdAt(createdAt)
                .completedAt(createdAt + 1)
                .status(ResponseStatus.COMPLETED)
                .model("test-model")
                .previousResponseId(previous)
                .output(List.of(new Item.Message(
                        id + "_out",
                        "completed",
                        MessageRole.ASSISTANT,
                        List.of(new ContentPart.OutputText("answer " + id)),
                        null,
                        Map.of())))
                .build();
        Item input = new Item.Message(
                id + "_in",
                null,
                MessageRole.USER,
                List.of(new ContentPart.InputText("question " + id)),
                null,
                Map.of());
        return new StoredResponse(response, List.of(input), "owner");
    }

    private static List<String> ids(List<Item> items) {
        return items.stream().map(Item::id).toList();
    }

    /** A clock that stands still until the test moves it. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
