package dev.orsgateway.examples;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where sqlite-jdbc extracts its native library (1.1 MB) for this process. It extracts a copy per process into the
 * temporary directory and deletes it at a normal exit; a killed process leaves it behind, with the lock file that
 * makes sqlite-jdbc's own clean-up skip it, so a server that keeps crashing and restarting (a container restarted in
 * place) would fill its temporary directory. So each run extracts into a directory of its own holding a lock file
 * that the run locks until it ends, and a start deletes the directories whose lock is free: their runs are gone, as
 * the operating system releases a dead process's locks.
 */
final class NativeLibraryDirectory {
    private static final Logger log = LoggerFactory.getLogger(NativeLibraryDirectory.class);
    static final String PREFIX = "ors-sqlite-";
    private static final String MAKING = "ors-making-";
    private static final String LOCK = "lock";

    /** The lock this process holds for as long as it runs. */
    private static FileChannel held;

    private NativeLibraryDirectory() {}

    /**
     * Deletes what killed runs left in {@code base}, makes this run's directory there, locks it and points sqlite-jdbc
     * at it (the system property {@code org.sqlite.tmpdir}), unless that property is set already. Failing, it logs
     * and leaves sqlite-jdbc's default.
     */
    static synchronized void prepare(Path base) {
        if (System.getProperty("org.sqlite.tmpdir") != null || held != null) {
            return;
        }
        try {
            int removed = removeStale(base);
            if (removed > 0) {
                log.info("Removed {} native library copies of stopped runs from {}", removed, base);
            }
            // Made under another name and renamed once locked: a start cleaning up never sees it without its lock.
            Path making = Files.createTempDirectory(base, MAKING);
            FileChannel channel =
                    FileChannel.open(making.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            channel.lock();
            Path mine = Files.move(
                    making,
                    base.resolve(PREFIX + making.getFileName().toString().substring(MAKING.length())));
            held = channel;
            mine.toFile().deleteOnExit(); // registered first, so deleted last: after the library and the lock file
            mine.resolve(LOCK).toFile().deleteOnExit();
            System.setProperty("org.sqlite.tmpdir", mine.toString());
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot prepare a directory for SQLite's native library in {}: {}", base, e.toString());
        }
    }

    /** Deletes the directories in {@code base} whose run is gone; returns how many. */
    static int removeStale(Path base) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path dir : dirs) {
                if (gone(dir)) {
                    stale.add(dir);
                }
            }
        }
        int removed = 0;
        for (Path dir : stale) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(dir);
                removed++;
            } catch (IOException e) {
                log.debug("Cannot remove {}: {}", dir, e.toString());
            }
        }
        return removed;
    }

    private static boolean gone(Path dir) {
        try (FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false; // another process runs with it
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // this process's own
        } catch (NoSuchFileException e) {
            return false; // not one of ours, or being removed by another start
        } catch (IOException e) {
            return false;
        }
    }
}
