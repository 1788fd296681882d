package dev.orsgateway.store.sqlite.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import org.jooq.ConnectionProvider;
import org.jooq.exception.DataAccessException;
import org.sqlite.SQLiteConfig;

/**
 * The connections of a store on a SQLite file: one writer, used only under the store's write lock, and a small
 * pool of readers, opened on demand. SQLite runs one writer at a time anyway; in WAL mode readers never wait for
 * it. sqlite-jdbc has no pool, and this one needs no more than a semaphore and a deque.
 *
 * <p>An in-memory database ({@code :memory:}, {@code mode=memory}) exists per connection, so there the writer is
 * the only connection and reads share it ({@link #singleConnection()}).
 */
public final class SqliteConnections implements AutoCloseable {
    private final String url;
    private final SQLiteConfig readerConfig;
    private final Connection writer;
    private final boolean singleConnection;
    private final Semaphore readerPermits;
    private final Deque<Connection> idleReaders = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** Opens the writer connection to {@code url}; readers open when first needed, at most {@code readers}. */
    public SqliteConnections(String url, Duration busyTimeout, int readers) {
        this.url = url;
        this.singleConnection = url.contains(":memory:") || url.contains("mode=memory");
        this.readerConfig = config(busyTimeout, SQLiteConfig.TransactionMode.DEFERRED);
        this.readerPermits = new Semaphore(readers);
        try {
            // IMMEDIATE takes the write lock at BEGIN: a transaction that reads before it writes (save checks
            // that its id is new) cannot fail with SQLITE_BUSY on the upgrade when another process writes.
            this.writer =
                    config(busyTimeout, SQLiteConfig.TransactionMode.IMMEDIATE).createConnection(url);
        } catch (SQLException e) {
            throw new DataAccessException("cannot open SQLite database " + url, e);
        }
    }

    private static SQLiteConfig config(Duration busyTimeout, SQLiteConfig.TransactionMode mode) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL is SQLite's advice for WAL: commits stay atomic and survive an application crash; only a power
        // loss or OS crash can lose the last commits (never half of one).
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(Math.toIntExact(busyTimeout.toMillis()));
        config.enforceForeignKeys(true);
        config.setTransactionMode(mode);
        return config;
    }

    /** Whether reads must share the writer connection (an in-memory database). */
    public boolean singleConnection() {
        return singleConnection;
    }

    /** The writer connection; callers hold the store's write lock while using it. */
    public Connection writer() {
        return writer;
    }

    /** A provider that lends pooled reader connections, blocking while all are lent. */
    public ConnectionProvider readers() {
        return new ConnectionProvider() {
            @Override
            public Connection acquire() {
                return acquireReader();
            }

            @Override
            public void release(Connection connection) {
                releaseReader(connection);
            }
        };
    }

    private Connection acquireReader() {
        try {
            readerPermits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataAccessException("interrupted while waiting for a SQLite connection", e);
        }
        try {
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            Connection idle = idleReaders.pollFirst();
            return idle != null ? idle : readerConfig.createConnection(url);
        } catch (SQLException e) {
            readerPermits.release();
            throw new DataAccessException("cannot open SQLite database " + url, e);
        } catch (RuntimeException e) {
            readerPermits.release();
            throw e;
        }
    }

    private void releaseReader(Connection connection) {
        try {
            if (closed) {
                closeQuietly(connection);
            } else {
                idleReaders.addFirst(connection);
                // close() may have run between the check and the add; then nobody else will close it.
                if (closed && idleReaders.remove(connection)) {
                    closeQuietly(connection);
                }
            }
        } finally {
            readerPermits.release();
        }
    }

    /** Closes the writer and the idle readers; readers still lent are closed when they come back. */
    @Override
    public void close() {
        closed = true;
        Connection reader;
        while ((reader = idleReaders.pollFirst()) != null) {
            closeQuietly(reader);
        }
        try {
            writer.close();
        } catch (SQLException e) {
            throw new DataAccessException("cannot close SQLite database " + url, e);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Nothing is pending on a reader that came back; a failure to close it loses nothing.
        }
    }
}
