package dev.orsgateway.transcoder.internal;

import java.io.ByteArrayOutputStream;
import java.util.Base64;

/**
 * Joins the base64 pieces of a streamed audio into the base64 of the whole audio. Providers send them two ways:
 * slices of one base64 text (joining is enough), or each piece the base64 of its own bytes, padded (OpenAI: a client
 * decodes each {@code delta.audio.data} on its own), where the joined text has {@code =} inside and no decoder takes
 * it; then the pieces are decoded and the bytes encoded once.
 */
public final class Base64Pieces {
    private Base64Pieces() {}

    /** The base64 of the audio that {@code joined}, the pieces in order, encodes; unchanged if it cannot tell. */
    public static String whole(String joined) {
        int pad = joined.indexOf('=');
        if (pad < 0) {
            return joined;
        }
        int end = pad;
        while (end < joined.length() && joined.charAt(end) == '=') {
            end++;
        }
        if (end == joined.length()) {
            return joined; // padding only at the very end: already one base64 text
        }
        // Padding ends a piece, and every piece is whole quanta: each run up to the end of a padding decodes alone.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(joined.length() / 4 * 3);
        Base64.Decoder decoder = Base64.getDecoder();
        try {
            int start = 0;
            while (start < joined.length()) {
                int stop = joined.indexOf('=', start);
                if (stop < 0) {
                    stop = joined.length();
                } else {
                    while (stop < joined.length() && joined.charAt(stop) == '=') {
                        stop++;
                    }
                }
                bytes.writeBytes(decoder.decode(joined.substring(start, stop)));
                start = stop;
            }
        } catch (IllegalArgumentException e) {
            return joined; // not base64 that can be mended: kept as the provider sent it
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
