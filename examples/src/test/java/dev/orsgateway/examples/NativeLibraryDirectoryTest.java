package dev.orsgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What killed runs leave in the temporary directory goes at the next start; a running one's stays. */
class NativeLibraryDirectoryTest {

    @Test
    void removesTheDirectoriesOfRunsThatAreGoneAndKeepsTheOthers(@TempDir Path tmp) throws Exception {
        Path killed = run(tmp, "ors-sqlite-1");
        Path running = run(tmp, "ors-sqlite-2");
        Path foreign = Files.createDirectory(tmp.resolve("ors-sqlite-without-lock"));
        Path other = Files.createDirectory(tmp.resolve("something-else"));

        try (FileChannel channel = FileChannel.open(running.resolve("lock"), StandardOpenOption.WRITE)) {
            channel.lock(); // a run still going (here in this JVM; across processes, CrashSafetyIT)

            assertThat(NativeLibraryDirectory.removeStale(tmp)).isEqualTo(1);
        }

        assertThat(killed).doesNotExist();
        assertThat(running.resolve("sqlite-3.54.1.0-x-libsqlitejdbc.so")).exists();
        assertThat(foreign).exists();
        assertThat(other).exists();
    }

    /** A run's directory as a kill leaves it: its lock file, the extracted library and sqlite-jdbc's lock file. */
    private static Path run(Path tmp, String name) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.createFile(dir.resolve("lock"));
        Files.write(dir.resolve("sqlite-3.54.1.0-x-libsqlitejdbc.so"), new byte[1024]);
        Files.createFile(dir.resolve("sqlite-3.54.1.0-x-libsqlitejdbc.so.lck"));
        return dir;
    }
}
