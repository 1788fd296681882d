package dev.orsgateway.server.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The configured API keys, kept only as SHA-256 hashes, and the owner each one maps to. A presented key is hashed
 * and compared with every configured hash by {@link MessageDigest#isEqual}, without stopping at a match, so the time
 * taken says nothing about which bytes, or which key, matched.
 */
public final class ApiKeys {
    private static final HexFormat HEX = HexFormat.of();
    // Domain separation: the owner is not the plain hash of the key, so a stored owner is not a key-lookup hash.
    private static final byte[] OWNER_PREFIX = "ors-gateway owner\0".getBytes(StandardCharsets.UTF_8);

    private final List<byte[]> hashes;
    private final List<String> owners;

    private ApiKeys(List<byte[]> hashes, List<String> owners) {
        this.hashes = hashes;
        this.owners = owners;
    }

    /** The hashes of {@code keys} (duplicates once). */
    public static ApiKeys of(Collection<String> keys) {
        List<byte[]> hashes = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        for (String key : new LinkedHashSet<>(keys)) {
            hashes.add(sha256(new byte[0], key));
            owners.add(ownerOf(key));
        }
        return new ApiKeys(List.copyOf(hashes), List.copyOf(owners));
    }

    /** The owner of the responses of a caller with {@code key}: 32 hex digits of a domain-separated SHA-256. */
    public static String ownerOf(String key) {
        byte[] hash = sha256(OWNER_PREFIX, key);
        return HEX.formatHex(hash, 0, 16);
    }

    /** Whether no key is configured (authentication off). */
    public boolean isEmpty() {
        return hashes.isEmpty();
    }

    /** How many keys are configured. */
    public int size() {
        return hashes.size();
    }

    /** The owner of {@code presented} if it is a configured key. */
    public Optional<String> authenticate(String presented) {
        byte[] hash = sha256(new byte[0], presented);
        int match = -1;
        for (int i = 0; i < hashes.size(); i++) {
            if (MessageDigest.isEqual(hashes.get(i), hash)) {
                match = i;
            }
        }
        return match < 0 ? Optional.empty() : Optional.of(owners.get(match));
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

    private static byte[] sha256(byte[] prefix, String key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(prefix);
            return digest.digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
