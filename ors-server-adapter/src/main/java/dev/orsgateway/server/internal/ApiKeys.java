package dev.orsgateway.server.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.ErrorPayload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The configured API keys, kept only as SHA-256 hashes, each with its limits and their state. A presented key is
 * hashed and its hash looked up by value: whatever the lookup's timing tells is about the hash of a key the caller
 * chose, and a key with a configured hash is a SHA-256 preimage, so it tells nothing that helps find a key; the found
 * hash is then compared by {@link MessageDigest#isEqual}. The cost does not grow with the number of keys.
 *
 * <p>Limits are lock-free: each is one {@link AtomicLong} updated by compare-and-set (GCRA, the token bucket kept as
 * the time at which it will be full again), so a request costs a read of the clock and a CAS per limit.
 */
public final class ApiKeys {
    private static final HexFormat HEX = HexFormat.of();
    // Domain separation: the owner is not the plain hash of the key, so a stored owner is not a key-lookup hash.
    private static final byte[] OWNER_PREFIX = "ors-gateway owner\0".getBytes(StandardCharsets.UTF_8);
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    /** No keys: authentication off. */
    public static final ApiKeys NONE = new ApiKeys(List.of());

    private final List<Key> keys;
    private final Map<String, Key> byHash;

    private ApiKeys(List<Key> keys) {
        this.keys = keys;
        Map<String, Key> index = new HashMap<>();
        for (Key key : keys) {
            index.put(HEX.formatHex(key.hash), key);
        }
        this.byHash = Map.copyOf(index);
    }

    /** What one key may do; a limit of 0 is none, {@code models} empty is all. */
    public record Spec(
            byte[] sha256,
            String id,
            int requestsPerMinute,
            long tokensPerMinute,
            long tokenBudget,
            List<String> models) {
        /** Copies {@code models}. */
        public Spec {
            models = List.copyOf(models);
        }
    }

    /** The plain keys {@code keys} (duplicates once), without limits. */
    public static ApiKeys of(Collection<String> keys) {
        List<Spec> specs = new ArrayList<>();
        for (String key : keys) {
            byte[] hash = sha256(key);
            specs.add(new Spec(hash, "sha256:" + HEX.formatHex(hash, 0, 4), 0, 0, 0, List.of()));
        }
        return of(specs, NONE, System::nanoTime);
    }

    /**
     * The keys of {@code specs} (a hash given twice, once: the first), measuring limits by {@code clock} (nanoseconds).
     * A key also in {@code previous} keeps its state there: what it spent of its limits and its budget.
     */
    public static ApiKeys of(List<Spec> specs, ApiKeys previous, LongSupplier clock) {
        Map<String, Key> before = new LinkedHashMap<>();
        for (Key key : previous.keys) {
            before.put(HEX.formatHex(key.hash), key);
        }
        Map<String, Key> keys = new LinkedHashMap<>();
        for (Spec spec : specs) {
            String hex = HEX.formatHex(spec.sha256());
            if (!keys.containsKey(hex)) {
                keys.put(hex, new Key(spec, before.get(hex), clock));
            }
        }
        return new ApiKeys(List.copyOf(keys.values()));
    }

    /** The owner of the responses of a caller with {@code key}: 32 hex digits of a domain-separated SHA-256. */
    public static String ownerOf(String key) {
        byte[] hash = digest(OWNER_PREFIX, key);
        return HEX.formatHex(hash, 0, 16);
    }

    /** The SHA-256 of {@code key}'s UTF-8 bytes. */
    public static byte[] sha256(String key) {
        return digest(new byte[0], key);
    }

    /** Whether no key is configured (authentication off). */
    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** How many keys are configured. */
    public int size() {
        return keys.size();
    }

    /** The owner of {@code presented} if it is a configured key. */
    public Optional<String> authenticate(String presented) {
        return find(presented).map(key -> key.owner(presented));
    }

    /** The configured key {@code presented} is, if it is one. */
    public Optional<Key> find(String presented) {
        byte[] hash = sha256(presented);
        Key match = byHash.get(HEX.formatHex(hash));
        return match != null && MessageDigest.isEqual(match.hash, hash) ? Optional.of(match) : Optional.empty();
    }

    /** Whether {@code key}'s hash is one of these keys. */
    boolean holds(Key key) {
        return byHash.containsKey(HEX.formatHex(key.hash));
    }

    /**
     * The key of an {@code Authorization} header value of the {@code Bearer} scheme (the scheme name in any case),
     * or empty when the header is absent or of another scheme.
     */
    public static Optional<String> bearerToken(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static byte[] digest(byte[] prefix, String key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(prefix);
            return digest.digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** One configured key: its hash, its id for logs, its limits and what it spent of them. */
    public static final class Key {
        private final byte[] hash;
        private final String id;
        private final int requestsPerMinute;
        private final long tokensPerMinute;
        private final long tokenBudget;
        private final List<String> models;
        private final LongSupplier clock;
        // The time (clock nanoseconds) at which each bucket is full again; see the class comment.
        private final AtomicLong requestsFull;
        private final AtomicLong tokensFull;
        private final AtomicLong tokensSpent;
        // Computed from the presented key on its first use: a pre-hashed key's owner is not known before.
        private volatile String owner;

        private Key(Spec spec, Key previous, LongSupplier clock) {
            this.hash = spec.sha256().clone();
            this.id = spec.id();
            this.requestsPerMinute = spec.requestsPerMinute();
            this.tokensPerMinute = spec.tokensPerMinute();
            this.tokenBudget = spec.tokenBudget();
            this.models = spec.models();
            this.clock = clock;
            long now = clock.getAsLong();
            this.requestsFull = previous != null ? previous.requestsFull : new AtomicLong(now);
            this.tokensFull = previous != null ? previous.tokensFull : new AtomicLong(now);
            this.tokensSpent = previous != null ? previous.tokensSpent : new AtomicLong();
            this.owner = previous != null ? previous.owner : null;
        }

        /** The key's name, or a prefix of its hash: never the key. */
        public String id() {
            return id;
        }

        String owner(String presented) {
            String known = owner;
            if (known == null) {
                known = ownerOf(presented);
                owner = known;
            }
            return known;
        }

        /** Takes one request from the per-minute limit; a 429 with {@code Retry-After} when there is none left. */
        public void admitRequest() {
            if (requestsPerMinute == 0) {
                return;
            }
            long interval = MINUTE / requestsPerMinute;
            long tolerance = MINUTE - interval; // a full bucket: requestsPerMinute at once
            while (true) {
                long full = requestsFull.get();
                long now = clock.getAsLong();
                long wait = full - tolerance - now;
                if (wait > 0) {
                    throw rateLimited(requestsPerMinute + " requests per minute", wait);
                }
                if (requestsFull.compareAndSet(full, Math.max(full, now) + interval)) {
                    return;
                }
            }
        }

        /**
         * Refuses a response that would start over this key's tokens per minute (spent until the bucket is empty,
         * refused until it has room again) or budget; does not take any: {@link #charge} does, once they are known.
         */
        public void admitTokens() {
            if (tokenBudget > 0 && tokensSpent.get() >= tokenBudget) {
                throw new OrsException(
                        new ErrorPayload(
                                OrsException.TOO_MANY_REQUESTS,
                                "insufficient_quota",
                                "This API key has used its budget of " + tokenBudget + " tokens.",
                                null),
                        429);
            }
            if (tokensPerMinute == 0) {
                return;
            }
            // Until the bucket holds a whole token again.
            long wait = tokensFull.get() - MINUTE - clock.getAsLong() + tokenInterval();
            if (wait > 0) {
                throw rateLimited(tokensPerMinute + " tokens per minute", wait);
            }
        }

        /** Takes {@code tokens} a finished response used from the tokens per minute and the budget. */
        public void charge(long tokens) {
            if (tokens <= 0) {
                return;
            }
            if (tokenBudget > 0) {
                tokensSpent.addAndGet(tokens);
            }
            if (tokensPerMinute == 0) {
                return;
            }
            long cost = tokens > Long.MAX_VALUE / tokenInterval() / 2 ? Long.MAX_VALUE / 2 : tokens * tokenInterval();
            tokensFull.updateAndGet(full -> Math.max(full, clock.getAsLong()) + cost);
        }

        /** Refuses {@code model} (404 {@code model_not_found}) unless this key may use it. */
        public void admitModel(String model) {
            if (models.isEmpty()) {
                return;
            }
            if (model == null) {
                // Else the upstream would pick its own model, which may be none of this key's.
                throw OrsException.invalidRequest(
                        "model", "missing_required_parameter", "This API key may use some models only: name one.");
            }
            if (allows(model)) {
                return;
            }
            throw OrsException.notFound(
                    "model_not_found",
                    "model",
                    "The model '" + HttpErrors.clip(model) + "' is not available to this API key.");
        }

        /** Whether this key may use {@code model}. */
        public boolean allows(String model) {
            if (models.isEmpty()) {
                return true;
            }
            for (String pattern : models) {
                if (Globs.matches(pattern, model)) {
                    return true;
                }
            }
            return false;
        }

        private long tokenInterval() {
            return Math.max(1, MINUTE / tokensPerMinute);
        }

        private static OrsException rateLimited(String limit, long waitNanos) {
            Duration wait = Duration.ofNanos(waitNanos);
            return OrsException.tooManyRequests(
                    "rate_limit_exceeded",
                    "This API key's limit of " + limit + " is reached; retry in " + Responses.retryAfterSeconds(wait)
                            + " s.",
                    wait);
        }
    }

    /** Model globs: {@code *} is any run of characters, everything else itself. */
    static final class Globs {
        private Globs() {}

        static boolean matches(String pattern, String text) {
            int star = pattern.indexOf('*');
            if (star < 0) {
                return pattern.equals(text);
            }
            String[] parts = pattern.split("\\*", -1);
            if (!text.startsWith(parts[0])) {
                return false;
            }
            int at = parts[0].length();
            int last = parts.length - 1;
            for (int i = 1; i < last; i++) {
                int found = text.indexOf(parts[i], at);
                if (found < 0) {
                    return false;
                }
                at = found + parts[i].length();
            }
            return text.length() - at >= parts[last].length() && text.endsWith(parts[last]);
        }
    }
}
