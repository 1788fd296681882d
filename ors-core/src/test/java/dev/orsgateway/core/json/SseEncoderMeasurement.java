package dev.orsgateway.core.json;

import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.model.Usage;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: measures allocation (com.sun.management.ThreadMXBean#getThreadAllocatedBytes) and time per encoded
 * event, the servlet's former way (OrsJson.writeBytes, then a frame copied together) against {@link SseEncoder}, and
 * prints them; it asserts nothing. Times are wall clock on whatever machine runs it, so compare rows of one run. The
 * event objects are made before the loops: only encoding is counted. Run it on demand:
 *
 * <pre>
 * ./mvnw -o -q -pl ors-core verify -Dors.measure=true -Dtest=SseEncoderMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "ors.measure", matches = "true")
class SseEncoderMeasurement {
    private static final int EVENTS = 4096;
    private static final int ROUNDS = 7;
    private static volatile int sink;

    @Test
    void measure() {
        ResponseEvent[] deltas = new ResponseEvent[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            deltas[i] = new ResponseEvent.OutputTextDelta(
                    i + 3, "msg_0123456789abcdef", 0, 0, i % 2 == 0 ? " token" : "s\u00e9", List.of(), null);
        }
        ResponseEvent[] completed = new ResponseEvent[64];
        for (int i = 0; i < completed.length; i++) {
            completed[i] = new ResponseEvent.Completed(i, completedResponse(i));
        }

        System.out.println("event                     | way                              | bytes/event | ns/event");
        run(
                "output_text.delta",
                "old: writeBytes + frame copy",
                deltas,
                2_000_000,
                i -> sink += oldFrame(deltas[i]).length);
        try (SseEncoder encoder = new SseEncoder()) {
            run("output_text.delta", "new: encoder, batch of 1", deltas, 2_000_000, i -> {
                encoder.event(deltas[i]);
                sink += encoder.size();
                encoder.clear();
            });
            run("output_text.delta", "new: encoder, batch of 32", deltas, 2_000_000, i -> {
                encoder.event(deltas[i]);
                if ((i & 31) == 31) {
                    sink += encoder.size();
                    encoder.clear();
                }
            });
            run(
                    "response.completed",
                    "old: writeBytes + frame copy",
                    completed,
                    200_000,
                    i -> sink += oldFrame(completed[i & 63]).length);
            run("response.completed", "new: encoder, batch of 1", completed, 200_000, i -> {
                encoder.event(completed[i & 63]);
                sink += encoder.size();
                encoder.clear();
            });
        }
    }

    /** The alternative of giving Jackson's buffers back after every batch (an idle stream would hold none). */
    @Test
    void measureClosingPerBatch() {
        ResponseEvent[] deltas = new ResponseEvent[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            deltas[i] =
                    new ResponseEvent.OutputTextDelta(i + 3, "msg_0123456789abcdef", 0, 0, " token", List.of(), null);
        }
        SseEncoder[] holder = {new SseEncoder()};
        run("output_text.delta", "new: encoder closed per batch of 1", deltas, 2_000_000, i -> {
            SseEncoder encoder = holder[0];
            encoder.event(deltas[i]);
            sink += encoder.size();
            encoder.clear();
            AutoCloseable closeable = encoder;
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Response completedResponse(int i) {
        Item.Message message = new Item.Message(
                "msg_" + i,
                ItemStatus.COMPLETED,
                MessageRole.ASSISTANT,
                List.of(new ContentPart.OutputText("word ".repeat(200))),
                null,
                Map.of());
        return Response.builder()
                .echo(CreateResponseRequest.builder().model("m").build())
                .id("resp_" + i)
                .createdAt(1_764_967_971L)
                .status(ResponseStatus.COMPLETED)
                .output(List.of(message))
                .usage(Usage.of(10, 200))
                .build();
    }

    private static void run(String event, String way, ResponseEvent[] events, int iterations, IntConsumer body) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int mask = Integer.highestOneBit(events.length) - 1;
        double[] bytes = new double[ROUNDS];
        double[] nanos = new double[ROUNDS];
        for (int warm = 0; warm < iterations; warm++) {
            body.accept(warm & mask);
        }
        for (int round = 0; round < ROUNDS; round++) {
            long allocated = threads.getThreadAllocatedBytes(thread);
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                body.accept(i & mask);
            }
            nanos[round] = (System.nanoTime() - start) / (double) iterations;
            bytes[round] = (threads.getThreadAllocatedBytes(thread) - allocated) / (double) iterations;
        }
        Arrays.sort(bytes);
        Arrays.sort(nanos);
        System.out.printf("%-25s | %-32s | %11.1f | %8.1f%n", event, way, bytes[ROUNDS / 2], nanos[ROUNDS / 2]);
    }

    /** What SseSubscriber did before the encoder, copied from it. */
    private static byte[] oldFrame(ResponseEvent event) {
        byte[] json = OrsJson.writeBytes(event);
        byte[] name = event.type().replace('\n', ' ').replace('\r', ' ').getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + name.length + 16);
        out.writeBytes("event: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(name);
        out.writeBytes("\ndata: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(json);
        out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
