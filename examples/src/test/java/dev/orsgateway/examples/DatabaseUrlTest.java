package dev.orsgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.examples.StandaloneServer.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code DATABASE_URL}: SQLite by default, PostgreSQL by its URL, and no password in what is logged; and {@code
 * ORS_RETENTION_DAYS}.
 */
class DatabaseUrlTest {

    @Test
    void sqliteStaysTheDefaultForAFilePathOrASqliteUrl() {
        assertThat(Settings.jdbcUrl(null)).isEqualTo("jdbc:sqlite:ors-gateway.db");
        assertThat(Settings.jdbcUrl("data/ors.db")).isEqualTo("jdbc:sqlite:data/ors.db");
        assertThat(Settings.jdbcUrl("jdbc:sqlite:/var/ors.db")).isEqualTo("jdbc:sqlite:/var/ors.db");
        assertThat(Settings.fromEnvironment(Map.of()).jdbcUrl()).isEqualTo("jdbc:sqlite:ors-gateway.db");
    }

    @Test
    void aPostgresqlUrlBecomesAJdbcUrlWithItsCredentialsAsParameters() {
        assertThat(Settings.jdbcUrl("postgresql://ors:pa%40ss+w%2Fd@db.internal:5432/gateway"))
                .isEqualTo("jdbc:postgresql://db.internal:5432/gateway?user=ors&password=pa%40ss%2Bw%2Fd");
        assertThat(Settings.jdbcUrl("postgres://ors@db:5432/gateway?sslmode=require"))
                .isEqualTo("jdbc:postgresql://db:5432/gateway?sslmode=require&user=ors");
        assertThat(Settings.jdbcUrl("postgresql://h1:5432,h2:5432/gateway"))
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5432/gateway");
        assertThat(Settings.jdbcUrl("jdbc:postgresql://db/gateway?user=ors&password=x"))
                .isEqualTo("jdbc:postgresql://db/gateway?user=ors&password=x");
    }

    @Test
    void theLoggedUrlHasNoPassword() {
        Settings settings =
                Settings.fromEnvironment(Map.of("DATABASE_URL", "postgresql://ors:hunter2@db:5432/gateway"));
        assertThat(settings.redactedJdbcUrl())
                .isEqualTo("jdbc:postgresql://db:5432/gateway?user=ors&password=***")
                .doesNotContain("hunter2");
        assertThat(Settings.redact("jdbc:postgresql://db/g?password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/g?password=***&ssl=true");
        assertThat(Settings.redact("jdbc:postgresql://ors:hunter2@db/g")).isEqualTo("jdbc:postgresql://ors:***@db/g");
        assertThat(Settings.redact("jdbc:sqlite:data/ors.db")).isEqualTo("jdbc:sqlite:data/ors.db");
    }

    @Test
    void retentionIsForeverUnlessOrsRetentionDaysIsSet() {
        assertThat(Settings.fromEnvironment(Map.of()).retention()).isNull();
        assertThat(Settings.fromEnvironment(Map.of("ORS_RETENTION_DAYS", "30")).retention())
                .isEqualTo(java.time.Duration.ofDays(30));
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("ORS_RETENTION_DAYS", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ORS_RETENTION_DAYS");
    }

    @Test
    void aMalformedUrlIsRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> Settings.jdbcUrl("postgresql://ors:hunter2%zz@db/g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DATABASE_URL")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Settings.jdbcUrl("postgresql://ors:hunter2@/g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void theSettingsPrintNoSecret() {
        Settings settings = Settings.fromEnvironment(java.util.Map.of(
                "DATABASE_URL", "postgresql://ors:s3cret-pw@db:5432/ors",
                "OPENAI_API_KEY", "sk-upstream-123456",
                "ORS_API_KEYS", "client-key-1,client-key-2",
                "ORS_COMPACTION_KEY", "c2VjcmV0LWNvbXBhY3Rpb24ta2V5LW9mLTMyLWJ5dGVz"));

        assertThat(settings.toString())
                .doesNotContain("s3cret-pw", "sk-upstream-123456", "client-key-1", "c2VjcmV0")
                .contains("apiKeys=2", "upstreamApiKey=***", "password=***");
    }
}
