package dev.orsgateway.store.sqlite.internal;

import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;

import java.sql.Connection;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Runs the store's reads and writes on the right connections. Writes are one transaction each; on SQLite they are
 * also serialized in this process, since SQLite admits one writer at a time and queueing on a lock is fairer and
 * cheaper than spinning in the busy handler. On PostgreSQL writes run side by side, from this process and from
 * other processes sharing the database: the database locks the rows they both touch, and a primary key refuses the
 * second of two equal ids.
 *
 * <p>A read transaction sees one snapshot. A SQLite transaction always does; PostgreSQL's default isolation, READ
 * COMMITTED, takes a snapshot per statement, so there a read transaction asks for REPEATABLE READ, which for a
 * transaction that only reads never waits and never fails. It is set for that transaction alone ({@code SET
 * LOCAL}), so a pooled connection goes back to its pool as it came.
 */
public final class Database implements AutoCloseable {
    private final Configuration readConfiguration;
    private final Configuration writeConfiguration;
    private final ReentrantLock writeLock;
    private final boolean readsTakeWriteLock;
    private final boolean setReadIsolation;
    private final Runnable closeResources;
    private volatile boolean closed;

    /**
     * A database reading through {@code read} and writing through {@code write}.
     *
     * @param serializeWrites whether writes take one lock (SQLite)
     * @param readsTakeWriteLock whether reads share the writer's only connection and so take its lock too
     * @param closeResources run once by {@link #close()}, or null
     */
    public Database(
            Configuration read,
            Configuration write,
            boolean serializeWrites,
            boolean readsTakeWriteLock,
            Runnable closeResources) {
        this.readConfiguration = read;
        this.writeConfiguration = write;
        this.writeLock = serializeWrites || readsTakeWriteLock ? new ReentrantLock() : null;
        this.readsTakeWriteLock = readsTakeWriteLock;
        this.setReadIsolation = read.dialect().family() == SQLDialect.POSTGRES;
        this.closeResources = closeResources;
    }

    /** Runs {@code work} with auto-committed statements, typically one query. */
    public <T> T read(Function<DSLContext, T> work) {
        return locked(readsTakeWriteLock, () -> work.apply(DSL.using(readConfiguration)));
    }

    /** Runs {@code work} in one read transaction, so its queries see one snapshot. */
    public <T> T readTransaction(Function<DSLContext, T> work) {
        return locked(
                readsTakeWriteLock,
                () -> DSL.using(readConfiguration).transactionResult(tx -> {
                    if (setReadIsolation) {
                        // Must come before the transaction's first query, which takes the snapshot.
                        tx.dsl()
                                .setLocal(name("transaction_isolation"), inline("repeatable read"))
                                .execute();
                    }
                    return work.apply(tx.dsl());
                }));
    }

    /** Runs {@code work} in one write transaction: all of it commits, or none of it. */
    public <T> T write(Function<DSLContext, T> work) {
        return locked(
                writeLock != null, () -> DSL.using(writeConfiguration).transactionResult(tx -> work.apply(tx.dsl())));
    }

    /** The dialect the database is spoken to in. */
    public SQLDialect dialect() {
        return writeConfiguration.dialect();
    }

    /**
     * Borrows the connection writes go through, for {@link SaveWriter} to keep across its transactions (and its
     * prepared statements with it). On a SQLite file it is the one writer connection, used only under the write
     * lock ({@link #withWriteLock}); on a data source it is a connection of its own.
     */
    public Connection acquireWriteConnection() {
        return writeConfiguration.connectionProvider().acquire();
    }

    /** Gives back a connection of {@link #acquireWriteConnection()}. */
    public void releaseWriteConnection(Connection connection) {
        writeConfiguration.connectionProvider().release(connection);
    }

    /** Runs {@code work} serialized with {@link #write} where writes are serialized (SQLite). */
    public <T> T withWriteLock(Supplier<T> work) {
        return locked(writeLock != null, work);
    }

    private <T> T locked(boolean lock, Supplier<T> work) {
        if (lock) {
            writeLock.lock();
        }
        try {
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            return work.get();
        } finally {
            if (lock) {
                writeLock.unlock();
            }
        }
    }

    /** Waits for a running write, then closes the connections this database owns. */
    @Override
    public void close() {
        if (writeLock != null) {
            writeLock.lock();
        }
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (closeResources != null) {
                closeResources.run();
            }
        } finally {
            if (writeLock != null) {
                writeLock.unlock();
            }
        }
    }
}
