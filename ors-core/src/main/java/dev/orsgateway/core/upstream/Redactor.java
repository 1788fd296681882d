package dev.orsgateway.core.upstream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Masks the gateway's upstream credentials (API key, secret headers, secret URL parts) in text taken from the upstream,
 * such as an error message that echoes the key, before it reaches an exception message or a log line.
 */
public final class Redactor {

    /** Shorter values are too likely to occur by chance (and too weak to be real secrets). */
    private static final int MIN_SECRET_LENGTH = 6;

    private static final String MASK = "***";

    /** Header names whose values are credentials. */
    private static final List<String> SECRET_HEADER_WORDS = List.of("key", "auth", "token", "secret", "cookie", "pass");

    private final List<String> secrets;

    /**
     * A redactor for the given values.
     *
     * @param secrets the values to mask; {@code null}s and values shorter than six characters are ignored
     */
    public Redactor(Collection<String> secrets) {
        List<String> kept = new ArrayList<>();
        for (String secret : secrets) {
            if (secret != null && secret.length() >= MIN_SECRET_LENGTH && !kept.contains(secret)) {
                kept.add(secret);
            }
        }
        // Longest first, so that a secret containing another is masked whole.
        kept.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(kept);
    }

    /**
     * Whether a header's value is a credential: its name contains {@code key}, {@code auth}, {@code token},
     * {@code secret}, {@code cookie} or {@code pass}.
     *
     * @param name a header name
     * @return whether to treat its value as a secret
     */
    public static boolean isSecretHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String word : SECRET_HEADER_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Masks every secret.
     *
     * @param text any text, or {@code null}
     * @return {@code text} with every secret replaced by {@code ***}; {@code null} stays {@code null}
     */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
