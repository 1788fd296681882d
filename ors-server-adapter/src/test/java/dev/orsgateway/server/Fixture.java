package dev.orsgateway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.InMemoryResponseStore;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.StoredResponse;
import dev.orsgateway.core.testing.ScriptedUpstream;
import dev.orsgateway.transcoder.ChatTranscoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * One gateway over a {@link ScriptedUpstream}, served by an {@link OrsServlet} under {@code /v1/*} in a real
 * container on 127.0.0.1, and a JDK {@link HttpClient} to call it. Every wait is bounded.
 */
final class Fixture implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final ScriptedUpstream upstream = new ScriptedUpstream();
    final CountingStore store = new CountingStore(new InMemoryResponseStore());
    final OrsGateway gateway;
    final OrsServlet servlet;
    final ServletContainer.Running server;
    final HttpClient client;
    private final ExecutorService clientExecutor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-http-client");
        thread.setDaemon(true);
        return thread;
    });
    final URI base;
    private boolean serverStopped;

    private Fixture(ServletContainer container, OrsServletConfig config, int maxThreads) throws Exception {
        this(container, config, maxThreads, 0);
    }

    private Fixture(ServletContainer container, OrsServletConfig config, int maxThreads, int idleTimeoutMillis)
            throws Exception {
        gateway = OrsGateway.builder()
                .transcoder(ChatTranscoder.create())
                .upstream(upstream)
                .store(store)
                .idGenerator(IdGenerator.sequential())
                .build();
        servlet = new OrsServlet(gateway, config);
        server = container.start(servlet, "/v1/*", maxThreads, idleTimeoutMillis);
        base = server.base().resolve("/v1");
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .executor(clientExecutor)
                .build();
    }

    static Fixture start(ServletContainer container) throws Exception {
        return new Fixture(container, OrsServletConfig.builder().build(), 0);
    }

    static Fixture start(ServletContainer container, UnaryOperator<OrsServletConfig.Builder> config) throws Exception {
        return new Fixture(container, config.apply(OrsServletConfig.builder()).build(), 0);
    }

    static Fixture start(ServletContainer container, UnaryOperator<OrsServletConfig.Builder> config, int maxThreads)
            throws Exception {
        return new Fixture(container, config.apply(OrsServletConfig.builder()).build(), maxThreads);
    }

    /** A fixture whose container's connector has the idle timeout {@code idleTimeoutMillis}. */
    static Fixture startWithIdleTimeout(
            ServletContainer container, UnaryOperator<OrsServletConfig.Builder> config, int idleTimeoutMillis)
            throws Exception {
        return new Fixture(container, config.apply(OrsServletConfig.builder()).build(), 0, idleTimeoutMillis);
    }

    /** Polls until the upstream has delivered nothing new for half a second; bounded by the fixture's timeout. */
    static long awaitQuiescence(ScriptedUpstream.Script script) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long last = -1;
        int stable = 0;
        while (System.nanoTime() < deadline) {
            long now = script.delivered();
            stable = now == last ? stable + 1 : 0;
            last = now;
            if (stable == 5 || now == script.chunkCount()) {
                return now;
            }
            Thread.sleep(100); // a quiescence check, not ordering: nothing else tells "it stopped"
        }
        throw new AssertionError("the upstream never paused; delivered " + last);
    }

    URI uri(String path) {
        return URI.create(base + path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT);
    }

    HttpRequest.Builder post(String path, String json) {
        return request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }

    /** Sends and reads the whole body, within {@link #TIMEOUT}. */
    Reply send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Reply(response);
        } catch (Exception e) {
            throw new AssertionError("request " + request.method() + " " + request.uri() + " failed", e);
        }
    }

    Reply postJson(String json) {
        return send(post("/responses", json).build());
    }

    Reply get(String path) {
        return send(request(path).GET().build());
    }

    Reply delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** Opens a streamed answer: the status and headers, and the body as it comes. */
    HttpResponse<InputStream> open(HttpRequest request) {
        try {
            return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("request " + request.method() + " " + request.uri() + " failed", e);
        }
    }

    /** Stops the container (the servlet is destroyed); {@link #close} then only releases the client. */
    void stopServer() {
        if (!serverStopped) {
            serverStopped = true;
            server.close();
        }
    }

    @Override
    public void close() {
        clientExecutor.shutdownNow();
        stopServer();
    }

    /** A whole answer. */
    record Reply(HttpResponse<byte[]> response) {
        int status() {
            return response.statusCode();
        }

        String text() {
            return new String(response.body(), StandardCharsets.UTF_8);
        }

        byte[] bytes() {
            return response.body();
        }

        JsonNode json() {
            try {
                return OrsJson.mapper().readTree(response.body());
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text(), e);
            }
        }

        Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        String contentType() {
            return header("Content-Type").orElse("");
        }

        @Override
        public String toString() {
            return status() + " " + text();
        }
    }

    /** A store that counts saves, so a test can tell that nothing was stored. */
    static final class CountingStore implements ResponseStore {
        private final ResponseStore delegate;
        final AtomicInteger saves = new AtomicInteger();

        CountingStore(ResponseStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public void save(StoredResponse response) {
            saves.incrementAndGet();
            delegate.save(response);
        }

        @Override
        public Optional<StoredResponse> find(String id) {
            return delegate.find(id);
        }

        @Override
        public Optional<List<Item>> replay(String id) {
            return delegate.replay(id);
        }

        @Override
        public Optional<ItemPage> inputItems(String id, PageRequest page) {
            return delegate.inputItems(id, page);
        }

        @Override
        public boolean delete(String id) {
            return delegate.delete(id);
        }
    }
}
