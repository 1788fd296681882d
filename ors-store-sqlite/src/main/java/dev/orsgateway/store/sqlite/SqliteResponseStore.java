package dev.orsgateway.store.sqlite;

import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.StoredResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.jooq.SQLDialect;

/**
 * The former name of {@link JdbcResponseStore}, from when the store ran on SQLite alone. It is one underneath, with
 * the same builder and methods, and stays so that code written against it keeps compiling.
 *
 * @deprecated use {@link JdbcResponseStore}: replace the name, nothing else changes.
 */
@Deprecated(since = "0.1.0")
public final class SqliteResponseStore implements ResponseStore, AutoCloseable {
    private final JdbcResponseStore store;

    private SqliteResponseStore(JdbcResponseStore store) {
        this.store = store;
    }

    /** See {@link JdbcResponseStore#open}. */
    public static SqliteResponseStore open(Path file) {
        return new SqliteResponseStore(JdbcResponseStore.open(file));
    }

    /** See {@link JdbcResponseStore#builder}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void save(StoredResponse response) {
        store.save(response);
    }

    @Override
    public CompletableFuture<Void> saveAsync(StoredResponse response) {
        return store.saveAsync(response);
    }

    @Override
    public Optional<Continuation> continuation(String id) {
        return store.continuation(id);
    }

    @Override
    public Optional<StoredResponse> find(String id) {
        return store.find(id);
    }

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

    /** See {@link JdbcResponseStore#purgeExpired}. */
    public int purgeExpired() {
        return store.purgeExpired();
    }

    /** See {@link JdbcResponseStore#close}. */
    @Override
    public void close() {
        store.close();
    }

    /**
     * See {@link JdbcResponseStore.Builder}.
     *
     * @deprecated use {@link JdbcResponseStore.Builder}.
     */
    @Deprecated(since = "0.1.0")
    public static final class Builder {
        private final JdbcResponseStore.Builder builder = JdbcResponseStore.builder();

        private Builder() {}

        /** See {@link JdbcResponseStore.Builder#file}. */
        public Builder file(Path file) {
            builder.file(file);
            return this;
        }

        /** See {@link JdbcResponseStore.Builder#jdbcUrl}. */
        public Builder jdbcUrl(String jdbcUrl) {
            builder.jdbcUrl(jdbcUrl);
            return this;
        }

        /** See {@link JdbcResponseStore.Builder#dataSource}. */
        public Builder dataSource(DataSource dataSource, SQLDialect dialect) {
            builder.dataSource(dataSource, dialect);
            return this;
        }

        /** See {@link JdbcResponseStore.Builder#busyTimeout}. */
        public Builder busyTimeout(Duration busyTimeout) {
            builder.busyTimeout(busyTimeout);
            return this;
        }

        /** See {@link JdbcResponseStore.Builder#readConnections}. */
        public Builder readConnections(int readConnections) {
            builder.readConnections(readConnections);
            return this;
        }

        /** See {@link JdbcResponseStore.Builder#saveQueueCapacity}. */
        public Builder saveQueueCapacity(int saveQueueCapacity) {
            builder.saveQueueCapacity(saveQueueCapacity);
            return this;
        }

        /** See {@link JdbcResponseStore.Builder#retention}. */
        public Builder retention(Duration retention) {
            builder.retention(retention);
            return this;
        }

        /** See {@link JdbcResponseStore.Builder#build}. */
        public SqliteResponseStore build() {
            return new SqliteResponseStore(builder.build());
        }
    }
}
