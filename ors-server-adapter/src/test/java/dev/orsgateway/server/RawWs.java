package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a raw socket, for what the JDK's client hides: a small, fixed receive window (no autotuning)
 * and a client that reads nothing for a while. Speaks just enough RFC 6455: the handshake, masked text frames out,
 * unmasked frames in.
 */
final class RawWs implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** The status code and reason of the server's close frame, once {@link #readText} met it; -1 before. */
    int closeCode = -1;

    String closeReason = "";

    private RawWs(Socket socket) throws Exception {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code /v1/responses} of {@code base}. */
    static RawWs connect(URI base) throws Exception {
        return connect(base, 0);
    }

    /**
     * Connects to {@code /v1/responses} of {@code base} with a receive buffer of {@code receiveBuffer} bytes (0: the
     * system's).
     */
    static RawWs connect(URI base, int receiveBuffer) throws Exception {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setSoTimeout((int) Fixture.TIMEOUT.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), (int) Fixture.TIMEOUT.toMillis());
        RawWs ws = new RawWs(socket);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        ws.out.write(("GET " + base.getPath() + "/responses HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = ws.in.read();
            if (b < 0) {
                throw new EOFException("closed in the handshake: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return ws;
    }

    /** Sends one text message in one masked frame. */
    void sendText(String text) throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        frame(true, 0x1, payload, payload.length);
        out.flush();
    }

    /**
     * Sends a {@code response.create} text message of {@code length} bytes ({@code "x"} inside its input string), in
     * one frame ({@code fragment} 0) or in frames of {@code fragment} bytes, written as it goes.
     */
    void sendCreateOfLength(int length, int fragment) throws Exception {
        byte[] prefix = "{\"type\":\"response.create\",\"model\":\"m\",\"input\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[length];
        Arrays.fill(message, (byte) 'x');
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        message[length - 2] = '"';
        message[length - 1] = '}';
        int size = fragment == 0 ? length : fragment;
        for (int offset = 0; offset < length; offset += size) {
            int n = Math.min(size, length - offset);
            frame(offset + n == length, offset == 0 ? 0x1 : 0x0, Arrays.copyOfRange(message, offset, offset + n), n);
        }
        out.flush();
    }

    /** Writes one masked frame of {@code payload}'s first {@code length} bytes (masking them in place). */
    private void frame(boolean fin, int opcode, byte[] payload, int length) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            head.write(0x80 | length);
        } else if (length < 65536) {
            head.write(0x80 | 126);
            head.write(length >>> 8);
            head.write(length);
        } else {
            head.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                head.write((int) ((long) length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        head.write(mask);
        out.write(head.toByteArray());
        for (int i = 0; i < length; i++) {
            payload[i] ^= mask[i & 3];
        }
        out.write(payload, 0, length);
    }

    /** The next text message (fragments joined; pings skipped), or null once the server closed. */
    String readText() throws Exception {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int opcode = first & 0x0F;
            long length = in.read() & 0x7F;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | in.read();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length != length) {
                throw new EOFException("closed inside a frame");
            }
            if (opcode == 0x8) {
                if (payload.length >= 2) {
                    closeCode = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                    closeReason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
                }
                return null;
            }
            if (opcode == 0x1 || opcode == 0x0) {
                message.write(payload);
                if ((first & 0x80) != 0) {
                    return message.toString(StandardCharsets.UTF_8);
                }
            }
        }
    }

    @Override
    public void close() throws java.io.IOException {
        socket.close();
    }
}
