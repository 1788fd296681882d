package dev.orsgateway.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.upstream.okhttp.OkHttpChatCompletionsUpstream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One in-process gateway wired for real: a {@link ScriptedChatServer} on 127.0.0.1 (port 0), reached over loopback
 * HTTP by an {@link OkHttpChatCompletionsUpstream}, and a {@link JdbcResponseStore} in a file. Every response and
 * event that passes through its helpers is validated against the Open Responses schemas.
 */
final class Harness implements AutoCloseable {

    /** The bound of every wait. Generous: a loopback call takes milliseconds. */
    static final Duration WAIT = Duration.ofSeconds(30);

    static final String MODEL = "test-model";

    final ScriptedChatServer server;
    final OkHttpChatCompletionsUpstream upstream;
    final JdbcResponseStore store;
    final OrsGateway gateway;
    final Path database;

    private Harness(Path dir) {
        database = dir.resolve("ors.db");
        server = ScriptedChatServer.start();
        upstream = OkHttpChatCompletionsUpstream.builder()
                .baseUrl(server.baseUrl().toString())
                .apiKey("sk-test")
                .connectTimeout(Duration.ofSeconds(5))
                // Longer than every wait of the tests, so that no timeout of the upstream ends a call a test
                // expects to be ended by something else (a cancel).
                .readTimeout(WAIT.multipliedBy(4))
                .callTimeout(WAIT.multipliedBy(4))
                .build();
        store = JdbcResponseStore.open(database);
        gateway = OrsGateway.builder()
                .transcoder(ChatTranscoder.create())
                .upstream(upstream)
                .store(store)
                .build();
    }

    static Harness start(Path dir) {
        return new Harness(dir);
    }

    @Override
    public void close() {
        try {
            upstream.close();
        } finally {
            try {
                store.close();
            } finally {
                server.close();
            }
        }
    }

    // ---- requests --------------------------------------------------------------------------------------------

    static CreateResponseRequest.Builder request(String userText) {
        return CreateResponseRequest.builder().model(MODEL).input(userText);
    }

    static CreateResponseRequest.Builder request(List<Item> input) {
        return CreateResponseRequest.builder().model(MODEL).input(input);
    }

    // ---- calling the gateway ---------------------------------------------------------------------------------

    /** {@code complete}, awaited; the response is schema-checked. */
    Response complete(CreateResponseRequest request) {
        return complete(request, null);
    }

    Response complete(CreateResponseRequest request, String owner) {
        Response response = await(gateway.complete(request, owner));
        SpecSchemas.assertValidResponse(response);
        return response;
    }

    /** {@code respond}, consumed to its end with unbounded demand; every event is schema-checked. */
    Streamed stream(CreateResponseRequest request) {
        return stream(request, null);
    }

    Streamed stream(CreateResponseRequest request, String owner) {
        Collector collector = new Collector(Long.MAX_VALUE);
        gateway.respond(request, owner).subscribe(collector);
        return collector.await();
    }

    /** Awaits a future of the gateway, unwrapping its failure. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CompletionException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + WAIT, e);
        }
    }

    /** The failure of a future of the gateway, which must fail (within {@link #WAIT}) with an OrsException. */
    static OrsException failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(OrsException.class);
            return (OrsException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + WAIT, e);
        }
    }

    // ---- what the store holds --------------------------------------------------------------------------------

    /** The replayed chain ending at {@code id}: each response's input then output, oldest first. */
    List<Item> replay(String id) {
        return store.replay(id).orElseThrow(() -> new AssertionError("no response " + id + " to replay"));
    }

    /** Rows of the responses table, read with a connection of our own (not the store's). */
    int storedResponseRows() {
        return count("SELECT count(*) FROM responses");
    }

    /** Rows of the items table, read with a connection of our own. */
    int storedItemRows() {
        return count("SELECT count(*) FROM items");
    }

    private int count(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    // ---- what the upstream received --------------------------------------------------------------------------

    /** The next request the scripted server received, as JSON. */
    JsonNode takeUpstreamBody() {
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.json()).as("upstream body of %s", recorded).isNotNull();
        return recorded.json();
    }

    // ---- expected chat messages ------------------------------------------------------------------------------

    static ObjectNode message(String role, String content) {
        ObjectNode message = OrsJson.mapper().createObjectNode();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    static ObjectNode system(String content) {
        return message("system", content);
    }

    static ObjectNode user(String content) {
        return message("user", content);
    }

    static ObjectNode assistant(String content) {
        return message("assistant", content);
    }

    static ArrayNode messages(JsonNode... messages) {
        ArrayNode array = OrsJson.mapper().createArrayNode();
        for (JsonNode message : messages) {
            array.add(message);
        }
        return array;
    }

    // ---- streams ---------------------------------------------------------------------------------------------

    /**
     * The result of consuming a stream: its events in order, and how it ended.
     *
     * @param events every event received, schema-checked
     * @param error the {@code onError} signal, or null when it completed
     */
    record Streamed(List<ResponseEvent> events, Throwable error) {

        /** The response of {@code response.created}. */
        Response created() {
            return ((ResponseEvent.Created) events.get(0)).response();
        }

        /** The terminal event; fails unless the stream completed with exactly one, as its last event. */
        ResponseEvent terminal() {
            assertThat(error).as("stream error").isNull();
            assertThat(events).isNotEmpty();
            ResponseEvent last = events.get(events.size() - 1);
            assertThat(last.isTerminal())
                    .as("last event %s is terminal", last.type())
                    .isTrue();
            assertThat(events.stream().filter(ResponseEvent::isTerminal)).hasSize(1);
            return last;
        }

        /** The response of the terminal event. */
        Response response() {
            return ((ResponseEvent.Lifecycle) terminal()).response();
        }

        List<String> types() {
            return events.stream().map(ResponseEvent::type).toList();
        }

        /** The text of every {@code response.output_text.delta}, joined. */
        String deltaText() {
            StringBuilder text = new StringBuilder();
            for (ResponseEvent event : events) {
                if (event instanceof ResponseEvent.OutputTextDelta delta) {
                    text.append(delta.delta());
                }
            }
            return text.toString();
        }
    }

    /**
     * A subscriber that records events, schema-checking each one and its sequence number, with a fixed initial
     * demand (more can be asked for through {@link #subscription()}).
     */
    static final class Collector implements Flow.Subscriber<ResponseEvent> {
        private final long initialDemand;
        private final List<ResponseEvent> events = new ArrayList<>();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
        private volatile Throwable error;

        Collector(long initialDemand) {
            this.initialDemand = initialDemand;
        }

        Flow.Subscription subscription() {
            return Harness.await(subscription);
        }

        /** Waits (at most {@link #WAIT}) until an event matches, and returns the events received so far. */
        synchronized List<ResponseEvent> awaitEvent(Predicate<ResponseEvent> condition) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (events.stream().noneMatch(condition)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || done.isDone()) {
                    throw new AssertionError("no such event within " + WAIT + "; got " + events + ", error " + error);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return List.copyOf(events);
        }

        synchronized List<ResponseEvent> events() {
            return List.copyOf(events);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            Objects.requireNonNull(s);
            subscription.complete(s);
            s.request(initialDemand);
        }

        @Override
        public void onNext(ResponseEvent event) {
            try {
                assertThat(event.sequenceNumber())
                        .as("sequence number of %s", event.type())
                        .isEqualTo(events().size());
                SpecSchemas.assertValidEvent(event);
                if (event instanceof ResponseEvent.Lifecycle lifecycle) {
                    SpecSchemas.assertValidResponse(lifecycle.response());
                }
            } catch (AssertionError e) {
                done.completeExceptionally(e);
            }
            synchronized (this) {
                events.add(event);
                notifyAll();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            finish();
        }

        @Override
        public void onComplete() {
            finish();
        }

        private synchronized void finish() {
            done.complete(null);
            notifyAll();
        }

        /** Waits for the end of the stream. */
        Streamed await() {
            Harness.await(done);
            return new Streamed(events(), error);
        }
    }
}
