package dev.orsgateway.spring.boot;

import dev.orsgateway.core.testing.FakeChatServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the starter's HTTP tests share: scripted upstreams, their replies, a directory for the store. */
final class TestUpstreams {
    private TestUpstreams() {}

    /** A started {@link FakeChatServer}, for a static field of a test class. */
    static FakeChatServer start() {
        try {
            return FakeChatServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new temporary directory, for a static field of a test class. */
    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One SSE event of a chat completion stream. */
    static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"scripted\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}\n\n";
    }

    /** A whole chat completion answering {@code text}. */
    static String completion(String text) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"scripted\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text
                + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}";
    }
}
