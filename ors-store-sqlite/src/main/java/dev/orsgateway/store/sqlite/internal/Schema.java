package dev.orsgateway.store.sqlite.internal;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The store's tables and columns, in one place, without code generation. Names are quoted by jOOQ, so they are
 * exact and lower case on every dialect. Types are portable: ids are unbounded {@code VARCHAR}, JSON is {@code
 * CLOB} ({@code TEXT} on SQLite and PostgreSQL).
 */
public final class Schema {
    private Schema() {}

    /**
     * One row per stored response. {@code response_json} is the response resource without its output: output
     * items live in {@link Items} (kind {@code output}), so they are stored once and replay reads only items.
     * The columns beside the JSON are copies for queries and humans; only {@code id} is a constraint a save can
     * break, which lets a failed insert be read as "already stored".
     */
    public static final class Responses {
        private Responses() {}

        public static final Table<Record> TABLE = table(name("responses"));
        public static final Field<String> ID = field(name("responses", "id"), SQLDataType.VARCHAR.nullable(false));
        public static final Field<String> PREVIOUS_RESPONSE_ID =
                field(name("responses", "previous_response_id"), SQLDataType.VARCHAR.nullable(true));
        public static final Field<String> OWNER = field(name("responses", "owner"), SQLDataType.VARCHAR.nullable(true));
        public static final Field<String> STATUS =
                field(name("responses", "status"), SQLDataType.VARCHAR.nullable(true));
        public static final Field<String> MODEL = field(name("responses", "model"), SQLDataType.VARCHAR.nullable(true));
        public static final Field<Long> CREATED_AT =
                field(name("responses", "created_at"), SQLDataType.BIGINT.nullable(false));
        public static final Field<String> RESPONSE_JSON =
                field(name("responses", "response_json"), SQLDataType.CLOB.nullable(false));
        /** The router's upstream that served the response (migration 2; null before it, or when none did). */
        public static final Field<String> UPSTREAM =
                field(name("responses", "upstream"), SQLDataType.VARCHAR.nullable(true));
    }

    /** One row per input or output item of a stored response, in order. */
    public static final class Items {
        private Items() {}

        /** {@link #KIND} of the request's input items; it sorts before {@link #OUTPUT}, which replay relies on. */
        public static final String INPUT = "input";
        /** {@link #KIND} of the response's output items. */
        public static final String OUTPUT = "output";

        public static final Table<Record> TABLE = table(name("items"));
        public static final Field<String> RESPONSE_ID =
                field(name("items", "response_id"), SQLDataType.VARCHAR.nullable(false));
        public static final Field<String> KIND = field(name("items", "kind"), SQLDataType.VARCHAR.nullable(false));
        public static final Field<Integer> POSITION =
                field(name("items", "position"), SQLDataType.INTEGER.nullable(false));
        public static final Field<String> ITEM_ID = field(name("items", "item_id"), SQLDataType.VARCHAR.nullable(true));
        public static final Field<String> ITEM_TYPE =
                field(name("items", "item_type"), SQLDataType.VARCHAR.nullable(true));
        public static final Field<String> ITEM_JSON =
                field(name("items", "item_json"), SQLDataType.CLOB.nullable(false));
    }

    /** One row per applied migration. */
    public static final class SchemaVersion {
        private SchemaVersion() {}

        public static final Table<Record> TABLE = table(name("schema_version"));
        public static final Field<Integer> VERSION =
                field(name("schema_version", "version"), SQLDataType.INTEGER.nullable(false));
        public static final Field<String> DESCRIPTION =
                field(name("schema_version", "description"), SQLDataType.VARCHAR.nullable(false));
        public static final Field<Long> APPLIED_AT =
                field(name("schema_version", "applied_at"), SQLDataType.BIGINT.nullable(false));
    }
}
