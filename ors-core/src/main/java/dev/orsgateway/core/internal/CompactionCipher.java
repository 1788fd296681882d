package dev.orsgateway.core.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a compaction's state into the opaque {@code encrypted_content} of a {@code compaction} item, and opens it
 * again: AES-256-GCM (authenticated: a changed byte, or a blob sealed with another key, does not open), a random 96-bit
 * nonce per blob, and a fixed associated-data label so that no other AES-GCM blob of the same key opens as one.
 *
 * <p>Format: {@code orsc1.} followed by the unpadded base64url of nonce, ciphertext and tag.
 */
public final class CompactionCipher {

    /** The key length: 32 bytes (AES-256). */
    public static final int KEY_BYTES = 32;

    private static final String PREFIX = "orsc1.";
    private static final byte[] LABEL = "ors-gateway compaction v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /** A cipher with {@code key} ({@value #KEY_BYTES} bytes; copied). */
    public CompactionCipher(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a compaction key has " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** A cipher with a new random key. */
    public static CompactionCipher random() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return new CompactionCipher(key);
    }

    /** Seals {@code plaintext}. */
    public String seal(String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(LABEL);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            ByteBuffer blob =
                    ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(blob.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The plaintext of {@code blob}, or empty when it is not a blob this key sealed (malformed, changed, foreign). */
    public Optional<String> open(String blob) {
        if (blob == null || !blob.startsWith(PREFIX)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(blob.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    key,
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(bytes, 0, NONCE_BYTES)));
            cipher.updateAAD(LABEL);
            byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (javax.crypto.AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }
}
