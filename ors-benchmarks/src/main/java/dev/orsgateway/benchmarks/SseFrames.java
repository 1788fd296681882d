package dev.orsgateway.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The SSE frame the servlet adapter writes per event: {@code event: <type>\ndata: <json>\n\n}, LF only. A copy of
 * {@code dev.orsgateway.server.internal.SseSubscriber#frame} (package-private there), byte for byte in output and
 * in the copies it makes; to be replaced by the public encoder when {@code ors-core} has one.
 */
public final class SseFrames {
    private SseFrames() {}

    /** One frame of {@code type} around the compact JSON {@code json}. */
    public static byte[] frame(String type, byte[] json) {
        byte[] name = (type == null ? "message" : type.replace('\n', ' ').replace('\r', ' '))
                .getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + name.length + 16);
        out.writeBytes("event: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(name);
        out.writeBytes("\ndata: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(json);
        out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
