package dev.orsgateway.examples;

import dev.orsgateway.examples.StandaloneServer.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server's compaction key: from {@code ORS_COMPACTION_KEY}, else from a key file that is made on first
 * start, so that compaction items stay readable across restarts.
 */
final class CompactionKeys {
    private static final Logger log = LoggerFactory.getLogger(CompactionKeys.class);
    private static final int KEY_BYTES = 32;

    private CompactionKeys() {}

    /** The key for {@code settings}: 32 bytes. */
    static byte[] load(Settings settings) {
        if (settings.compactionKey() != null) {
            return decode(settings.compactionKey(), "ORS_COMPACTION_KEY");
        }
        Path file = settings.compactionKeyFile() != null ? settings.compactionKeyFile() : besideDatabase(settings);
        if (file == null && settings.jdbcUrl().startsWith("jdbc:postgresql:")) {
            // Instances sharing a database must share the key, or one cannot read another's compaction items.
            log.warn("Compaction items are sealed with a key for this run only: set ORS_COMPACTION_KEY, the same on"
                    + " every instance that shares the PostgreSQL database");
            return random();
        }
        if (file == null) {
            log.info("Compaction items are sealed with a key for this run only (in-memory database, no key file)");
            return random();
        }
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file, StandardCharsets.US_ASCII).trim(), file.toString());
            }
            byte[] key = random();
            create(file, Base64.getEncoder().encodeToString(key) + "\n");
            log.info("Made a compaction key at {}: keep it to read compaction items after a restart", file);
            return key;
        } catch (FileAlreadyExistsException e) {
            return load(settings); // made by another instance since we looked
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the compaction key file " + file, e);
        }
    }

    private static Path besideDatabase(Settings settings) {
        String url = settings.jdbcUrl();
        if (!url.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String path = url.substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        if (path.isEmpty() || path.toLowerCase(Locale.ROOT).contains(":memory:")) {
            return null;
        }
        return Path.of(path + ".compaction-key");
    }

    /**
     * Writes the key under a temporary name, syncs it, then links it to {@code file}: a process killed midway leaves
     * no key file or a whole one, never an empty one that would stop every later start, and an instance starting at
     * the same time reads a whole key. The link fails when {@code file} exists, so the first of two instances wins.
     */
    private static void create(Path file, String content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Owner-only from the start on POSIX (createTempFile's default), so the link is too.
        Path temporary = Files.createTempFile(parent, file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            try {
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // No hard links here: a rename never shows half a file either, and refuses an existing target,
                // though it checks for it first (a moment in which another instance's key could be replaced).
                Files.move(temporary, file);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim().replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " must hold the base64 of a 32-byte key", e);
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                    source + " must hold the base64 of a 32-byte key, it holds " + key.length + " bytes");
        }
        return key;
    }

    private static byte[] random() {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
