package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.Script;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI's Codex CLI itself ({@code codex exec}, from npm {@code @openai/codex}) against the standalone server in front
 * of a scripted Chat Completions model. Opt-in: the {@code codex} Maven profile installs Codex and passes its path
 * ({@code ./mvnw -B verify -Pcodex -pl examples -am}); without it these tests are skipped. {@link LiveGateway} checks
 * every byte the server sent to Codex against the spec and OpenAI's shapes after each test.
 */
@Timeout(180)
@EnabledIfSystemProperty(named = "codex.bin", matches = ".+")
class CodexCliTest {

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withScriptedUpstream();

    /**
     * A GPT-5 Codex name. With a custom provider, Codex 0.171 declares {@code exec_command}, {@code write_stdin},
     * {@code view_image}, {@code request_user_input}, the {@code multi_agent_v1} namespace and the goal tools, and no
     * {@code apply_patch} for any GPT-5 name tried ({@code gpt-5}, {@code gpt-5-codex}, {@code gpt-5.1-codex},
     * {@code gpt-5.1-codex-max}, {@code gpt-5.2}, {@code gpt-5.2-codex}): the freeform patch turn is covered by
     * {@link CodexRequestsTest}'s fixtures instead.
     */
    private static final String MODEL = "gpt-5.1-codex";

    /** What a run of {@code codex exec} printed, and how it ended. */
    record Run(int exitCode, String stdout, String stderr) {}

    @Test
    void aTurnWithAShellCallRunsTheCommandAndAnswers(@TempDir Path work, @TempDir Path home) throws Exception {
        gateway.upstream()
                .enqueue(Script.text("Let me look.")
                        .thenToolCalls(Script.call(
                                "exec_command",
                                "{\"cmd\":\"echo from-codex > note.txt && cat note.txt\",\"workdir\":"
                                        + json(work.toString()) + "}")));
        gateway.upstream().enqueue(Script.text("The note says from-codex."));

        Run run = codex(work, home, false, "Write from-codex into note.txt and show it.");

        if (System.getProperty("codex.record") != null) {
            int n = 0;
            for (WireRecorder.Exchange e : gateway.exchanges()) {
                Files.writeString(
                        Path.of(System.getProperty("codex.record"), "turn-" + (++n) + ".json"), e.requestText());
            }
        }
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("The note says from-codex.");
        assertThat(Files.readString(work.resolve("note.txt")).trim()).isEqualTo("from-codex");
        List<RecordedRequest> requests = gateway.upstreamRequests();
        assertThat(requests).hasSize(2);
        JsonNode first = requests.get(0).json();
        assertThat(functionNames(first)).contains("exec_command").doesNotContain("web_search");
        JsonNode second = requests.get(1).json().path("messages");
        JsonNode last = second.get(second.size() - 1);
        assertThat(last.path("role").asText()).isEqualTo("tool");
        assertThat(last.path("content").toString()).contains("from-codex");
    }

    @Test
    void aTurnOverWebSocketRunsTheCommandAndAnswers(@TempDir Path work, @TempDir Path home) throws Exception {
        gateway.upstream()
                .enqueue(Script.toolCalls(Script.call(
                        "exec_command",
                        "{\"cmd\":\"echo over-websocket > ws.txt\",\"workdir\":" + json(work.toString()) + "}")));
        gateway.upstream().enqueue(Script.text("Written over a WebSocket."));

        Run run = codex(work, home, true, "Write over-websocket into ws.txt.");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("Written over a WebSocket.");
        assertThat(Files.readString(work.resolve("ws.txt")).trim()).isEqualTo("over-websocket");
        assertThat(gateway.upstreamRequests()).hasSize(2);
        // Both turns went over the socket: an upgrade, and no POST /v1/responses (Codex falls back to HTTP when the
        // upgrade fails).
        List<String> exchanges = gateway.exchanges().stream()
                .map(exchange -> exchange.method + " " + exchange.path() + " " + exchange.status)
                .toList();
        assertThat(exchanges).contains("GET /v1/responses 101").doesNotContain("POST /v1/responses 200");
    }

    private static List<String> functionNames(JsonNode chatRequest) {
        List<String> names = new ArrayList<>();
        for (JsonNode tool : chatRequest.path("tools")) {
            names.add(tool.at("/function/name").asText());
        }
        return names;
    }

    private static String json(String value) {
        return dev.orsgateway.core.json.OrsJson.write(value);
    }

    /** Runs {@code codex exec} in {@code work} with its own {@code CODEX_HOME}, pointed at the gateway. */
    private static Run codex(Path work, Path home, boolean webSocket, String prompt)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("codex.bin"),
                "exec",
                "--skip-git-repo-check",
                "--dangerously-bypass-approvals-and-sandbox",
                "-C",
                work.toString(),
                "-m",
                MODEL,
                "-c",
                "model_provider=\"ors\"",
                "-c",
                "model_providers.ors={name=\"ORS Gateway\",base_url=\"" + gateway.baseUrl()
                        + "\",wire_api=\"responses\",supports_websockets=" + webSocket + "}",
                prompt));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        builder.environment().put("CODEX_HOME", home.toString());
        builder.environment().remove("OPENAI_API_KEY");
        Path out = home.resolve("stdout.txt");
        Path err = home.resolve("stderr.txt");
        // With a pipe for stdin, codex exec waits to read more of the prompt from it.
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            // The npm launcher runs Codex's native binary as a child: end both.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("codex exec did not end in 150 s: " + Files.readString(err, UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    }
}
