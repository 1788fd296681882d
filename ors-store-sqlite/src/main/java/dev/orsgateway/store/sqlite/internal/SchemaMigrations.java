package dev.orsgateway.store.sqlite.internal;

import static org.jooq.impl.DSL.constraint;
import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.name;

import dev.orsgateway.store.sqlite.internal.Schema.Items;
import dev.orsgateway.store.sqlite.internal.Schema.Responses;
import dev.orsgateway.store.sqlite.internal.Schema.SchemaVersion;
import java.util.List;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The schema's versioned migrations, written with jOOQ's DDL DSL, and the step that applies the missing ones. A
 * migration is never edited once released; a change is a new migration with the next version.
 */
public final class SchemaMigrations {
    private SchemaMigrations() {}

    private record Migration(int version, String description, Consumer<DSLContext> apply) {}

    /**
     * The key of the PostgreSQL advisory lock that migrations take: the bytes of "orsschem". Any application
     * sharing the database that happens to use the same key only makes a starting store wait for it.
     */
    private static final long POSTGRES_MIGRATION_LOCK = 0x6f72_7373_6368_656dL;

    private static final List<Migration> ALL = List.of(
            new Migration(1, "responses and their items", SchemaMigrations::createResponsesAndItems),
            new Migration(2, "the upstream that served a response", SchemaMigrations::addUpstream),
            new Migration(3, "responses by creation time, for the retention purge", SchemaMigrations::indexCreatedAt));

    /** The version the newest migration brings the schema to. */
    public static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }

    /**
     * Brings the schema to {@link #latestVersion()} and returns it. Run it inside one transaction: then a store
     * that starts while another migrates waits and finds the work done. On SQLite the other's write transaction
     * makes it wait (the busy timeout). On PostgreSQL two {@code CREATE TABLE IF NOT EXISTS} of one table both see
     * no table and the second then fails on the first one's catalog rows, so a migration first takes an advisory
     * lock held until its transaction ends. Applying it to a current schema changes nothing.
     *
     * @throws IllegalStateException when the database was migrated by a newer version of this library
     */
    public static int migrate(DSLContext tx) {
        if (tx.dialect().family() == SQLDialect.POSTGRES) {
            // Released by the transaction's commit or rollback; blocks while another store migrates.
            tx.select(function(name("pg_advisory_xact_lock"), SQLDataType.OTHER, inline(POSTGRES_MIGRATION_LOCK)))
                    .fetch();
        }
        tx.createTableIfNotExists(SchemaVersion.TABLE)
                .columns(SchemaVersion.VERSION, SchemaVersion.DESCRIPTION, SchemaVersion.APPLIED_AT)
                .constraints(constraint(name("schema_version_pk")).primaryKey(SchemaVersion.VERSION))
                .execute();
        Integer recorded =
                tx.select(max(SchemaVersion.VERSION)).from(SchemaVersion.TABLE).fetchOne(0, Integer.class);
        int current = recorded == null ? 0 : recorded;
        if (current > latestVersion()) {
            throw new IllegalStateException("the database schema is at version " + current
                    + ", newer than this library knows (" + latestVersion() + ")");
        }
        for (Migration migration : ALL) {
            if (migration.version() > current) {
                migration.apply().accept(tx);
                tx.insertInto(
                                SchemaVersion.TABLE,
                                SchemaVersion.VERSION,
                                SchemaVersion.DESCRIPTION,
                                SchemaVersion.APPLIED_AT)
                        .values(migration.version(), migration.description(), System.currentTimeMillis())
                        .execute();
                current = migration.version();
            }
        }
        return current;
    }

    private static void indexCreatedAt(DSLContext tx) {
        // The purge reads both sides of its cutoff: the expired responses and the kept ones its walk starts from.
        tx.createIndex(name("responses_created_at_idx"))
                .on(Responses.TABLE, Responses.CREATED_AT)
                .execute();
    }

    private static void addUpstream(DSLContext tx) {
        tx.alterTable(Responses.TABLE).addColumn(Responses.UPSTREAM).execute();
    }

    private static void createResponsesAndItems(DSLContext tx) {
        tx.createTable(Responses.TABLE)
                .columns(
                        Responses.ID,
                        Responses.PREVIOUS_RESPONSE_ID,
                        Responses.OWNER,
                        Responses.STATUS,
                        Responses.MODEL,
                        Responses.CREATED_AT,
                        Responses.RESPONSE_JSON)
                .constraints(constraint(name("responses_pk")).primaryKey(Responses.ID))
                .execute();
        // Replay walks children to parents by primary key; this index serves the other direction (the save-time
        // check that nothing continues a new id, and later "list continuations").
        tx.createIndex(name("responses_previous_response_id_idx"))
                .on(Responses.TABLE, Responses.PREVIOUS_RESPONSE_ID)
                .execute();

        tx.createTable(Items.TABLE)
                .columns(Items.RESPONSE_ID, Items.KIND, Items.POSITION, Items.ITEM_ID, Items.ITEM_TYPE, Items.ITEM_JSON)
                .constraints(
                        // Replay and paging read a response's items in (kind, position) order straight off this key.
                        constraint(name("items_pk")).primaryKey(Items.RESPONSE_ID, Items.KIND, Items.POSITION),
                        constraint(name("items_response_fk"))
                                .foreignKey(Items.RESPONSE_ID)
                                .references(Responses.TABLE, Responses.ID)
                                .onDeleteCascade(),
                        constraint(name("items_kind_check"))
                                .check(DSL.field(name("kind"), SQLDataType.VARCHAR)
                                        .in(Items.INPUT, Items.OUTPUT)))
                .execute();
        // Page cursors name items by id; so will item_reference lookups.
        tx.createIndex(name("items_item_id_idx")).on(Items.TABLE, Items.ITEM_ID).execute();
    }
}
