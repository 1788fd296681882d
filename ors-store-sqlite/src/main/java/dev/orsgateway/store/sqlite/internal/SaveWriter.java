package dev.orsgateway.store.sqlite.internal;

import static org.jooq.impl.DSL.exists;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.param;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.store.sqlite.internal.PreparedSave.ItemRow;
import dev.orsgateway.store.sqlite.internal.Schema.Items;
import dev.orsgateway.store.sqlite.internal.Schema.Responses;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.ParamType;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The store's one writer thread, with group commit: it takes every save queued (up to {@link #MAX_BATCH}) and
 * commits them in one transaction, so many savers pay for one commit. An idle writer takes a lone save at once;
 * nothing waits for a batch to fill.
 *
 * <p>Its statements are rendered by jOOQ once, for the database's dialect, and prepared once on the writer's own
 * connection, which it keeps; a save only binds values. Each save runs inside a savepoint, so a save that fails (an
 * id already stored, or continued) is rolled back alone and fails only its own future, while the others commit. A
 * failed commit fails every future of its batch, and the connection is given back and borrowed anew.
 *
 * <p>Futures complete on the writer thread after the commit; what a caller chains to them without an executor
 * runs there, between two batches.
 */
public final class SaveWriter implements AutoCloseable {

    /** The most saves one transaction commits. */
    static final int MAX_BATCH = 256;

    /** How long a saver refused by a full queue is told to wait. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Database database;
    private final boolean sqlite;
    private final int capacity;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private boolean closed; // guarded by lock

    // The SQL, rendered once.
    private final String checkSql;
    private final String insertResponseSql;
    private final String insertItemSql;

    // Used by the writer thread alone.
    private Connection connection;
    private PreparedStatement check;
    private PreparedStatement insertResponse;
    private PreparedStatement insertItem;
    private PreparedStatement begin;
    private PreparedStatement commit;
    private PreparedStatement rollback;
    private PreparedStatement savepoint;
    private PreparedStatement releaseSavepoint;
    private PreparedStatement rollbackToSavepoint;

    private static final class Task {
        final PreparedSave save;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        RuntimeException failure;

        Task(PreparedSave save) {
            this.save = save;
        }
    }

    /** Starts the writer of {@code database}, whose queue holds at most {@code capacity} saves. */
    public SaveWriter(Database database, int capacity) {
        this.database = database;
        this.capacity = capacity;
        SQLDialect dialect = database.dialect();
        this.sqlite = dialect.family() == SQLDialect.SQLITE;
        DSLContext dsl = DSL.using(dialect, new Settings().withParamType(ParamType.INDEXED));
        this.checkSql = dsl.render(select(
                field(exists(
                        selectOne().from(Responses.TABLE).where(Responses.ID.eq(param("id", SQLDataType.VARCHAR))))),
                field(exists(selectOne()
                        .from(Responses.TABLE)
                        .where(Responses.PREVIOUS_RESPONSE_ID.eq(param("continued", SQLDataType.VARCHAR)))))));
        this.insertResponseSql = dsl.render(dsl.insertInto(
                        Responses.TABLE,
                        Responses.ID,
                        Responses.PREVIOUS_RESPONSE_ID,
                        Responses.OWNER,
                        Responses.STATUS,
                        Responses.MODEL,
                        Responses.CREATED_AT,
                        Responses.RESPONSE_JSON,
                        Responses.UPSTREAM)
                .values(
                        param("id", SQLDataType.VARCHAR),
                        param("previous", SQLDataType.VARCHAR),
                        param("owner", SQLDataType.VARCHAR),
                        param("status", SQLDataType.VARCHAR),
                        param("model", SQLDataType.VARCHAR),
                        param("created", SQLDataType.BIGINT),
                        param("json", SQLDataType.CLOB),
                        param("upstream", SQLDataType.VARCHAR)));
        this.insertItemSql = dsl.render(dsl.insertInto(
                        Items.TABLE,
                        Items.RESPONSE_ID,
                        Items.KIND,
                        Items.POSITION,
                        Items.ITEM_ID,
                        Items.ITEM_TYPE,
                        Items.ITEM_JSON)
                .values(
                        param("response", SQLDataType.VARCHAR),
                        param("kind", SQLDataType.VARCHAR),
                        param("position", SQLDataType.INTEGER),
                        param("item", SQLDataType.VARCHAR),
                        param("type", SQLDataType.VARCHAR),
                        param("json", SQLDataType.CLOB)));
        this.thread = new Thread(this::run, "ors-store-writer-" + THREADS.incrementAndGet());
        // A store nobody closes must not keep the JVM alive; close() is what makes queued saves durable.
        thread.setDaemon(true);
        thread.start();
    }

    /** The SQL the writer prepares, for tests that check what it renders. */
    List<String> sql() {
        return List.of(checkSql, insertResponseSql, insertItemSql);
    }

    /**
     * Queues {@code save}. When the queue is full, {@code wait} decides: wait for room, or fail the future at once
     * with a 503 {@link OrsException} carrying {@code Retry-After}.
     */
    public CompletableFuture<Void> submit(PreparedSave save, boolean wait) {
        Task task = new Task(save);
        lock.lock();
        try {
            while (!closed && queue.size() >= capacity) {
                if (!wait) {
                    return CompletableFuture.failedFuture(overloaded());
                }
                notFull.awaitUninterruptibly();
            }
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the store is closed"));
            }
            queue.addLast(task);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        return task.future;
    }

    private OrsException overloaded() {
        return new OrsException(
                        new ErrorPayload(
                                OrsException.SERVER_ERROR,
                                "store_overloaded",
                                "the response store has " + capacity + " saves queued; retry later",
                                null),
                        503)
                .withRetryAfter(RETRY_AFTER);
    }

    /** Takes what is queued, up to {@link #MAX_BATCH}; waits while nothing is. False once closed and drained. */
    private boolean take(List<Task> batch) {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                notEmpty.awaitUninterruptibly();
            }
            if (queue.isEmpty()) {
                return false;
            }
            while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                batch.add(queue.pollFirst());
            }
            notFull.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<Task> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (take(batch)) {
                commit(batch);
                batch.clear();
            }
        } catch (Throwable e) {
            // An Error on the writer thread: no save may wait forever for a writer that is gone.
            lock.lock();
            try {
                closed = true;
                batch.addAll(queue);
                queue.clear();
                notFull.signalAll();
            } finally {
                lock.unlock();
            }
            IllegalStateException stopped = new IllegalStateException("the store's writer stopped", e);
            batch.forEach(task -> task.future.completeExceptionally(stopped));
            throw e;
        } finally {
            releaseConnection();
        }
    }

    private void commit(List<Task> batch) {
        RuntimeException failure = null;
        try {
            failure = database.withWriteLock(() -> {
                try {
                    if (connection == null) {
                        openConnection();
                    }
                    begin();
                    for (Task task : batch) {
                        task.failure = saveOne(task.save);
                    }
                    commitTransaction();
                    return null;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly();
                    releaseConnection();
                    return e instanceof SQLException sql
                            ? new DataAccessException("cannot commit " + batch.size() + " saves", sql)
                            : (RuntimeException) e;
                }
            });
        } catch (RuntimeException e) { // the database was closed under the writer
            failure = e;
        }
        for (Task task : batch) {
            if (failure != null) {
                task.future.completeExceptionally(failure);
            } else if (task.failure != null) {
                task.future.completeExceptionally(task.failure);
            } else {
                task.future.complete(null);
            }
        }
    }

    /** Saves one response inside a savepoint: null when it is in the transaction, else why it is not. */
    private RuntimeException saveOne(PreparedSave save) throws SQLException {
        String id = save.id();
        savepoint.execute();
        try {
            check.setString(1, id);
            check.setString(2, id);
            boolean stored;
            boolean continued;
            try (ResultSet row = check.executeQuery()) {
                row.next();
                stored = row.getBoolean(1);
                continued = row.getBoolean(2);
            }
            if (stored) {
                return undo(new IllegalStateException("response " + id + " is already stored"));
            }
            if (continued) {
                return undo(
                        new IllegalStateException("stored responses continue " + id + "; it cannot be saved again"));
            }
            insertResponse.setString(1, id);
            setNullable(insertResponse, 2, save.previousId());
            setNullable(insertResponse, 3, save.owner());
            setNullable(insertResponse, 4, save.status());
            setNullable(insertResponse, 5, save.model());
            insertResponse.setLong(6, save.createdAt());
            insertResponse.setString(7, save.responseJson());
            setNullable(insertResponse, 8, save.upstream());
            insertResponse.executeUpdate();
            if (!save.items().isEmpty()) {
                for (ItemRow item : save.items()) {
                    insertItem.setString(1, id);
                    insertItem.setString(2, item.kind());
                    insertItem.setInt(3, item.position());
                    setNullable(insertItem, 4, item.itemId());
                    setNullable(insertItem, 5, item.itemType());
                    insertItem.setString(6, item.json());
                    insertItem.addBatch();
                }
                insertItem.executeBatch();
            }
            releaseSavepoint.execute();
            return null;
        } catch (SQLException e) {
            // Another gateway instance on a shared database (PostgreSQL) may insert the same id between the check
            // and the insert. The primary key is the only constraint the response insert can break: every other
            // column is nullable or always set (Schema.Responses).
            insertItem.clearBatch();
            return undo(
                    integrityViolation(e)
                            ? new IllegalStateException("response " + id + " is already stored", e)
                            : new DataAccessException("cannot save response " + id, e));
        }
    }

    private RuntimeException undo(RuntimeException why) throws SQLException {
        rollbackToSavepoint.execute();
        releaseSavepoint.execute();
        return why;
    }

    private boolean integrityViolation(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("23")) {
            return true;
        }
        // sqlite-jdbc sets no SQLState; its error code's low byte is SQLite's primary result code.
        return sqlite && (e.getErrorCode() & 0xff) == 19; // SQLITE_CONSTRAINT
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    private void openConnection() throws SQLException {
        connection = database.acquireWriteConnection();
        try {
            if (sqlite) {
                // Explicit statements with auto-commit on: sqlite-jdbc's commit() would begin the next transaction
                // at once, and IMMEDIATE takes the write lock at BEGIN, so the check-then-insert of a save cannot
                // fail on the lock upgrade when another process writes.
                begin = connection.prepareStatement("begin immediate");
                commit = connection.prepareStatement("commit");
                rollback = connection.prepareStatement("rollback");
            } else {
                connection.setAutoCommit(false);
            }
            savepoint = connection.prepareStatement("savepoint ors_save");
            releaseSavepoint = connection.prepareStatement("release savepoint ors_save");
            rollbackToSavepoint = connection.prepareStatement("rollback to savepoint ors_save");
            check = connection.prepareStatement(checkSql);
            insertResponse = connection.prepareStatement(insertResponseSql);
            insertItem = connection.prepareStatement(insertItemSql);
        } catch (SQLException | RuntimeException e) {
            releaseConnection();
            throw e;
        }
    }

    private void begin() throws SQLException {
        if (sqlite) {
            begin.execute();
        }
    }

    private void commitTransaction() throws SQLException {
        if (sqlite) {
            commit.execute();
        } else {
            connection.commit();
        }
    }

    private void rollbackQuietly() {
        if (connection == null) {
            return;
        }
        try {
            if (sqlite) {
                if (rollback != null) {
                    rollback.execute();
                }
            } else {
                connection.rollback();
            }
        } catch (SQLException | RuntimeException e) {
            // No transaction open (BEGIN failed) or the connection is gone: either way nothing is left to undo.
        }
    }

    /** Closes the statements and gives the connection back as it was lent (auto-commit on). */
    private void releaseConnection() {
        if (connection == null) {
            return;
        }
        for (PreparedStatement statement : new PreparedStatement[] {
            check, insertResponse, insertItem, begin, commit, rollback, savepoint, releaseSavepoint, rollbackToSavepoint
        }) {
            if (statement != null) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    // Closing the connection (or giving it back) releases it too.
                }
            }
        }
        check = insertResponse = insertItem = begin = commit = rollback = null;
        savepoint = releaseSavepoint = rollbackToSavepoint = null;
        Connection lent = connection;
        connection = null;
        try {
            if (!sqlite) {
                lent.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // A broken connection; the pool decides what to do with it.
        } finally {
            try {
                database.releaseWriteConnection(lent);
            } catch (RuntimeException e) {
                // Same: nothing of ours is pending on it.
            }
        }
    }

    /**
     * Refuses new saves, commits the queued ones and stops the thread; returns when it has. Closing twice does
     * nothing.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == thread) {
            return; // a callback of a save closing the store: the loop ends after this batch
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
