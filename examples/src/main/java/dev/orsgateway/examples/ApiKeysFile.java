package dev.orsgateway.examples;

import dev.orsgateway.server.OrsApiKey;
import dev.orsgateway.server.OrsServlet;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys file of {@code ORS_API_KEYS_FILE}: one key a line, then its settings as {@code name=value} words.
 *
 * <pre>
 * # comments and blank lines are skipped
 * sk-team-a-0123456789abcdef name=team-a rpm=60 tpm=100000 budget=5000000 models=gpt-4o*,llama3.2:3b
 * sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 name=team-b
 * </pre>
 *
 * <p>A key is written as itself or as {@code sha256:} and the hex SHA-256 of its UTF-8 bytes ({@code printf %s "$KEY"
 * | sha256sum}), so that the file holds no secret. Settings, all optional: {@code name} (what logs show instead of
 * the key; default {@code sha256:} and 8 hex digits of its hash), {@code rpm} (requests per minute), {@code tpm} (tokens
 * per minute), {@code budget} (tokens in all, per process run), {@code models} (comma-separated names or globs with
 * {@code *}); see {@link OrsApiKey}. Errors name the line, never a key.
 */
final class ApiKeysFile {
    private static final Logger log = LoggerFactory.getLogger(ApiKeysFile.class);

    private ApiKeysFile() {}

    /** The keys of {@code file}; throws {@link IllegalArgumentException} naming the line of a mistake. */
    static List<OrsApiKey> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("ORS_API_KEYS_FILE " + file + " cannot be read: " + e, e);
        }
        return parse(bytes, file.toString());
    }

    /** The keys of {@code bytes}, the content of the file {@code name}. */
    static List<OrsApiKey> parse(byte[] bytes, String name) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("ORS_API_KEYS_FILE " + name + " is not UTF-8 text");
        }
        List<OrsApiKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "ORS_API_KEYS_FILE " + name + ", line " + (i + 1);
            OrsApiKey key;
            try {
                key = key(line.split("\\s+"));
            } catch (IllegalArgumentException e) {
                // Not chained: a message from deeper down could quote the line, and so the key.
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            if (!names.add(key.id())) {
                throw new IllegalArgumentException(where + ": the name " + key.id() + " is used twice");
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("ORS_API_KEYS_FILE " + name + " names no key");
        }
        return List.copyOf(keys);
    }

    private static OrsApiKey key(String[] words) {
        String first = words[0];
        OrsApiKey.Builder key;
        if (first.regionMatches(true, 0, "sha256:", 0, 7)) {
            try {
                key = OrsApiKey.ofSha256(first.substring(7));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sha256: must be followed by 64 hex digits");
            }
        } else {
            key = OrsApiKey.of(first);
        }
        for (int w = 1; w < words.length; w++) {
            String word = words[w];
            int eq = word.indexOf('=');
            if (eq <= 0) {
                // Not quoted: it may be the rest of a key written with a space in it.
                throw new IllegalArgumentException(
                        "word " + (w + 1) + " is not a setting: settings are name=value words after the key");
            }
            String setting = word.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = word.substring(eq + 1);
            switch (setting) {
                case "name" -> key.name(value);
                case "rpm" -> key.requestsPerMinute((int) number(setting, value, Integer.MAX_VALUE));
                case "tpm" -> key.tokensPerMinute(number(setting, value, Long.MAX_VALUE));
                case "budget" -> key.tokenBudget(number(setting, value, Long.MAX_VALUE));
                case "models" ->
                    key.models(Arrays.stream(value.split(","))
                            .map(String::strip)
                            .filter(model -> !model.isEmpty())
                            .toArray(String[]::new));
                default ->
                    throw new IllegalArgumentException(
                            "unknown setting '" + clip(setting) + "' (known: name, rpm, tpm, budget, models)");
            }
        }
        return key.build();
    }

    private static long number(String setting, String value, long max) {
        try {
            long number = Long.parseLong(value);
            if (number >= 0 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(
                setting + " must be a whole number, 0 or more (0: no limit), was '" + clip(value) + "'");
    }

    private static String clip(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }

    /**
     * Keeps a servlet's keys in step with the file: {@link #reload()} reads it and, when its content changed, gives the
     * servlet its keys (with the fixed keys of {@code ORS_API_KEYS}); a file that cannot be read or has a mistake
     * leaves the keys as they were, with a warning. {@link #start} polls it.
     */
    static final class Watcher implements AutoCloseable {
        private final Path file;
        private final List<OrsApiKey> fixed;
        private final OrsServlet servlet;
        private byte[] lastDigest;
        private ScheduledExecutorService poller;

        /** A watcher of {@code file}, whose keys {@code servlet} was given, with the content read as {@code bytes}. */
        Watcher(Path file, List<OrsApiKey> fixed, OrsServlet servlet, byte[] bytes) {
            this.file = file;
            this.fixed = List.copyOf(fixed);
            this.servlet = servlet;
            this.lastDigest = digest(bytes);
        }

        /** Reads the file and replaces the keys if it changed and is valid; returns whether the keys changed. */
        synchronized boolean reload() {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                log.warn(
                        "ORS_API_KEYS_FILE {} cannot be read ({}); the API keys stay as they were", file, e.toString());
                return false;
            }
            byte[] digest = digest(bytes);
            if (MessageDigest.isEqual(digest, lastDigest)) {
                return false;
            }
            List<OrsApiKey> keys;
            try {
                keys = parse(bytes, file.toString());
            } catch (IllegalArgumentException e) {
                log.warn("{}; the API keys stay as they were", e.getMessage());
                lastDigest = digest; // warned once per change, not at every poll
                return false;
            }
            List<OrsApiKey> all = new ArrayList<>(fixed);
            all.addAll(keys);
            servlet.replaceApiKeys(all);
            lastDigest = digest;
            log.info("API keys reloaded from {}: {} key(s) {}", file, all.size(), ids(all));
            return true;
        }

        /** Polls the file every {@code seconds} (0: never). */
        void start(int seconds) {
            if (seconds <= 0) {
                return;
            }
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "ors-api-keys-file");
                thread.setDaemon(true);
                return thread;
            });
            executor.scheduleWithFixedDelay(
                    () -> {
                        try {
                            reload();
                        } catch (RuntimeException e) {
                            log.warn("reloading ORS_API_KEYS_FILE {} failed", file, e);
                        }
                    },
                    seconds,
                    seconds,
                    TimeUnit.SECONDS);
            poller = executor;
        }

        @Override
        public void close() {
            if (poller != null) {
                poller.shutdownNow();
            }
        }

        private static byte[] digest(byte[] bytes) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(bytes);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The ids of {@code keys}, for logs. */
    static List<String> ids(List<OrsApiKey> keys) {
        return keys.stream().map(OrsApiKey::id).toList();
    }
}
