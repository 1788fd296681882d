package dev.orsgateway.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.examples.scripted.Script;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Codex's requests ({@code codex/*.json}, built from Codex's source: see the README.md there) sent over HTTP to the
 * standalone server in front of a scripted Chat Completions upstream: every tool type Codex declares is accepted, the
 * upstream request carries what a chat model can use (namespaced functions flattened, the freeform
 * {@code apply_patch} as a function of one string, {@code web_search} left out), and the scripted model's calls come
 * back as the items and events Codex parses, turn after turn. {@link LiveGateway} checks every byte sent against
 * the spec and OpenAI's shapes after each test.
 */
@Timeout(120)
class CodexRequestsTest {

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withScriptedUpstream();

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static final String PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n";

    private static final List<String> CODEX_FUNCTIONS = List.of(
            "shell",
            "update_plan",
            "multi_agent_v1__spawn_agent",
            "multi_agent_v1__send_input",
            "multi_agent_v1__resume_agent",
            "multi_agent_v1__wait_agent",
            "multi_agent_v1__close_agent",
            "apply_patch",
            "view_image",
            "tool_search");

    @Test
    void aFreeformPatchThenParallelCallsOneNamespacedThenTheAnswer() throws Exception {
        // Turn 1: text, then the freeform apply_patch, its JSON arguments split inside escapes.
        gateway.upstream()
                .enqueue(Script.text("I'll add hello.txt ", "with apply_patch.")
                        .thenToolCalls(Script.call("apply_patch", "")
                                .withId("call_patch_1")
                                .inFragments(
                                        "{\"input\":\"*** Begin Patch\\",
                                        "n*** Add File: hello.txt\\n+hel",
                                        "lo\\n*** End Patch\\n\"}")));
        List<JsonNode> first = stream(fixture("turn-1.json"));

        JsonNode upstream = lastUpstreamBody();
        assertThat(functionNames(upstream)).containsExactlyElementsOf(CODEX_FUNCTIONS);
        JsonNode applyPatch = function(upstream, "apply_patch");
        assertThat(applyPatch.get("parameters")).isEqualTo(json("""
                {"type": "object", "properties": {"input": {"type": "string",
                  "description": "The raw input text, matching the grammar in the tool's description."}},
                 "required": ["input"], "additionalProperties": false}"""));
        assertThat(applyPatch.get("description").asText())
                .startsWith("Use the `apply_patch` tool to edit files.")
                .contains("It must match this Lark grammar:\nstart: begin_patch hunk+ end_patch\n");
        assertThat(function(upstream, "multi_agent_v1__spawn_agent")
                        .at("/parameters/properties/message/type")
                        .asText())
                .isEqualTo("string");
        assertThat(upstream.get("tool_choice").asText()).isEqualTo("auto");
        assertThat(upstream.get("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(upstream.get("stream").asBoolean()).isTrue();
        assertThat(upstream.get("reasoning_effort").asText()).isEqualTo("medium");
        assertThat(upstream.get("prompt_cache_key").asText()).isEqualTo("019a8f2e-5c3b-7d10-9a41-6b2e0f4c8d17");
        // What only OpenAI's Responses API understands stays here.
        assertThat(upstream.has("store")).isFalse();
        assertThat(upstream.has("include")).isFalse();
        assertThat(upstream.has("client_metadata")).isFalse();
        assertThat(roles(upstream)).containsExactly("system", "system", "user", "user", "user");
        assertThat(upstream.at("/messages/1/content").asText()).startsWith("<permissions instructions>");

        JsonNode patchCall = outputItem(first, 1);
        assertThat(patchCall.get("type").asText()).isEqualTo("custom_tool_call");
        assertThat(patchCall.get("call_id").asText()).isEqualTo("call_patch_1");
        assertThat(patchCall.get("name").asText()).isEqualTo("apply_patch");
        assertThat(patchCall.get("input").asText()).isEqualTo(PATCH);
        assertThat(patchCall.has("namespace")).isFalse();
        assertThat(joined(first, "response.custom_tool_call_input.delta", "delta"))
                .isEqualTo(PATCH);
        assertThat(types(first))
                .containsSubsequence(
                        "response.output_item.added",
                        "response.custom_tool_call_input.delta",
                        "response.custom_tool_call_input.done",
                        "response.output_item.done",
                        "response.completed");
        assertThat(outputItem(first, 0).at("/content/0/text").asText())
                .isEqualTo("I'll add hello.txt with apply_patch.");

        // Turn 2: the whole conversation again, with the patch's output; the model calls two tools at once.
        gateway.upstream()
                .enqueue(Script.toolCalls(
                        Script.call(
                                        "multi_agent_v1__spawn_agent",
                                        "{\"message\":\"Review hello.txt for typos.\",\"agent_type\":\"explorer\"}")
                                .withId("call_spawn_1"),
                        Script.call(
                                        "shell",
                                        "{\"command\":[\"bash\",\"-lc\",\"cat hello.txt\"],\"workdir\":\"/home/dev/demo\"}")
                                .withId("call_shell_1")));
        List<JsonNode> second = stream(fixture("turn-2.json"));

        upstream = lastUpstreamBody();
        assertThat(functionNames(upstream)).containsExactlyElementsOf(CODEX_FUNCTIONS);
        JsonNode messages = upstream.get("messages");
        assertThat(messages.get(messages.size() - 2)).isEqualTo(json("""
                {"role": "assistant", "content": "I'll add hello.txt with apply_patch.",
                 "tool_calls": [{"id": "call_patch_1", "type": "function", "function": {"name": "apply_patch",
                  "arguments": "{\\"input\\":\\"*** Begin Patch\\\\n*** Add File: hello.txt\\\\n+hello\\\\n*** End Patch\\\\n\\"}"}}]}"""));
        assertThat(messages.get(messages.size() - 1)).isEqualTo(json("""
                {"role": "tool", "content": "Success. Updated the following files:\\nA hello.txt\\n",
                 "tool_call_id": "call_patch_1"}"""));

        JsonNode spawn = outputItem(second, 0);
        assertThat(spawn.get("type").asText()).isEqualTo("function_call");
        assertThat(spawn.get("namespace").asText()).isEqualTo("multi_agent_v1");
        assertThat(spawn.get("name").asText()).isEqualTo("spawn_agent");
        assertThat(spawn.get("call_id").asText()).isEqualTo("call_spawn_1");
        JsonNode shell = outputItem(second, 1);
        assertThat(shell.get("name").asText()).isEqualTo("shell");
        assertThat(shell.has("namespace")).isFalse();

        // Turn 3: both calls and their outputs come back; the model answers.
        gateway.upstream().enqueue(Script.text("hello.txt says hello; Ada is reviewing it."));
        List<JsonNode> third = stream(fixture("turn-3.json"));

        messages = lastUpstreamBody().get("messages");
        assertThat(messages.get(messages.size() - 3)).isEqualTo(json("""
                {"role": "assistant", "tool_calls": [
                  {"id": "call_spawn_1", "type": "function", "function": {"name": "multi_agent_v1__spawn_agent",
                   "arguments": "{\\"message\\":\\"Review hello.txt for typos.\\",\\"agent_type\\":\\"explorer\\"}"}},
                  {"id": "call_shell_1", "type": "function", "function": {"name": "shell",
                   "arguments": "{\\"command\\":[\\"bash\\",\\"-lc\\",\\"cat hello.txt\\"],\\"workdir\\":\\"/home/dev/demo\\"}"}}]}"""));
        assertThat(messages.get(messages.size() - 2).get("tool_call_id").asText())
                .isEqualTo("call_spawn_1");
        assertThat(messages.get(messages.size() - 1)).isEqualTo(json("""
                {"role": "tool", "content": "hello\\n", "tool_call_id": "call_shell_1"}"""));
        assertThat(joined(third, "response.output_text.delta", "delta"))
                .isEqualTo("hello.txt says hello; Ada is reviewing it.");

        // store: false, as Codex sends it: nothing of the session was kept.
        String id = terminal(third).at("/response/id").asText();
        HttpResponse<String> retrieved = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses/" + id))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(retrieved.statusCode()).isEqualTo(404);
    }

    /** The two requests Codex 0.171.0 sent in a real run ({@code codex/recorded-0.171.0}), replayed. */
    @Test
    void theRequestsRecordedFromCodex0171AreServedTurnByTurn() throws Exception {
        gateway.upstream()
                .enqueue(Script.text("Let me look.")
                        .thenToolCalls(Script.call(
                                        "exec_command",
                                        "{\"cmd\":\"echo from-codex > note.txt && cat note.txt\","
                                                + "\"workdir\":\"/home/dev/demo\"}")
                                .withId("call_1_0")));
        List<JsonNode> first = stream(fixture("recorded-0.171.0/turn-1.json"));

        JsonNode upstream = lastUpstreamBody();
        assertThat(functionNames(upstream))
                .containsExactly(
                        "exec_command",
                        "write_stdin",
                        "request_user_input",
                        "view_image",
                        "multi_agent_v1__close_agent",
                        "multi_agent_v1__resume_agent",
                        "multi_agent_v1__send_input",
                        "multi_agent_v1__spawn_agent",
                        "multi_agent_v1__wait_agent",
                        "get_goal",
                        "create_goal",
                        "update_goal");
        assertThat(upstream.has("store")).isFalse();
        assertThat(upstream.has("include")).isFalse();
        assertThat(upstream.has("client_metadata")).isFalse();
        assertThat(roles(upstream)).containsExactly("system", "system", "user", "user");
        assertThat(upstream.at("/messages/3/content").asText())
                .isEqualTo("Write from-codex into note.txt and show it.");
        JsonNode call = outputItem(first, 1);
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(call.get("name").asText()).isEqualTo("exec_command");
        assertThat(call.get("call_id").asText()).isEqualTo("call_1_0");

        gateway.upstream().enqueue(Script.text("The note says from-codex."));
        List<JsonNode> second = stream(fixture("recorded-0.171.0/turn-2.json"));

        JsonNode messages = lastUpstreamBody().get("messages");
        assertThat(messages.get(messages.size() - 2)
                        .at("/tool_calls/0/function/name")
                        .asText())
                .isEqualTo("exec_command");
        assertThat(messages.get(messages.size() - 2).get("content").asText()).isEqualTo("Let me look.");
        JsonNode output = messages.get(messages.size() - 1);
        assertThat(output.get("role").asText()).isEqualTo("tool");
        assertThat(output.get("tool_call_id").asText()).isEqualTo("call_1_0");
        assertThat(output.get("content").asText()).endsWith("Output:\nfrom-codex\n");
        assertThat(joined(second, "response.output_text.delta", "delta")).isEqualTo("The note says from-codex.");
    }

    @Test
    void aToolSearchLoadsAnMcpNamespaceForTheNextTurn() throws Exception {
        gateway.upstream()
                .enqueue(
                        Script.toolCalls(Script.call("tool_search", "{\"query\":\"calendar create event\",\"limit\":8}")
                                .withId("call_search_1")));
        List<JsonNode> first = stream(fixture("tool-search-1.json"));

        JsonNode upstream = lastUpstreamBody();
        assertThat(functionNames(upstream)).containsExactly("shell", "apply_patch", "tool_search");
        assertThat(function(upstream, "tool_search").at("/parameters/required")).isEqualTo(json("[\"query\"]"));
        JsonNode search = outputItem(first, 0);
        assertThat(search).isEqualTo(json("""
                {"type": "tool_search_call", "id": "%s", "call_id": "call_search_1", "execution": "client",
                 "arguments": {"query": "calendar create event", "limit": 8}, "status": "completed"}""".formatted(search.get("id").asText())));

        gateway.upstream()
                .enqueue(Script.toolCalls(Script.call(
                                "mcp__calendar____create_event",
                                "{\"title\":\"Standup\",\"start\":\"2026-12-08T09:00:00+01:00\"}")
                        .withId("call_event_1")));
        List<JsonNode> second = stream(fixture("tool-search-2.json"));

        upstream = lastUpstreamBody();
        assertThat(functionNames(upstream))
                .containsExactly(
                        "shell",
                        "apply_patch",
                        "tool_search",
                        "mcp__calendar____create_event",
                        "mcp__calendar____list_events");
        JsonNode messages = upstream.get("messages");
        assertThat(messages.get(messages.size() - 2).at("/tool_calls/0/function"))
                .isEqualTo(json("""
                {"name": "tool_search", "arguments": "{\\"query\\":\\"calendar create event\\",\\"limit\\":8}"}"""));
        assertThat(messages.get(messages.size() - 1)).isEqualTo(json("""
                {"role": "tool", "tool_call_id": "call_search_1",
                 "content": "{\\"loaded_tools\\":[\\"mcp__calendar____create_event\\",\\"mcp__calendar____list_events\\"]}"}"""));
        JsonNode call = outputItem(second, 0);
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(call.get("namespace").asText()).isEqualTo("mcp__calendar__");
        assertThat(call.get("name").asText()).isEqualTo("create_event");
    }

    @Test
    void theSameTurnWithoutStreamingAnswersTheSameItems() throws Exception {
        gateway.upstream()
                .enqueue(Script.toolCalls(Script.call("apply_patch", "{\"input\":" + OrsJson.write(PATCH) + "}")
                        .withId("call_patch_1")));
        String body = fixture("turn-1.json").replace("\"stream\": true", "\"stream\": false");
        HttpResponse<String> answer = post(body);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode response = json(answer.body());
        assertThat(response.at("/output/0/type").asText()).isEqualTo("custom_tool_call");
        assertThat(response.at("/output/0/input").asText()).isEqualTo(PATCH);
        assertThat(lastUpstreamBody().has("stream")).isFalse();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static String fixture(String name) {
        try (InputStream in = CodexRequestsTest.class.getResourceAsStream("/codex/" + name)) {
            assertThat(in).as("fixture codex/%s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                        .header("Content-Type", "application/json")
                        .header("Accept", "text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a streaming request and returns its events, which must end with {@code response.completed}. */
    private static List<JsonNode> stream(String body) throws IOException, InterruptedException {
        HttpResponse<String> answer = post(body);
        assertThat(answer.statusCode()).as("status of %s", answer.body()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        for (String frame : answer.body().split("\n\n")) {
            for (String line : frame.split("\n")) {
                if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                    events.add(json(line.substring("data: ".length())));
                }
            }
        }
        assertThat(terminal(events).get("type").asText()).isEqualTo("response.completed");
        return events;
    }

    private static JsonNode terminal(List<JsonNode> events) {
        return events.get(events.size() - 1);
    }

    /** Item {@code index} of the completed response's output. */
    private static JsonNode outputItem(List<JsonNode> events, int index) {
        JsonNode item = terminal(events).at("/response/output/" + index);
        assertThat(item.isMissingNode())
                .as("output[%d] of %s", index, terminal(events))
                .isFalse();
        return item;
    }

    private static String joined(List<JsonNode> events, String type, String field) {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : events) {
            if (event.get("type").asText().equals(type)) {
                text.append(event.get(field).asText());
            }
        }
        return text.toString();
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.get("type").asText()).toList();
    }

    private static JsonNode lastUpstreamBody() {
        var requests = gateway.upstreamRequests();
        assertThat(requests).isNotEmpty();
        return requests.get(requests.size() - 1).json();
    }

    private static List<String> functionNames(JsonNode chatRequest) {
        List<String> names = new ArrayList<>();
        chatRequest
                .path("tools")
                .forEach(tool -> names.add(tool.at("/function/name").asText()));
        return names;
    }

    private static JsonNode function(JsonNode chatRequest, String name) {
        for (JsonNode tool : chatRequest.path("tools")) {
            if (tool.at("/function/name").asText().equals(name)) {
                return tool.get("function");
            }
        }
        throw new AssertionError("no function " + name + " in " + chatRequest.path("tools"));
    }

    private static List<String> roles(JsonNode chatRequest) {
        List<String> roles = new ArrayList<>();
        chatRequest
                .path("messages")
                .forEach(message -> roles.add(message.get("role").asText()));
        return roles;
    }

    static JsonNode json(String text) {
        try {
            return OrsJson.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
