package dev.orsgateway.store.sqlite;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.impl.DataSourceConnectionProvider;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultConnectionProvider;

/**
 * A {@link ResponseStore} in a SQL database through jOOQ: a SQLite file by default (WAL journal, 5 s busy
 * timeout, foreign keys on), or a {@link DataSource} with its {@link SQLDialect}, so the same store runs on
 * PostgreSQL when one machine is no longer enough: many gateway instances, each with its own store, sharing one
 * database. It creates and migrates its schema when built. Close it to release its connections.
 *
 * <pre>{@code
 * try (SqliteResponseStore store = SqliteResponseStore.open(Path.of("data/ors.db"))) { ... }
 * }</pre>
 */
public final class SqliteResponseStore implements ResponseStore, AutoCloseable {

    private final Database database;
    private final JooqResponseStore store;

    private SqliteResponseStore(Database database) {
        this.database = database;
        this.store = new JooqResponseStore(database);
    }

    /** A store in the SQLite file {@code file}, created with its parent directories if missing. */
    public static SqliteResponseStore open(Path file) {
        return builder().file(file).build();
    }

    /** A builder; choose where the data lives with {@code file}, {@code jdbcUrl} or {@code dataSource}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction: the response row and all its items.
     */
    @Override
    public void save(StoredResponse response) {
        store.save(response);
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
     * Waits for a running write and closes the store's own connections (not a user's {@link DataSource}). Later
     * calls fail with {@link IllegalStateException}. Closing twice does nothing.
     */
    @Override
    public void close() {
        database.close();
    }

    /** Configures a {@link SqliteResponseStore}. The last of {@code file}, {@code jdbcUrl}, {@code dataSource} wins. */
    public static final class Builder {
        private Path file;
        private String jdbcUrl;
        private DataSource dataSource;
        private SQLDialect dialect;
        private Duration busyTimeout = Duration.ofSeconds(5);
        private int readConnections = 4;
        private final List<ExecuteListener> listeners = new ArrayList<>();

        private Builder() {}

        /** Keeps the data in the SQLite file {@code file}; missing parent directories are created. */
        public Builder file(Path file) {
            clearSource();
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Keeps the data in the SQLite database at {@code jdbcUrl} ({@code jdbc:sqlite:...}). An in-memory URL
         * works, with all calls sharing one connection, and the data goes when the store closes.
         */
        public Builder jdbcUrl(String jdbcUrl) {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
                throw new IllegalArgumentException("not a SQLite JDBC URL: " + jdbcUrl + "; use dataSource(...)");
            }
            clearSource();
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        /**
         * Keeps the data in the database behind {@code dataSource}, spoken to in {@code dialect}: {@link
         * SQLDialect#POSTGRES} or {@link SQLDialect#SQLITE}, the two the store is tested on. The store borrows a
         * connection per call and never closes the data source; pooling, and on SQLite WAL and the busy timeout,
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

        /** The most SQLite connections reading at once, besides the one writer; default 4. */
        public Builder readConnections(int readConnections) {
            if (readConnections < 1) {
                throw new IllegalArgumentException("readConnections must be at least 1, was " + readConnections);
            }
            this.readConnections = readConnections;
            return this;
        }

        // For tests: observes every statement the store executes.
        Builder executeListener(ExecuteListener listener) {
            listeners.add(listener);
            return this;
        }

        /**
         * Opens the database and brings its schema to the current version.
         *
         * @throws org.jooq.exception.DataAccessException when the database cannot be opened or migrated
         */
        public SqliteResponseStore build() {
            if (dataSource != null) {
                Configuration configuration = configuration(dialect).set(new DataSourceConnectionProvider(dataSource));
                boolean sqlite = dialect.family() == SQLDialect.SQLITE;
                return migrated(new Database(configuration, configuration, sqlite, false, null));
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

        private static SqliteResponseStore migrated(Database database) {
            try {
                database.write(SchemaMigrations::migrate);
                return new SqliteResponseStore(database);
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
