package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone server in a child process, to be killed: {@code target/ors-gateway.jar} when the system property
 * {@code ors.jar} names it (the integration-test phase), else {@link StandaloneServer} from this JVM's class path. It
 * listens on 127.0.0.1 and a free port, read from its start line; its output is kept for failure messages.
 */
final class ChildGateway {
    private static final Pattern LISTENING = Pattern.compile("listening on https?://[^\\s:/]+:(\\d+)/v1");

    private final Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Map<String, CompletableFuture<Void>> awaited = new ConcurrentHashMap<>();

    private ChildGateway(Process process) {
        this.process = process;
    }

    /** {@link #launch}, then waits until the server listens. */
    static ChildGateway start(Path dir, Map<String, String> env, String name) throws Exception {
        ChildGateway gateway = launch(dir, env, name);
        try {
            gateway.port.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            gateway.kill();
            throw new AssertionError(name + " did not start: " + String.join("\n", gateway.log), e);
        }
        return gateway;
    }

    /**
     * Starts the server in {@code dir} (its working and temporary directory) with {@code env} over this environment
     * without its {@code ORS_*} and {@code OPENAI_API_KEY} variables; {@code HOST} and {@code PORT} are set.
     */
    static ChildGateway launch(Path dir, Map<String, String> env, String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Start-up speed only: a test starts the child a few times; what is tested does not depend on it.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        // Its own temporary directory, where SQLite's native library goes: a test may check what kills leave there.
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        command.add("-Djava.io.tmpdir=" + tmp);
        String jar = System.getProperty("ors.jar");
        if (jar != null) {
            command.add("-jar");
            command.add(jar);
        } else {
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(StandaloneServer.class.getName());
        }
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("ORS_") || key.equals("OPENAI_API_KEY"));
        environment.put("HOST", "127.0.0.1");
        environment.put("PORT", "0");
        environment.putAll(env);
        ChildGateway gateway = new ChildGateway(builder.start());
        Thread reader = new Thread(gateway::readLog, "child-gateway-" + name);
        reader.setDaemon(true);
        reader.start();
        return gateway;
    }

    private void readLog() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                log.add(line);
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    port.complete(Integer.parseInt(matcher.group(1)));
                }
                for (Map.Entry<String, CompletableFuture<Void>> wait : awaited.entrySet()) {
                    if (line.contains(wait.getKey())) {
                        wait.getValue().complete(null);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        port.completeExceptionally(new IllegalStateException("exited before listening"));
        awaited.values().forEach(wait -> wait.completeExceptionally(new IllegalStateException("exited")));
    }

    /** Waits until the output has a line containing {@code text}, or (should that line change) the server listens. */
    void awaitLineOrListening(String text) throws Exception {
        CompletableFuture<Void> wait = awaited.computeIfAbsent(text, t -> new CompletableFuture<>());
        if (log.stream().anyMatch(line -> line.contains(text))) {
            return;
        }
        try {
            CompletableFuture.anyOf(wait, port).get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no '" + text + "' from the server: " + String.join("\n", log), e);
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port.join() + "/v1");
    }

    /** SIGKILL, and waits for the process to be gone; returns its exit status (137 when the kill ended it). */
    int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the server outlived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** SIGTERM, without waiting: the server drains its open responses and closes its store. */
    void terminate() {
        // Through the handle: Process.destroy() would also close our end of its output, and with it the log.
        process.toHandle().destroy();
    }

    /** SIGTERM: the clean stop. */
    void stop() throws InterruptedException {
        terminate();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the server stops").isTrue();
        assertThat(process.exitValue()).as(String.join("\n", log)).isIn(0, 143);
    }

    /** SIGKILL unless it has exited: for a test's clean-up. */
    void killIfAlive() {
        if (process.isAlive()) {
            kill();
        }
    }
}
