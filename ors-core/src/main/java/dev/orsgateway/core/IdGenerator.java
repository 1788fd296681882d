package dev.orsgateway.core;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the ids of responses ({@code resp_}), messages ({@code msg_}), function calls ({@code fc_}), reasoning
 * items ({@code rs_}) and the like. Injected so that tests and golden files see stable ids.
 */
@FunctionalInterface
public interface IdGenerator {

    /** A new id that starts with {@code prefix} and an underscore and is unique within this generator. */
    String newId(String prefix);

    /** Random ids: the prefix and 48 hex digits (192 random bits), like OpenAI's. */
    static IdGenerator random() {
        SecureRandom random = new SecureRandom();
        HexFormat hex = HexFormat.of();
        return prefix -> {
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            return prefix + "_" + hex.formatHex(bytes);
        };
    }

    /** Counting ids, {@code prefix_1}, {@code prefix_2}, ... (one counter across prefixes); for tests. */
    static IdGenerator sequential() {
        AtomicLong counter = new AtomicLong();
        return prefix -> prefix + "_" + counter.incrementAndGet();
    }
}
