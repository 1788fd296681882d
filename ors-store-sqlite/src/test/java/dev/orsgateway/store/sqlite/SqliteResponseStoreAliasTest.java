package dev.orsgateway.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.spi.StoredResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deprecated name keeps working: code written against {@code SqliteResponseStore} still compiles and runs. */
@SuppressWarnings("deprecation")
class SqliteResponseStoreAliasTest {

    @TempDir
    Path dir;

    @Test
    void theOldNameOpensTheSameStore() {
        Path file = dir.resolve("ors.db");
        try (SqliteResponseStore old = SqliteResponseStore.builder()
                .file(file)
                .readConnections(2)
                .retention(Duration.ofDays(30))
                .build()) {
            old.save(link("resp_1", null));
            old.save(link("resp_2", "resp_1"));
            assertThat(old.replay("resp_2").orElseThrow()).hasSize(4);
            assertThat(old.purgeExpired()).isZero(); // created now, so within the retention
        }
        try (JdbcResponseStore renamed = JdbcResponseStore.open(file);
                SqliteResponseStore old = SqliteResponseStore.open(file)) {
            assertThat(renamed.find("resp_2")).isPresent();
            assertThat(old.delete("resp_2")).isTrue();
            assertThat(renamed.find("resp_2")).isEmpty();
        }
    }

    private static StoredResponse link(String id, String previous) {
        long now = System.currentTimeMillis() / 1000;
        Response response = Response.builder()
                .id(id)
                .createdAt(now)
                .completedAt(now)
                .status(ResponseStatus.COMPLETED)
                .model("test-model")
                .previousResponseId(previous)
                .output(List.of(new Item.Message(
                        id + "_out",
                        "completed",
                        MessageRole.ASSISTANT,
                        List.of(new ContentPart.OutputText("answer")),
                        null,
                        Map.of())))
                .build();
        Item input = new Item.Message(
                id + "_in", null, MessageRole.USER, List.of(new ContentPart.InputText("question")), null, Map.of());
        return new StoredResponse(response, List.of(input), "owner");
    }
}
