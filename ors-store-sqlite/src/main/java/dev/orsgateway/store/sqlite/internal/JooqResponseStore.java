package dev.orsgateway.store.sqlite.internal;

import static org.jooq.impl.DSL.exists;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.min;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.table;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.StoredResponse;
import dev.orsgateway.store.sqlite.internal.Schema.Items;
import dev.orsgateway.store.sqlite.internal.Schema.Responses;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Record2;
import org.jooq.Record3;
import org.jooq.Record4;
import org.jooq.Record5;
import org.jooq.ResultQuery;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The {@link ResponseStore} queries, written once with the jOOQ DSL for every dialect the store runs on (SQLite,
 * PostgreSQL).
 */
public final class JooqResponseStore implements ResponseStore {

    // The recursive common table expression replay walks: one row per response of the chain.
    private static final Table<Record> CHAIN = table(name("chain"));
    private static final Field<String> CHAIN_ID = field(name("chain", "id"), SQLDataType.VARCHAR);
    private static final Field<String> CHAIN_PREVIOUS = field(name("chain", "previous_id"), SQLDataType.VARCHAR);
    private static final Field<Integer> CHAIN_DEPTH = field(name("chain", "depth"), SQLDataType.INTEGER);

    private static final Field<String> CHAIN_HEAD_OWNER = field(name("chain", "head_owner"), SQLDataType.VARCHAR);
    private static final Field<String> CHAIN_HEAD_STATUS = field(name("chain", "head_status"), SQLDataType.VARCHAR);

    private final Database database;
    private final SaveWriter writer;

    /**
     * A store over {@code database}, whose schema is migrated; its writer thread starts now, with room for {@code
     * saveQueueCapacity} queued saves.
     */
    public JooqResponseStore(Database database, int saveQueueCapacity) {
        this.database = database;
        this.writer = new SaveWriter(database, saveQueueCapacity);
    }

    /** Commits the queued saves, then stops the writer thread (the database stays open). */
    public void close() {
        writer.close();
    }

    @Override
    public void save(StoredResponse stored) {
        CompletableFuture<Void> saved = writer.submit(PreparedSave.of(stored), true);
        try {
            saved.join();
        } catch (CompletionException e) {
            // The writer's exception, as the SPI documents it (IllegalStateException, DataAccessException, ...).
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    @Override
    public CompletableFuture<Void> saveAsync(StoredResponse stored) {
        PreparedSave save;
        try {
            save = PreparedSave.of(stored);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writer.submit(save, false);
    }

    @Override
    public Optional<Continuation> continuation(String id) {
        List<Record4<String, String, String, String>> rows =
                database.read(tx -> continuationQuery(tx, id).fetch());
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        // Every row carries the head's owner and status; rows come oldest response first, as in replay.
        String owner = rows.get(0).value3();
        String status = rows.get(0).value4();
        String missing = rows.get(0).value1();
        if (missing != null) {
            return Optional.of(new Continuation(owner, status, List.of(), missing));
        }
        List<Item> items = new ArrayList<>(rows.size());
        for (Record4<String, String, String, String> row : rows) {
            if (row.value2() != null) {
                items.add(read(row.value2(), Item.class));
            }
        }
        return Optional.of(new Continuation(owner, status, items, null));
    }

    /**
     * The one continuation query: {@link #replayQuery}'s walk, each row also carrying the owner and status of
     * response {@code id} (the head), which the walk passes down from its first step. Each row is the previous id
     * of its response, one item's JSON, the head's owner and the head's status.
     */
    public static ResultQuery<Record4<String, String, String, String>> continuationQuery(DSLContext dsl, String id) {
        CommonTableExpression<Record5<String, String, Integer, String, String>> chain = name("chain")
                .fields("id", "previous_id", "depth", "head_owner", "head_status")
                .as(select(Responses.ID, Responses.PREVIOUS_RESPONSE_ID, inline(0), Responses.OWNER, Responses.STATUS)
                        .from(Responses.TABLE)
                        .where(Responses.ID.eq(id))
                        .unionAll(select(
                                        Responses.ID,
                                        Responses.PREVIOUS_RESPONSE_ID,
                                        CHAIN_DEPTH.plus(inline(1)),
                                        CHAIN_HEAD_OWNER,
                                        CHAIN_HEAD_STATUS)
                                .from(CHAIN)
                                .join(Responses.TABLE)
                                .on(Responses.ID.eq(CHAIN_PREVIOUS))));
        return dsl.withRecursive(chain)
                .select(CHAIN_PREVIOUS, Items.ITEM_JSON, CHAIN_HEAD_OWNER, CHAIN_HEAD_STATUS)
                .from(CHAIN)
                .leftJoin(Items.TABLE)
                .on(Items.RESPONSE_ID.eq(CHAIN_ID))
                // 'input' sorts before 'output' (Schema.Items.INPUT).
                .orderBy(CHAIN_DEPTH.desc(), Items.KIND.asc(), Items.POSITION.asc());
    }

    @Override
    public Optional<StoredResponse> find(String id) {
        record Row(String owner, String responseJson, String upstream, List<Record2<String, String>> items) {}
        Row row = database.readTransaction(tx -> {
            Record3<String, String, String> response = tx.select(
                            Responses.OWNER, Responses.RESPONSE_JSON, Responses.UPSTREAM)
                    .from(Responses.TABLE)
                    .where(Responses.ID.eq(id))
                    .fetchOne();
            if (response == null) {
                return null;
            }
            List<Record2<String, String>> items = tx.select(Items.KIND, Items.ITEM_JSON)
                    .from(Items.TABLE)
                    .where(Items.RESPONSE_ID.eq(id))
                    .orderBy(Items.KIND, Items.POSITION)
                    .fetch();
            return new Row(response.value1(), response.value2(), response.value3(), items);
        });
        if (row == null) {
            return Optional.empty();
        }
        List<Item> inputs = new ArrayList<>();
        List<Item> outputs = new ArrayList<>();
        for (Record2<String, String> item : row.items()) {
            (Items.INPUT.equals(item.value1()) ? inputs : outputs).add(read(item.value2(), Item.class));
        }
        Response response = read(row.responseJson(), Response.class).toBuilder()
                .output(outputs)
                .build();
        return Optional.of(new StoredResponse(response, inputs, row.owner(), row.upstream()));
    }

    @Override
    public Optional<List<Item>> replay(String id) {
        List<Record2<String, String>> rows =
                database.read(tx -> replayQuery(tx, id).fetch());
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        // Rows come oldest response first. The walk stops at the first response it cannot find, so when the
        // oldest one found still has a previous_response_id, that response is missing.
        String missing = rows.get(0).value1();
        if (missing != null) {
            throw new BrokenChainException(missing);
        }
        List<Item> items = new ArrayList<>(rows.size());
        for (Record2<String, String> row : rows) {
            if (row.value2() != null) { // a response without items joins as one row of nulls
                items.add(read(row.value2(), Item.class));
            }
        }
        return Optional.of(Collections.unmodifiableList(items));
    }

    /**
     * The one replay query: a recursive walk from {@code id} up its previous_response_id chain, joined to the
     * items, oldest response first, each one's input items before its output items. Each row is the previous id
     * of its response and one item's JSON.
     */
    public static ResultQuery<Record2<String, String>> replayQuery(DSLContext dsl, String id) {
        CommonTableExpression<Record3<String, String, Integer>> chain = name("chain")
                .fields("id", "previous_id", "depth")
                .as(select(Responses.ID, Responses.PREVIOUS_RESPONSE_ID, inline(0))
                        .from(Responses.TABLE)
                        .where(Responses.ID.eq(id))
                        .unionAll(select(Responses.ID, Responses.PREVIOUS_RESPONSE_ID, CHAIN_DEPTH.plus(inline(1)))
                                .from(CHAIN)
                                .join(Responses.TABLE)
                                .on(Responses.ID.eq(CHAIN_PREVIOUS))));
        return dsl.withRecursive(chain)
                .select(CHAIN_PREVIOUS, Items.ITEM_JSON)
                .from(CHAIN)
                .leftJoin(Items.TABLE)
                .on(Items.RESPONSE_ID.eq(CHAIN_ID))
                // 'input' sorts before 'output' (Schema.Items.INPUT).
                .orderBy(CHAIN_DEPTH.desc(), Items.KIND.asc(), Items.POSITION.asc());
    }

    @Override
    public Optional<ItemPage> inputItems(String id, PageRequest page) {
        boolean ascending = page.ascending();
        String after = page.after();
        String before = page.before();
        // With `before` alone the page is the one right before the cursor: read backwards from it, then turn.
        boolean backwards = before != null && after == null;
        List<Record2<String, String>> rows = database.readTransaction(tx -> {
            Field<Boolean> present =
                    field(exists(selectOne().from(Responses.TABLE).where(Responses.ID.eq(id))));
            Record3<Boolean, Integer, Integer> found = tx.select(
                            present, cursorPosition(id, after, ascending), cursorPosition(id, before, ascending))
                    .fetchOne();
            if (found == null || !Boolean.TRUE.equals(found.value1())) {
                return null;
            }
            Integer afterPosition = found.value2();
            Integer beforePosition = found.value3();
            if (after != null && afterPosition == null) {
                throw unknownCursor(id, "after", after);
            }
            if (before != null && beforePosition == null) {
                throw unknownCursor(id, "before", before);
            }
            Condition condition = Items.RESPONSE_ID.eq(id).and(Items.KIND.eq(Items.INPUT));
            if (afterPosition != null) {
                condition =
                        condition.and(ascending ? Items.POSITION.gt(afterPosition) : Items.POSITION.lt(afterPosition));
            }
            if (beforePosition != null) {
                condition = condition.and(
                        ascending ? Items.POSITION.lt(beforePosition) : Items.POSITION.gt(beforePosition));
            }
            return tx.select(Items.ITEM_ID, Items.ITEM_JSON)
                    .from(Items.TABLE)
                    .where(condition)
                    .orderBy(ascending != backwards ? Items.POSITION.asc() : Items.POSITION.desc())
                    .limit(page.limit() + 1)
                    .fetch();
        });
        if (rows == null) {
            return Optional.empty();
        }
        boolean hasMore = rows.size() > page.limit();
        List<Record2<String, String>> kept = new ArrayList<>(rows.subList(0, Math.min(rows.size(), page.limit())));
        if (backwards) {
            Collections.reverse(kept);
        }
        List<Item> data = new ArrayList<>(kept.size());
        for (Record2<String, String> row : kept) {
            data.add(read(row.value2(), Item.class));
        }
        String firstId = kept.isEmpty() ? null : kept.get(0).value1();
        String lastId = kept.isEmpty() ? null : kept.get(kept.size() - 1).value1();
        return Optional.of(new ItemPage(data, firstId, lastId, hasMore));
    }

    /** The position of input item {@code itemId} (its first occurrence in the chosen order), or a null field. */
    private static Field<Integer> cursorPosition(String responseId, String itemId, boolean ascending) {
        if (itemId == null) {
            return inline((Integer) null, SQLDataType.INTEGER);
        }
        return field(select(ascending ? min(Items.POSITION) : max(Items.POSITION))
                .from(Items.TABLE)
                .where(Items.RESPONSE_ID.eq(responseId))
                .and(Items.KIND.eq(Items.INPUT))
                .and(Items.ITEM_ID.eq(itemId)));
    }

    private static OrsException unknownCursor(String responseId, String param, String itemId) {
        return OrsException.invalidRequest(
                param, "response " + responseId + " has no input item with id '" + itemId + "'");
    }

    @Override
    public boolean delete(String id) {
        return database.write(tx -> {
            // The foreign key cascades too, but a DataSource the user configured may not enforce foreign keys.
            tx.deleteFrom(Items.TABLE).where(Items.RESPONSE_ID.eq(id)).execute();
            return tx.deleteFrom(Responses.TABLE).where(Responses.ID.eq(id)).execute() > 0;
        });
    }

    /** The most responses one purge transaction deletes, so saves queued behind it on SQLite wait briefly. */
    static final int PURGE_BATCH = 500;

    /**
     * The key of the PostgreSQL advisory lock a purge takes: the bytes of "orspurge". One instance purges at a
     * time; the others skip that round rather than wait for the same deletes.
     */
    private static final long POSTGRES_PURGE_LOCK = 0x6f72_7370_7572_6765L;

    // The recursive common table expression of the responses a purge keeps.
    private static final Table<Record> KEPT = table(name("kept"));
    private static final Field<String> KEPT_ID = field(name("kept", "id"), SQLDataType.VARCHAR);

    /**
     * Deletes the responses created before {@code cutoff} (epoch seconds) none of whose descendants (the responses
     * continuing them, to any depth) was created at or after it, so that no chain a client still continues
     * within the window loses a link. Deletes in transactions of at most {@link #PURGE_BATCH} responses, each
     * with its items; returns how many responses it deleted. On PostgreSQL it returns 0 at once while another
     * store purges the same database.
     */
    public int purge(long cutoff) {
        int deleted = 0;
        while (true) {
            int batch = database.write(tx -> {
                if (tx.dialect().family() == SQLDialect.POSTGRES
                        && !Boolean.TRUE.equals(tx.select(field(
                                        "pg_try_advisory_xact_lock({0})",
                                        SQLDataType.BOOLEAN, inline(POSTGRES_PURGE_LOCK)))
                                .fetchOne(0, Boolean.class))) {
                    return -1;
                }
                List<String> expired = expiredQuery(tx, cutoff).fetch(Responses.ID);
                if (expired.isEmpty()) {
                    return 0;
                }
                // The same ids for both deletes: a response goes with all its items, or stays with them.
                tx.deleteFrom(Items.TABLE).where(Items.RESPONSE_ID.in(expired)).execute();
                tx.deleteFrom(Responses.TABLE).where(Responses.ID.in(expired)).execute();
                return expired.size();
            });
            if (batch < 0) {
                return deleted;
            }
            deleted += batch;
            if (batch < PURGE_BATCH) {
                return deleted;
            }
        }
    }

    /**
     * The ids of at most {@link #PURGE_BATCH} responses a purge at {@code cutoff} deletes: those created before
     * it that are not kept, where kept are the responses created at or after it and, walking up their chains,
     * every response they continue.
     */
    static ResultQuery<Record1<String>> expiredQuery(DSLContext dsl, long cutoff) {
        CommonTableExpression<Record1<String>> kept = name("kept")
                .fields("id")
                .as(select(Responses.ID)
                        .from(Responses.TABLE)
                        .where(Responses.CREATED_AT.ge(cutoff))
                        .union(select(Responses.PREVIOUS_RESPONSE_ID)
                                .from(Responses.TABLE)
                                .join(KEPT)
                                .on(Responses.ID.eq(KEPT_ID))
                                .where(Responses.PREVIOUS_RESPONSE_ID.isNotNull())));
        return dsl.withRecursive(kept)
                .select(Responses.ID)
                .from(Responses.TABLE)
                .where(Responses.CREATED_AT.lt(cutoff))
                .and(Responses.ID.notIn(select(KEPT_ID).from(KEPT)))
                .limit(PURGE_BATCH);
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return OrsJson.read(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
