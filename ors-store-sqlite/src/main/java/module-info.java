/** ORS Gateway's response store on SQLite (and PostgreSQL) through jOOQ. */
module dev.orsgateway.store.sqlite {
    requires transitive dev.orsgateway.core;
    requires transitive java.sql;
    requires transitive org.jooq;
    requires org.xerial.sqlitejdbc;
    requires org.slf4j;
    requires com.zaxxer.hikari;

    exports dev.orsgateway.store.sqlite;
}
