package dev.orsgateway.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.StoredResponse;
import dev.orsgateway.store.sqlite.internal.Database;
import dev.orsgateway.store.sqlite.internal.JooqResponseStore;
import dev.orsgateway.store.sqlite.internal.SchemaMigrations;
import dev.orsgateway.store.sqlite.internal.SqliteConnections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.impl.DataSourceConnectionProvider;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultConnectionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ResponseStore} in a SQL database through jOOQ: a SQLite file by default (WAL journal, {@code
 * synchronous=NORMAL}, 5 s busy timeout, foreign keys on), or PostgreSQL at a {@code jdbc:postgresql:} URL (through a
 * pool of its own) or behind a {@link DataSource} with its {@link SQLDialect}, so the same store runs on PostgreSQL when one machine is no longer enough: many gateway instances, each with its own
 * store, sharing one database. It creates and migrates its schema when built. Close it to commit what is queued and
 * release its connections.
 *
 * <p><b>Writes</b> go through one writer thread per store, which commits every save queued at that moment (up to
 * 256) in one transaction (group commit) with statements prepared once; an idle writer commits a lone save at
 * once. {@link #saveAsync} only queues: its future completes, on the writer thread, once the transaction holding
 * the save has committed, and fails alone when that save fails (an id already stored or continued), or with the
 * whole batch when the commit fails. The queue is bounded ({@link Builder#saveQueueCapacity}): a full queue fails
 * {@code saveAsync} at once with a 503 {@link dev.orsgateway.core.OrsException} carrying {@code Retry-After},
 * while {@link #save} waits for room. {@link #delete} runs on the caller's thread.
 *
 * <p><b>Durability.</b> A save is durable when its future completes (or {@link #save} returns): committed, so it
 * survives the process dying. On a SQLite file of this store (WAL, {@code synchronous=NORMAL}) a commit is not
 * synced to disk; an OS crash or power loss may lose the commits since the last checkpoint, never part of one.
 * On a {@link DataSource}, durability is the database's (on PostgreSQL, its {@code synchronous_commit}). Saves
 * still queued when the JVM exits without {@link #close} are lost: the writer thread is a daemon.
 *
 * <p><b>Reads</b> never wait for the writer: on a SQLite file they run on their own connections, which in WAL mode
 * read the last commit while a write transaction is open (an in-memory database has one connection, so there they
 * do wait); on PostgreSQL, MVCC gives the same.
 *
 * <pre>{@code
 * try (JdbcResponseStore store = JdbcResponseStore.open(Path.of("data/ors.db"))) { ... }
 * try (JdbcResponseStore store = JdbcResponseStore.builder()
 *         .jdbcUrl("jdbc:postgresql://db:5432/ors?user=ors&password=...")
 *         .retention(Duration.ofDays(30))
 *         .build()) { ... }
 * }</pre>
 *
 * <p>Formerly {@code SqliteResponseStore}, a name kept as a deprecated alias.
 */
public final class JdbcResponseStore implements ResponseStore, AutoCloseable {

    private static final String POSTGRES_URL = "jdbc:postgresql:";

    private static final Logger log = LoggerFactory.getLogger(JdbcResponseStore.class);

    /** How long after opening the background purge first runs, and then how often. */
    private static final Duration FIRST_PURGE = Duration.ofMinutes(1);

    private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

    private final Database database;
    private final JooqResponseStore store;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService purger;

    private JdbcResponseStore(Database database, int saveQueueCapacity, Duration retention, Clock clock) {
        this.database = database;
        this.store = new JooqResponseStore(database, saveQueueCapacity);
        this.retention = retention;
        this.clock = clock;
        if (retention == null) {
            this.purger = null;
        } else {
            this.purger = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "ors-store-purge");
                thread.setDaemon(true); // the purge is resumed by the next start; it must not keep a JVM alive
                return thread;
            });
            purger.scheduleWithFixedDelay(
                    this::purgeInBackground, FIRST_PURGE.toSeconds(), PURGE_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** A store in the SQLite file {@code file}, created with its parent directories if missing. */
    public static JdbcResponseStore open(Path file) {
        return builder().file(file).build();
    }

    /** A builder; choose where the data lives with {@code file}, {@code jdbcUrl} or {@code dataSource}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Queues the save for the writer thread and waits for its commit (and, while the queue is full, for room).
     */
    @Override
    public void save(StoredResponse response) {
        store.save(response);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks the response and turns it into JSON on the calling thread, then queues it for the writer thread.
     * The future completes on the writer thread after the commit, so chain slow work to it with an executor. It
     * fails at once with a 503 {@link dev.orsgateway.core.OrsException} (with {@code Retry-After}) when the queue
     * is full, and with {@link IllegalStateException} when the store is closed.
     */
    @Override
    public CompletableFuture<Void> saveAsync(StoredResponse response) {
        return store.saveAsync(response);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query, whatever the depth of the chain.
     */
    @Override
    public Optional<Continuation> continuation(String id) {
        return store.continuation(id);
    }

    @Override
    public Optional<StoredResponse> find(String id) {
        return store.find(id);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query, whatever the depth of the chain.
     */
    @Override
    public Optional<List<Item>> replay(String id) {
        return store.replay(id);
    }

    @Override
    public Optional<ItemPage> inputItems(String id, PageRequest page) {
        return store.inputItems(id, page);
    }

    @Override
    public boolean delete(String id) {
        return store.delete(id);
    }

    /**
     * With a {@linkplain Builder#retention retention}, deletes now what the background purge deletes: every
     * response older than the retention whose descendants (the responses continuing it, to any depth) are all
     * older too. A chain a client continued within the window stays whole, however old its first links. Returns
     * how many responses it deleted; without a retention, deletes nothing. On PostgreSQL, while another store
     * purges the same database, it returns 0 at once.
     *
     * <p>A response past the retention with no younger descendant may be deleted while a client continues it;
     * that continuation then finds its chain broken, as it would a moment later.
     */
    public int purgeExpired() {
        if (retention == null) {
            return 0;
        }
        return store.purge(clock.instant().minus(retention).getEpochSecond());
    }

    private void purgeInBackground() {
        try {
            int deleted = purgeExpired();
            if (deleted > 0) {
                log.info("Purged {} stored responses older than {} days", deleted, retention.toDays());
            }
        } catch (RuntimeException e) {
            // The next round tries again; an exception here would cancel every later round.
            log.warn("Purging expired responses failed", e);
        }
    }

    /**
     * Stops the background purge, refuses new saves, commits the queued ones and stops the writer thread, then
     * waits for a running write and closes the store's own connections (not a user's {@link DataSource}). Later
     * calls fail with {@link IllegalStateException}. Closing twice does nothing.
     */
    @Override
    public void close() {
        try {
            if (purger != null) {
                purger.shutdownNow();
                awaitPurger();
            }
            store.close();
        } finally {
            database.close();
        }
    }

    private void awaitPurger() {
        try {
            // A purge deletes in short transactions; an interrupted one stops between two.
            if (!purger.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("A purge was still running when the store closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configures a {@link JdbcResponseStore}. The last of {@code file}, {@code jdbcUrl}, {@code dataSource} wins. */
    public static final class Builder {
        private Path file;
        private String jdbcUrl;
        private DataSource dataSource;
        private SQLDialect dialect;
        private Duration busyTimeout = Duration.ofSeconds(5);
        private int readConnections = 4;
        private int saveQueueCapacity = 4096;
        private Duration retention;
        private Clock clock = Clock.systemUTC();
        private final List<ExecuteListener> listeners = new ArrayList<>();

        private Builder() {}

        /** Keeps the data in the SQLite file {@code file}; missing parent directories are created. */
        public Builder file(Path file) {
            clearSource();
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Keeps the data in the database at {@code jdbcUrl}: a SQLite database ({@code jdbc:sqlite:...}; an
         * in-memory URL works, with all calls sharing one connection, and the data goes when the store closes), or
         * a PostgreSQL database ({@code jdbc:postgresql://host:5432/db?user=...&password=...}) through a HikariCP
         * pool of {@link #readConnections} + 1 connections that the store owns and closes. Several stores, in
         * several processes, may share one PostgreSQL database (see {@link #dataSource}).
         */
        public Builder jdbcUrl(String jdbcUrl) {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (!jdbcUrl.startsWith("jdbc:sqlite:") && !jdbcUrl.startsWith(POSTGRES_URL)) {
                // Only the scheme: the rest of a URL may hold a password.
                throw new IllegalArgumentException("not a SQLite or PostgreSQL JDBC URL (jdbc:sqlite: or "
                        + POSTGRES_URL + "): " + jdbcUrl.substring(0, Math.min(jdbcUrl.length(), 16)) + "...;"
                        + " use dataSource(...)");
            }
            clearSource();
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        /**
         * Keeps the data in the database behind {@code dataSource}, spoken to in {@code dialect}: {@link
         * SQLDialect#POSTGRES} or {@link SQLDialect#SQLITE}, the two the store is tested on. The store borrows a
         * connection per read or delete, its writer thread keeps one while the store is open (given back when a
         * commit fails, and at close), and it never closes the data source; pooling, and on SQLite WAL and the busy timeout,
         * are its configuration. On SQLite, writes from this store are serialized.
         *
         * <p>On PostgreSQL, give it a pool (opening a connection per call costs more than the call), and tables
         * go to the first schema of the connections' search path. Stores in several processes may share one
         * database: their writes run side by side, of two saves of one id one succeeds and the other throws
         * {@link IllegalStateException}, and stores that start at once migrate the schema once, one after the
         * other.
         */
        public Builder dataSource(DataSource dataSource, SQLDialect dialect) {
            clearSource();
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /** How long a SQLite connection waits for another process's lock before failing; default 5 s. */
        public Builder busyTimeout(Duration busyTimeout) {
            if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("busyTimeout out of range: " + busyTimeout);
            }
            this.busyTimeout = busyTimeout;
            return this;
        }

        /**
         * The most connections reading at once, besides the one writer; default 4. On a SQLite file, its own
         * readers; on a PostgreSQL {@link #jdbcUrl}, the pool holds this many plus one.
         */
        public Builder readConnections(int readConnections) {
            if (readConnections < 1) {
                throw new IllegalArgumentException("readConnections must be at least 1, was " + readConnections);
            }
            this.readConnections = readConnections;
            return this;
        }

        /**
         * The most saves queued for the writer thread; default 4096. Past it {@link #saveAsync} fails at once (a
         * 503 with {@code Retry-After}) and {@link #save} waits.
         */
        public Builder saveQueueCapacity(int saveQueueCapacity) {
            if (saveQueueCapacity < 1) {
                throw new IllegalArgumentException("saveQueueCapacity must be at least 1, was " + saveQueueCapacity);
            }
            this.saveQueueCapacity = saveQueueCapacity;
            return this;
        }

        /**
         * Keeps stored responses for {@code retention} after their {@code created_at}, then deletes them in the
         * background (a minute after opening, then hourly; see {@link JdbcResponseStore#purgeExpired()}), except
         * where a younger response continues them. Default: kept forever. OpenAI keeps stored responses 30 days.
         */
        public Builder retention(Duration retention) {
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("retention must be positive, was " + retention);
            }
            this.retention = retention;
            return this;
        }

        // For tests: the clock purges measure the retention from.
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        // For tests: observes every statement the store executes through jOOQ (all but the writer's prepared ones).
        Builder executeListener(ExecuteListener listener) {
            listeners.add(listener);
            return this;
        }

        /**
         * Opens the database and brings its schema to the current version.
         *
         * @throws org.jooq.exception.DataAccessException when the database cannot be opened or migrated
         */
        public JdbcResponseStore build() {
            if (dataSource != null) {
                Configuration configuration = configuration(dialect).set(new DataSourceConnectionProvider(dataSource));
                boolean sqlite = dialect.family() == SQLDialect.SQLITE;
                return migrated(new Database(configuration, configuration, sqlite, false, null));
            }
            if (jdbcUrl != null && jdbcUrl.startsWith(POSTGRES_URL)) {
                HikariDataSource pool = postgresPool(jdbcUrl, readConnections + 1);
                Configuration configuration =
                        configuration(SQLDialect.POSTGRES).set(new DataSourceConnectionProvider(pool));
                return migrated(new Database(configuration, configuration, false, false, pool::close));
            }
            String url = jdbcUrl;
            if (file != null) {
                url = "jdbc:sqlite:" + createParentDirectories(file);
            }
            if (url == null) {
                throw new IllegalStateException("choose file(...), jdbcUrl(...) or dataSource(...)");
            }
            SqliteConnections connections = new SqliteConnections(url, busyTimeout, readConnections);
            Configuration write =
                    configuration(SQLDialect.SQLITE).set(new DefaultConnectionProvider(connections.writer()));
            Configuration read = connections.singleConnection()
                    ? write
                    : configuration(SQLDialect.SQLITE).set(connections.readers());
            return migrated(new Database(read, write, true, connections.singleConnection(), connections::close));
        }

        private static HikariDataSource postgresPool(String url, int size) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setPoolName("ors-store");
            config.setMaximumPoolSize(size);
            // Reads and deletes borrow a connection per call; the writer keeps one. All of them auto-commit
            // (Database opens its transactions explicitly), as a pool lends them by default.
            config.setAutoCommit(true);
            return new HikariDataSource(config);
        }

        private Configuration configuration(SQLDialect dialect) {
            Configuration configuration = new DefaultConfiguration().set(dialect);
            return listeners.isEmpty() ? configuration : configuration.set(listeners.toArray(ExecuteListener[]::new));
        }

        private static Path createParentDirectories(Path file) {
            Path absolute = file.toAbsolutePath();
            try {
                Files.createDirectories(absolute.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the directory of " + absolute, e);
            }
            return absolute;
        }

        private JdbcResponseStore migrated(Database database) {
            try {
                database.write(SchemaMigrations::migrate);
                return new JdbcResponseStore(database, saveQueueCapacity, retention, clock);
            } catch (RuntimeException e) {
                database.close();
                throw e;
            }
        }

        private void clearSource() {
            file = null;
            jdbcUrl = null;
            dataSource = null;
            dialect = null;
        }
    }
}
