package dev.orsgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.examples.StandaloneServer.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The key file beside a SQLite database: made whole or not at all, whoever else starts at the same moment. */
@Timeout(60)
class CompactionKeysTest {

    @Test
    void startsRacingOnAFreshDatabaseAllReadTheOneWholeKey(@TempDir Path dir) throws Exception {
        int starts = 8;
        ExecutorService threads = Executors.newFixedThreadPool(starts);
        try {
            for (int round = 0; round < 25; round++) {
                Path db = dir.resolve("round-" + round).resolve("ors.db");
                Settings settings = Settings.fromEnvironment(Map.of(
                        "DATABASE_URL", db.toString(),
                        "UPSTREAM_URL", "http://127.0.0.1:1/v1",
                        "HOST", "127.0.0.1"));
                CyclicBarrier together = new CyclicBarrier(starts);
                List<Future<byte[]>> keys = new ArrayList<>();
                for (int i = 0; i < starts; i++) {
                    keys.add(threads.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        // Before, a start that found the file another had just created read it empty and failed.
                        return CompactionKeys.load(settings);
                    }));
                }
                List<byte[]> loaded = new ArrayList<>();
                for (Future<byte[]> key : keys) {
                    loaded.add(key.get(10, TimeUnit.SECONDS));
                }
                Path file = Path.of(db + ".compaction-key");
                byte[] written = Base64.getDecoder()
                        .decode(Files.readString(file, StandardCharsets.US_ASCII)
                                .trim());
                assertThat(loaded)
                        .as("round %d", round)
                        .allSatisfy(key -> assertThat(key).isEqualTo(written));
                assertThat(written).hasSize(32);
                assertThat(Files.getPosixFilePermissions(file))
                        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
                try (Stream<Path> files = Files.list(db.getParent())) {
                    assertThat(files.map(path -> path.getFileName().toString()))
                            .as("no temporary file left")
                            .containsExactly("ors.db.compaction-key");
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aLeftoverTemporaryFileOfAKilledStartChangesNothing(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("ors.db");
        // What a start killed before its link leaves: a temporary file with a key that was never used.
        Files.writeString(
                dir.resolve("ors.db.compaction-key.123.tmp"),
                Base64.getEncoder().encodeToString(new byte[32]));
        Settings settings = Settings.fromEnvironment(
                Map.of("DATABASE_URL", db.toString(), "UPSTREAM_URL", "http://127.0.0.1:1/v1", "HOST", "127.0.0.1"));

        byte[] first = CompactionKeys.load(settings);

        assertThat(first).isNotEqualTo(new byte[32]);
        assertThat(CompactionKeys.load(settings)).isEqualTo(first);
    }
}
