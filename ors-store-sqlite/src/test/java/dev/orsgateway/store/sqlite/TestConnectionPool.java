package dev.orsgateway.store.sqlite;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The least connection pool that stands for the one a gateway puts in front of PostgreSQL (HikariCP or the like):
 * a borrowed connection's {@code close()} gives it back. It also checks what a pool relies on, that every
 * connection comes back as it was lent: auto-commit on and the isolation level unchanged.
 */
final class TestConnectionPool implements DataSource, AutoCloseable {
    private final DataSource target;
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    // Every connection the pool opened, with its isolation level as opened.
    private final Map<Connection, Integer> all = new ConcurrentHashMap<>();
    private final List<String> misuse = new CopyOnWriteArrayList<>();

    TestConnectionPool(DataSource target) {
        this.target = target;
    }

    /** What came back changed, one line per connection; empty when the borrower behaved. */
    List<String> misuse() {
        return misuse;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection real = idle.pollFirst();
        if (real == null) {
            real = target.getConnection();
            all.put(real, real.getTransactionIsolation());
        }
        return lend(real);
    }

    private Connection lend(Connection real) {
        AtomicBoolean returned = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            if (returned.compareAndSet(false, true)) {
                                giveBack(real);
                            }
                            return null;
                        }
                        case "isClosed" -> {
                            return returned.get() || real.isClosed();
                        }
                        default -> {
                            if (returned.get()) {
                                throw new SQLException("connection already given back to the pool");
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    }
                });
    }

    private void giveBack(Connection real) throws SQLException {
        int isolation = all.get(real);
        if (real.isClosed()) {
            all.remove(real);
            return;
        }
        if (!real.getAutoCommit()) {
            misuse.add("a connection came back in a transaction");
            real.rollback();
            real.setAutoCommit(true);
        }
        if (real.getTransactionIsolation() != isolation) {
            misuse.add("a connection came back with isolation " + real.getTransactionIsolation() + ", lent with "
                    + isolation);
            real.setTransactionIsolation(isolation);
        }
        idle.addFirst(real);
    }

    /** Closes every connection the pool opened, lent or not. */
    @Override
    public void close() throws SQLException {
        idle.clear();
        for (Connection connection : all.keySet()) {
            connection.close();
        }
        all.clear();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool lends connections of its one user");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
