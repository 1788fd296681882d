package dev.orsgateway.server;

import dev.orsgateway.server.internal.ApiKeys;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An API key clients authenticate with ({@code Authorization: Bearer <key>}), and what it may do: requests and tokens
 * per minute, a total token budget, the models it may use. Only the key's SHA-256 hash is kept, and {@link
 * #toString()} shows its {@link #id()}, never the key.
 *
 * <pre>{@code
 * OrsApiKey.of("sk-...").name("team-a").requestsPerMinute(60).tokensPerMinute(100_000).models("gpt-4o*").build();
 * OrsApiKey.ofSha256("9f86d081...").name("team-b").build(); // the key itself appears nowhere
 * }</pre>
 *
 * <p>Limits are enforced per key, in this process (a cluster of gateways allows each its own share), and a limit of 0
 * means none. Refusals: over the requests or tokens per minute, 429 {@code rate_limit_exceeded} with {@code
 * Retry-After}; the budget spent, 429 {@code insufficient_quota} (no {@code Retry-After}: waiting does not help); a
 * model outside {@link Builder#models}, 404 {@code model_not_found}, as for a model the gateway does not serve.
 */
public final class OrsApiKey {
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] sha256;
    private final String name;
    private final int requestsPerMinute;
    private final long tokensPerMinute;
    private final long tokenBudget;
    private final List<String> models;

    private OrsApiKey(Builder builder) {
        this.sha256 = builder.sha256;
        this.name = builder.name;
        this.requestsPerMinute = builder.requestsPerMinute;
        this.tokensPerMinute = builder.tokensPerMinute;
        this.tokenBudget = builder.tokenBudget;
        this.models = List.copyOf(builder.models);
    }

    /** A key given as itself. */
    public static Builder of(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("an API key must not be blank");
        }
        return new Builder(ApiKeys.sha256(key));
    }

    /**
     * A key given as the hex SHA-256 of its UTF-8 bytes (64 hex digits, e.g. {@code printf %s "$KEY" | sha256sum}),
     * so that the configuration holds no secret.
     */
    public static Builder ofSha256(String hex) {
        Objects.requireNonNull(hex, "hex");
        String digits = hex.strip().toLowerCase(Locale.ROOT);
        if (digits.length() != 64 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("a SHA-256 hash is 64 hex digits");
        }
        return new Builder(HEX.parseHex(digits));
    }

    /** The name given, else {@code sha256:} and the first 8 hex digits of the key's hash: what logs show. */
    public String id() {
        return name != null ? name : "sha256:" + HEX.formatHex(sha256, 0, 4);
    }

    /** Requests per minute (every request but the health check, and each WebSocket turn); 0: no limit. */
    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    /** Tokens per minute, counted from the usage of finished responses; 0: no limit. */
    public long tokensPerMinute() {
        return tokensPerMinute;
    }

    /** Tokens in all, counted as {@link #tokensPerMinute()}, since the process started; 0: no budget. */
    public long tokenBudget() {
        return tokenBudget;
    }

    /** The models the key may use (names, or globs with {@code *}); empty: all. */
    public List<String> models() {
        return models;
    }

    /** The hash; not API. */
    byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public String toString() {
        return "OrsApiKey[" + id() + (requestsPerMinute > 0 ? ", rpm=" + requestsPerMinute : "")
                + (tokensPerMinute > 0 ? ", tpm=" + tokensPerMinute : "")
                + (tokenBudget > 0 ? ", budget=" + tokenBudget : "")
                + (models.isEmpty() ? "" : ", models=" + models) + "]";
    }

    /** Builds an {@link OrsApiKey}. */
    public static final class Builder {
        private final byte[] sha256;
        private String name;
        private int requestsPerMinute;
        private long tokensPerMinute;
        private long tokenBudget;
        private final List<String> models = new ArrayList<>();

        private Builder(byte[] sha256) {
            this.sha256 = sha256;
        }

        /** A name for logs (letters, digits, {@code . _ - @ :}, up to 64); default a prefix of the key's hash. */
        public Builder name(String name) {
            if (name != null && !name.matches("[A-Za-z0-9._@:-]{1,64}")) {
                throw new IllegalArgumentException(
                        "a key's name is 1 to 64 letters, digits or . _ - @ :, was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** Requests per minute, at most; 0 (the default) for no limit. */
        public Builder requestsPerMinute(int requestsPerMinute) {
            this.requestsPerMinute = nonNegative("requestsPerMinute", requestsPerMinute);
            return this;
        }

        /** Tokens per minute, at most; 0 (the default) for no limit. */
        public Builder tokensPerMinute(long tokensPerMinute) {
            this.tokensPerMinute = nonNegative("tokensPerMinute", tokensPerMinute);
            return this;
        }

        /** Tokens in all; 0 (the default) for no budget. */
        public Builder tokenBudget(long tokenBudget) {
            this.tokenBudget = nonNegative("tokenBudget", tokenBudget);
            return this;
        }

        /** Adds models the key may use: names, or globs where {@code *} is any run of characters. */
        public Builder models(String... models) {
            for (String model : models) {
                Objects.requireNonNull(model, "model");
                if (model.isBlank()) {
                    throw new IllegalArgumentException("a model pattern must not be blank");
                }
                this.models.add(model.strip());
            }
            return this;
        }

        /** Builds the key. */
        public OrsApiKey build() {
            return new OrsApiKey(this);
        }

        private static <T extends Number> T nonNegative(String what, T value) {
            if (value.longValue() < 0) {
                throw new IllegalArgumentException(what + " must not be negative, was " + value);
            }
            return value;
        }
    }
}
