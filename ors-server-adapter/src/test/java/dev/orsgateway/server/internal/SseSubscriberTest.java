package dev.orsgateway.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.json.SseEncoder;
import dev.orsgateway.core.model.ResponseEvent;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The window and the batching, driven step by step: an output stream whose readiness the test decides stands in for
 * the container (the same paths run over real sockets in WireLevelTest, where timing decides the batches).
 */
class SseSubscriberTest {

    /** A container's non-blocking output, ready or not as the test says. */
    static final class Output extends ServletOutputStream {
        final List<byte[]> writes = new ArrayList<>();
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        int flushes;
        boolean ready = true;
        /** Whether a write leaves the output busy (a client that does not read). */
        boolean blockAfterWrite;

        WriteListener listener;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            listener = writeListener;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            assertThat(ready).as("written only when ready").isTrue();
            byte[] copy = new byte[len];
            System.arraycopy(b, off, copy, 0, len);
            writes.add(copy);
            all.write(b, off, len);
            if (blockAfterWrite) {
                ready = false;
            }
        }

        @Override
        public void flush() {
            assertThat(ready).as("flushed only when ready").isTrue();
            flushes++;
        }

        /** The client read: the output is ready again, and the container says so. */
        void drained() throws java.io.IOException {
            ready = true;
            listener.onWritePossible();
        }

        String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    /** An upstream that records demand and emits only what the test tells it to. */
    static final class Upstream implements Flow.Publisher<ResponseEvent>, Flow.Subscription {
        Flow.Subscriber<? super ResponseEvent> subscriber;
        long requested;
        long sent;
        boolean cancelled;

        @Override
        public void subscribe(Flow.Subscriber<? super ResponseEvent> s) {
            subscriber = s;
            s.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        /** Emits as many text deltas as demand allows, up to {@code max}; returns how many. */
        int emit(int max) {
            int n = 0;
            while (n < max && sent < requested) {
                subscriber.onNext(delta(sent++));
                n++;
            }
            return n;
        }
    }

    final Output out = new Output();
    final AtomicBoolean completed = new AtomicBoolean();
    final List<String> headers = new ArrayList<>();
    int status;

    private Exchange exchange() throws Exception {
        AsyncContext async = (AsyncContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("complete")) {
                        completed.set(true);
                    }
                    return null;
                });
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> method.getName().equals("startAsync") ? async : null);
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getOutputStream" -> {
                            return out;
                        }
                        case "setStatus" -> status = (Integer) args[0];
                        case "setHeader" -> headers.add(args[0] + ": " + args[1]);
                        default -> {}
                    }
                    return null;
                });
        return Exchange.start(request, response, new RequestLog("POST", "/v1/responses"));
    }

    static ResponseEvent delta(long sequence) {
        return new ResponseEvent.OutputTextDelta(sequence, "msg_1", 0, 0, "t" + sequence, List.of(), null);
    }

    private static int frames(byte[] write) {
        String text = new String(write, StandardCharsets.UTF_8);
        int count = 0;
        for (int at = text.indexOf("event: "); at >= 0; at = text.indexOf("event: ", at + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void requestsAWindowAndWritesWhatIsReadyTogetherOnce() throws Exception {
        Exchange exchange = exchange();
        Upstream upstream = new Upstream();
        upstream.subscribe(new SseSubscriber(exchange, new RequestLog("POST", "/"), 0, null));
        assertThat(upstream.requested).isEqualTo(SseSubscriber.WINDOW);

        // The client reads nothing: the first event's write leaves the output busy.
        out.blockAfterWrite = true;
        assertThat(upstream.emit(1)).isEqualTo(1);
        assertThat(out.writes).hasSize(1);
        assertThat(upstream.emit(Integer.MAX_VALUE)).isEqualTo(SseSubscriber.WINDOW - 1);
        assertThat(out.writes)
                .as("nothing more is written while the output is busy")
                .hasSize(1);
        assertThat(upstream.requested)
                .as("nothing more is asked for while the output is busy")
                .isEqualTo(SseSubscriber.WINDOW);

        // The client reads: the first write is flushed, the 31 waiting events go out as one write and one flush.
        out.drained();
        assertThat(out.writes).hasSize(2);
        assertThat(frames(out.writes.get(1))).isEqualTo(SseSubscriber.WINDOW - 1);
        assertThat(out.flushes).isEqualTo(1);
        assertThat(upstream.requested).as("the first event's demand is renewed").isEqualTo(SseSubscriber.WINDOW + 1);

        out.blockAfterWrite = false;
        out.drained();
        assertThat(out.flushes).isEqualTo(2);
        assertThat(upstream.requested).isEqualTo(2L * SseSubscriber.WINDOW);

        // A ready output writes each event as it comes.
        assertThat(upstream.emit(3)).isEqualTo(3);
        assertThat(out.writes).hasSize(5);
        assertThat(out.flushes).isEqualTo(5);

        upstream.subscriber.onComplete();
        assertThat(completed).isTrue();
        StringBuilder expected = new StringBuilder();
        for (long i = 0; i < upstream.sent; i++) {
            expected.append(new String(SseEncoder.frame(delta(i)), StandardCharsets.UTF_8));
        }
        expected.append("data: [DONE]\n\n");
        assertThat(out.text()).isEqualTo(expected.toString());
        assertThat(status).isEqualTo(200);
        assertThat(headers).contains("Cache-Control: no-cache", "X-Accel-Buffering: no");
        assertThat(upstream.cancelled).isFalse();
    }

    @Test
    void aFailureAfterOutputEndsWithAnErrorEventAfterTheQueuedEvents() throws Exception {
        Exchange exchange = exchange();
        Upstream upstream = new Upstream();
        upstream.subscribe(new SseSubscriber(exchange, new RequestLog("POST", "/"), 0, null));
        out.blockAfterWrite = true;
        upstream.emit(3);

        upstream.subscriber.onError(new IllegalStateException("boom"));
        assertThat(completed).isFalse();
        out.blockAfterWrite = false;
        out.drained();

        assertThat(completed).isTrue();
        String text = out.text();
        assertThat(text)
                .endsWith("data: [DONE]\n\n")
                .contains("event: error\ndata: {\"type\":\"error\",\"sequence_number\":3,");
        assertThat(frames(out.writes.get(1)))
                .as("the queued events and the error, in one write")
                .isEqualTo(3);
    }

    @Test
    void anAbortedExchangeCancelsTheUpstream() throws Exception {
        Exchange exchange = exchange();
        Upstream upstream = new Upstream();
        upstream.subscribe(new SseSubscriber(exchange, new RequestLog("POST", "/"), 0, null));
        upstream.emit(1);

        exchange.abort("test", new java.io.IOException("the client left"));

        assertThat(upstream.cancelled).isTrue();
        assertThat(completed).isTrue();
    }

    @Test
    void retryAfterIsInWholeSecondsRoundedUp() {
        assertThat(Responses.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(Responses.retryAfterSeconds(Duration.ofSeconds(2))).isEqualTo(2);
        assertThat(Responses.retryAfterSeconds(Duration.ofMillis(2001))).isEqualTo(3);
        assertThat(Responses.retryAfterSeconds(Duration.ZERO)).isZero();
        assertThat(Responses.errorHeaders(OrsException.tooManyRequests("busy", "Busy.", Duration.ofMillis(1500))))
                .containsEntry("Retry-After", "2");
    }
}
