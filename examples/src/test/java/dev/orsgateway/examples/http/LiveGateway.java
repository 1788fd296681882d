package dev.orsgateway.examples.http;

import dev.orsgateway.examples.StandaloneServer;
import dev.orsgateway.examples.StandaloneServer.Settings;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole gateway over real HTTP for one test class: a {@link ScriptedChatServer} as the model (unless the settings
 * say otherwise), the {@link StandaloneServer} (embedded Jetty, SQLite in a temporary directory, the JDK client upstream) on
 * a free port of 127.0.0.1, and a {@link WireRecorder} in front of it. Clients talk to {@link #baseUrl()}, the
 * recorder; after each test every exchange the test caused is checked with {@link WireRules}, and the test fails if
 * any byte the server sent was wrong.
 *
 * <p>Register it as a static field: {@code @RegisterExtension static final LiveGateway gateway =
 * LiveGateway.withScriptedUpstream();}
 */
final class LiveGateway implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(10);

    /** Settings from the temporary directory and the scripted upstream (null when none is started). */
    private final BiFunction<Path, ScriptedChatServer, Settings> settingsFactory;

    private final boolean startUpstream;
    private Path directory;
    private ScriptedChatServer upstream;
    private StandaloneServer server;
    private WireRecorder wire;
    private int exchangeMark;
    private int errorMark;
    private int upstreamMark;

    private LiveGateway(boolean startUpstream, BiFunction<Path, ScriptedChatServer, Settings> settingsFactory) {
        this.startUpstream = startUpstream;
        this.settingsFactory = settingsFactory;
    }

    /** A gateway in front of a scripted upstream started for the class. */
    static LiveGateway withScriptedUpstream() {
        return new LiveGateway(
                true, (dir, upstream) -> settings(dir, upstream.baseUrl().toString()));
    }

    /** A gateway with settings made from the temporary directory; no scripted upstream is started. */
    static LiveGateway withSettings(java.util.function.Function<Path, Settings> settings) {
        return new LiveGateway(false, (dir, none) -> settings.apply(dir));
    }

    /** The settings the tests use: 127.0.0.1, a free port, and the SQLite file in {@code dir}. */
    static Settings settings(Path dir, String upstreamUrl) {
        return new Settings(
                upstreamUrl,
                null,
                "jdbc:sqlite:" + dir.resolve("ors.db"),
                "127.0.0.1",
                0,
                List.of(),
                null,
                Duration.ofSeconds(5));
    }

    // ---- what tests use -----------------------------------------------------------------------------------------

    /** The base URL clients use: the recorder, {@code http://127.0.0.1:<port>/v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + wire.port() + "/v1";
    }

    /** The scripted upstream; fails when this gateway has none. */
    ScriptedChatServer upstream() {
        return Objects.requireNonNull(upstream, "this gateway has no scripted upstream");
    }

    /** The upstream requests the current test caused, in order. */
    List<RecordedRequest> upstreamRequests() {
        List<RecordedRequest> all = upstream().requests();
        return all.subList(Math.min(upstreamMark, all.size()), all.size());
    }

    /**
     * The exchanges the current test caused, in order, once they have all ended (a client may have its whole answer a
     * moment before the recorder has parsed it).
     */
    List<WireRecorder.Exchange> exchanges() {
        try {
            if (!wire.awaitQuiet(QUIET_TIMEOUT)) {
                throw new AssertionError("some exchanges had not ended after " + QUIET_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        List<WireRecorder.Exchange> all = wire.exchanges();
        return all.subList(Math.min(exchangeMark, all.size()), all.size());
    }

    /** The running server. */
    StandaloneServer server() {
        return server;
    }

    // ---- lifecycle --------------------------------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        directory = Files.createTempDirectory("ors-http-test");
        if (startUpstream) {
            upstream = ScriptedChatServer.start();
        }
        server = StandaloneServer.start(settingsFactory.apply(directory, upstream));
        wire = WireRecorder.start(server.port());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        exchangeMark = wire.exchangeCount();
        errorMark = wire.errors().size();
        upstreamMark = upstream == null ? 0 : upstream.requestCount();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        boolean quiet = wire.awaitQuiet(QUIET_TIMEOUT);
        List<String> report = new ArrayList<>();
        if (!quiet) {
            report.add("some exchanges had not ended after " + QUIET_TIMEOUT);
        }
        List<String> errors = wire.errors();
        errors.subList(Math.min(errorMark, errors.size()), errors.size()).forEach(e -> report.add("wire: " + e));
        for (WireRecorder.Exchange exchange : exchanges()) {
            List<String> problems = WireRules.problems(exchange);
            if (!problems.isEmpty()) {
                report.add(exchange + ":\n    " + String.join("\n    ", problems));
            }
        }
        if (!report.isEmpty()) {
            throw new AssertionError("what the server sent is not valid:\n" + String.join("\n", report));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (wire != null) {
            wire.close();
        }
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (directory != null) {
            deleteRecursively(directory);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
