package dev.orsgateway.transcoder;

import static dev.orsgateway.transcoder.Translation.assertChat;
import static dev.orsgateway.transcoder.Translation.assertRejected;
import static dev.orsgateway.transcoder.Translation.chatJson;
import static dev.orsgateway.transcoder.Translation.items;
import static dev.orsgateway.transcoder.Translation.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.model.Item;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every tool type a client sends, as the upstream receives it (docs/REQUEST-MAPPING.md, "Tools"): namespaces
 * flattened, custom tools as functions of one string, the client-executed built-ins as functions, hosted tools left
 * out or rejected, and the items of earlier turns re-encoded under the same names.
 */
class ToolTypesTranslationTest {

    private static final String PARAMS =
            "{\"type\": \"object\", \"properties\": {\"message\": {\"type\": \"string\"}}}";

    private static List<String> names(JsonNode chat) {
        List<String> names = new ArrayList<>();
        chat.path("tools").forEach(tool -> names.add(tool.at("/function/name").asText()));
        return names;
    }

    private static JsonNode chat(String request) {
        return chatJson(TranscoderOptions.DEFAULT, request, List.of());
    }

    @Nested
    class Namespaces {

        @Test
        void membersGoUpstreamFlattenedWithTheirSchemas() {
            assertChat("""
                    {"model": "m", "input": "Hi", "tools": [
                      {"type": "function", "name": "shell", "parameters": {"type": "object"}},
                      {"type": "namespace", "name": "multi_agent_v1", "description": "Sub-agents.", "tools": [
                        {"type": "function", "name": "spawn_agent", "description": "Spawn one.", "strict": false,
                         "parameters": %s},
                        {"type": "function", "name": "wait_agent"}]}],
                     "parallel_tool_calls": true}
                    """.formatted(PARAMS), """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "tools": [
                      {"type": "function", "function": {"name": "shell", "parameters": {"type": "object"}}},
                      {"type": "function", "function": {"name": "multi_agent_v1__spawn_agent", "description": "Spawn one.",
                       "parameters": %s, "strict": false}},
                      {"type": "function", "function": {"name": "multi_agent_v1__wait_agent"}}],
                     "parallel_tool_calls": true}
                    """.formatted(PARAMS));
        }

        @Test
        void overLongInvalidAndCollidingNamesAreMadeValidUniqueAndStable() {
            String namespace = "mcp__" + "a".repeat(55) + "__";
            String request = """
                    {"model": "m", "input": "Hi", "tools": [
                      {"type": "function", "name": "crm__find"},
                      {"type": "namespace", "name": "crm", "tools": [{"type": "function", "name": "find"}]},
                      {"type": "namespace", "name": "%s", "tools": [
                        {"type": "function", "name": "list_events"}, {"type": "function", "name": "list_eventz"}]},
                      {"type": "namespace", "name": "github.com", "tools": [{"type": "function", "name": "pr/list"}]}]}
                    """.formatted(namespace);
            List<String> names = names(chat(request));
            assertThat(names).hasSize(5);
            // The top-level function keeps its name; the namespaced one that would collide with it is suffixed.
            assertThat(names.get(0)).isEqualTo("crm__find");
            assertThat(names.get(1)).startsWith("crm__find_").hasSize("crm__find_".length() + 8);
            assertThat(names.get(2)).hasSize(64).startsWith(namespace.substring(0, 40));
            assertThat(names.get(3)).hasSize(64).isNotEqualTo(names.get(2));
            assertThat(names.get(4)).isEqualTo("github_com__pr_list");
            for (String name : names) {
                assertThat(name).matches("^[a-zA-Z0-9_-]{1,64}$");
            }
            assertThat(new HashSet<>(names)).hasSize(5);
            // Deterministic: the same request gives the same names.
            assertThat(names(chat(request))).isEqualTo(names);
        }

        @Test
        void aReplayedCallCarriesItsNamespaceBackToTheFlattenedName() {
            JsonNode chat = chatJson(TranscoderOptions.DEFAULT, """
                    {"model": "m", "tools": [{"type": "namespace", "name": "multi_agent_v1", "tools": [
                      {"type": "function", "name": "spawn_agent"}]}],
                     "input": [
                      {"type": "message", "role": "user", "content": "Delegate."},
                      {"type": "function_call", "id": "fc_1", "status": "completed", "call_id": "call_1",
                       "namespace": "multi_agent_v1", "name": "spawn_agent", "arguments": "{}"},
                      {"type": "function_call_output", "call_id": "call_1", "output": "agent-7"}]}
                    """, List.of());
            assertThat(chat.at("/messages/1/tool_calls/0/function/name").asText())
                    .isEqualTo("multi_agent_v1__spawn_agent");
            assertThat(chat.at("/messages/2")).isEqualTo(tree("""
                    {"role": "tool", "content": "agent-7", "tool_call_id": "call_1"}"""));
        }

        @Test
        void aNamespaceHoldsFunctionAndCustomToolsOnly() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "namespace", "name": "n", "tools": [
                      {"type": "function", "name": "a"}, {"type": "web_search"}]}]}
                    """, "tools[0].tools[1].type", "unsupported_tool_type", "'web_search'");
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "namespace", "tools": []}]}
                    """, "tools[0].name", "missing_required_parameter", "is required");
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "namespace", "name": "n", "tools": [
                      {"type": "function", "name": "a"}, {"type": "function", "name": "a"}]}]}
                    """, "tools[0].tools[1].name", "invalid_value", "'n__a'");
        }
    }

    @Nested
    class CustomTools {

        @Test
        void aGrammarToolIsAFunctionOfOneStringWithTheGrammarInItsDescription() {
            assertChat("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "custom", "name": "apply_patch",
                      "description": "Edit files.", "format": {"type": "grammar", "syntax": "lark",
                      "definition": "start: \\"*** Begin Patch\\" LF"}}]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "tools": [{"type": "function", "function": {"name": "apply_patch",
                      "description": "Edit files.\\n\\nPass the raw text as the one string argument `input`; the text itself is not JSON. It must match this Lark grammar:\\nstart: \\"*** Begin Patch\\" LF",
                      "parameters": {"type": "object", "properties": {"input": {"type": "string",
                        "description": "The raw input text, matching the grammar in the tool's description."}},
                       "required": ["input"], "additionalProperties": false}}}]}
                    """);
        }

        @Test
        void aTextToolAndARegexToolSayWhatTheInputIs() {
            JsonNode chat = chat("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "custom", "name": "note"},
                     {"type": "custom", "name": "date", "format": {"type": "grammar", "syntax": "regex",
                      "definition": "\\\\d{4}-\\\\d{2}-\\\\d{2}"}}]}
                    """);
            assertThat(chat.at("/tools/0/function/description").asText())
                    .isEqualTo("Pass the raw text as the one string argument `input`; the text itself is not JSON.");
            assertThat(chat.at("/tools/0/function/parameters/required")).isEqualTo(tree("[\"input\"]"));
            assertThat(chat.at("/tools/1/function/description").asText())
                    .endsWith("It must match this regular expression:\n\\d{4}-\\d{2}-\\d{2}");
        }

        @Test
        void callsAndOutputsOfEarlierTurnsAreAToolCallOfItsInputAndAToolMessage() {
            JsonNode chat = chat("""
                    {"model": "m", "tools": [{"type": "custom", "name": "apply_patch"}],
                     "input": [
                      {"type": "message", "role": "user", "content": "Patch it."},
                      {"type": "custom_tool_call", "id": "ctc_1", "status": "completed", "call_id": "call_p",
                       "name": "apply_patch", "input": "*** Begin Patch\\n*** End Patch\\n"},
                      {"type": "custom_tool_call_output", "call_id": "call_p",
                       "output": [{"type": "input_text", "text": "Done."}]}]}
                    """);
            assertThat(chat.at("/messages/1")).isEqualTo(tree("""
                    {"role": "assistant", "tool_calls": [{"id": "call_p", "type": "function",
                     "function": {"name": "apply_patch",
                      "arguments": "{\\"input\\":\\"*** Begin Patch\\\\n*** End Patch\\\\n\\"}"}}]}"""));
            assertThat(chat.at("/messages/2")).isEqualTo(tree("""
                    {"role": "tool", "content": "Done.", "tool_call_id": "call_p"}"""));
        }

        @Test
        void aReplayedChainRoundTripsItsCustomToolItems() {
            List<Item> history = items("""
                    [{"type": "message", "id": "msg_1", "role": "user", "content": "Patch it."},
                     {"type": "custom_tool_call", "id": "ctc_2", "status": "completed", "call_id": "call_p",
                      "name": "apply_patch", "input": "*** Begin Patch\\n*** End Patch\\n"}]
                    """);
            assertThat(history.get(1)).isInstanceOf(Item.CustomToolCall.class);
            JsonNode chat = chatJson(TranscoderOptions.DEFAULT, """
                    {"model": "m", "previous_response_id": "resp_1", "tools": [{"type": "custom", "name": "apply_patch"}],
                     "input": [{"type": "custom_tool_call_output", "call_id": "call_p", "output": "Done."}]}
                    """, history);
            assertThat(chat.at("/messages/1/tool_calls/0/function/name").asText())
                    .isEqualTo("apply_patch");
            assertThat(chat.at("/messages/2/tool_call_id").asText()).isEqualTo("call_p");
        }

        @Test
        void anOutputThatAnswersNoCallAndBadDeclarationsAreRejected() {
            assertRejected("""
                    {"model": "m", "input": [{"type": "custom_tool_call_output", "call_id": "call_x", "output": "?"}]}
                    """, "input[0].call_id", "tool_call_not_found", "'call_x'");
            assertRejected("""
                    {"model": "m", "input": [{"type": "custom_tool_call", "call_id": "c", "name": "n"}]}
                    """, "input[0].input", "missing_required_parameter", "custom_tool_call");
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "custom", "name": "p",
                      "format": {"type": "grammar", "syntax": "lark"}}]}
                    """, "tools[0].format.definition", "missing_required_parameter", "grammar");
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "custom", "name": "p", "format": {"type": "xml"}}]}
                    """, "tools[0].format.type", "unsupported_value", "'xml'");
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "p"}, {"type": "custom", "name": "p"}]}
                    """, "tools[1].name", "invalid_value", "Duplicate tool name 'p'");
        }
    }

    @Nested
    class BuiltIns {

        @Test
        void clientExecutedBuiltInsAreFunctionsUnderTheirTypeNames() {
            JsonNode chat = chat("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "local_shell"}, {"type": "shell"},
                     {"type": "apply_patch"}, {"type": "tool_search", "execution": "client",
                      "description": "Find MCP tools.", "parameters": {"type": "object",
                       "properties": {"query": {"type": "string"}}, "required": ["query"]}}]}
                    """);
            assertThat(names(chat)).containsExactly("local_shell", "shell", "apply_patch", "tool_search");
            assertThat(chat.at("/tools/0/function/parameters/required")).isEqualTo(tree("[\"command\"]"));
            assertThat(chat.at("/tools/1/function/parameters/required")).isEqualTo(tree("[\"commands\"]"));
            assertThat(chat.at("/tools/2/function/parameters/properties/operation/properties/type/enum"))
                    .isEqualTo(tree("[\"create_file\", \"update_file\", \"delete_file\"]"));
            assertThat(chat.at("/tools/3/function")).isEqualTo(tree("""
                    {"name": "tool_search", "description": "Find MCP tools.", "parameters": {"type": "object",
                     "properties": {"query": {"type": "string"}}, "required": ["query"]}}"""));
        }

        @Test
        void callsAndOutputsOfEarlierTurnsAreToolCallsAndToolMessages() {
            JsonNode chat = chat("""
                    {"model": "m", "tools": [{"type": "local_shell"}, {"type": "shell"}, {"type": "apply_patch"},
                      {"type": "tool_search", "execution": "client"}],
                     "input": [
                      {"type": "message", "role": "user", "content": "Go."},
                      {"type": "tool_search_call", "id": "tsc_1", "call_id": "c1", "execution": "client",
                       "arguments": {"query": "calendar"}, "status": "completed"},
                      {"type": "tool_search_output", "call_id": "c1", "execution": "client", "status": "completed",
                       "tools": [{"type": "namespace", "name": "mcp__cal__", "description": "Calendar.",
                        "tools": [{"type": "function", "name": "create_event", "defer_loading": true,
                         "parameters": {"type": "object"}}]}]},
                      {"type": "local_shell_call", "id": "lsh_1", "call_id": "c2", "status": "completed",
                       "action": {"type": "exec", "command": ["ls"], "env": {}, "timeout_ms": null}},
                      {"type": "local_shell_call_output", "id": "c2", "output": "a.txt"},
                      {"type": "shell_call", "id": "sh_1", "call_id": "c3", "status": "completed",
                       "action": {"commands": ["pwd"]}},
                      {"type": "shell_call_output", "call_id": "c3", "output": [{"stdout": "/w\\n", "stderr": "",
                       "outcome": {"type": "exit", "exit_code": 0}}]},
                      {"type": "apply_patch_call", "id": "apc_1", "call_id": "c4", "status": "completed",
                       "operation": {"type": "delete_file", "path": "old.txt"}},
                      {"type": "apply_patch_call_output", "call_id": "c4", "status": "failed", "output": "no such file"}]}
                    """);
            assertThat(chat.get("messages")).isEqualTo(tree("""
                    [{"role": "user", "content": "Go."},
                     {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                      "function": {"name": "tool_search", "arguments": "{\\"query\\":\\"calendar\\"}"}}]},
                     {"role": "tool", "content": "{\\"loaded_tools\\":[\\"mcp__cal____create_event\\"]}",
                      "tool_call_id": "c1"},
                     {"role": "assistant", "tool_calls": [{"id": "c2", "type": "function",
                      "function": {"name": "local_shell", "arguments": "{\\"command\\":[\\"ls\\"],\\"env\\":{}}"}}]},
                     {"role": "tool", "content": "a.txt", "tool_call_id": "c2"},
                     {"role": "assistant", "tool_calls": [{"id": "c3", "type": "function",
                      "function": {"name": "shell", "arguments": "{\\"commands\\":[\\"pwd\\"]}"}}]},
                     {"role": "tool", "content": "[{\\"stdout\\":\\"/w\\\\n\\",\\"stderr\\":\\"\\",\\"outcome\\":{\\"type\\":\\"exit\\",\\"exit_code\\":0}}]",
                      "tool_call_id": "c3"},
                     {"role": "assistant", "tool_calls": [{"id": "c4", "type": "function",
                      "function": {"name": "apply_patch",
                       "arguments": "{\\"operation\\":{\\"type\\":\\"delete_file\\",\\"path\\":\\"old.txt\\"}}"}}]},
                     {"role": "tool", "content": "failed: no such file", "tool_call_id": "c4"}]"""));
            // The tool the search loaded is offered from then on, after the request's own tools.
            assertThat(names(chat))
                    .containsExactly("local_shell", "shell", "apply_patch", "tool_search", "mcp__cal____create_event");
        }

        @Test
        void computerUseIsAHostedTool() {
            JsonNode chat = chat("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "computer_use_preview", "display_width": 1024,
                      "display_height": 768, "environment": "browser"}, {"type": "function", "name": "f"}]}
                    """);
            assertThat(names(chat)).containsExactly("f");
        }
    }

    @Nested
    class DeferredLoading {

        private static final String DEFERRED = """
                {"type": "function", "name": "exec_command"},
                 {"type": "function", "name": "lookup", "defer_loading": true},
                 {"type": "namespace", "name": "crm", "tools": [{"type": "function", "name": "find",
                  "defer_loading": true}, {"type": "function", "name": "open"}]}""";

        private static final String TOOLS =
                "\"tools\": [" + DEFERRED + ", {\"type\": \"tool_search\", \"execution\": \"client\"}]";

        @Test
        void deferredToolsWaitForASearchThatLoadsThem() {
            assertThat(names(chat("{\"model\": \"m\", \"input\": \"Hi\", " + TOOLS + "}")))
                    .containsExactly("exec_command", "crm__open", "tool_search");
            JsonNode later = chat("""
                    {"model": "m", %s, "input": [
                     {"type": "message", "role": "user", "content": "Find Ada in the CRM."},
                     {"type": "tool_search_call", "call_id": "s1", "execution": "client", "arguments": {"query": "crm"},
                      "status": "completed"},
                     {"type": "tool_search_output", "call_id": "s1", "execution": "client", "status": "completed",
                      "tools": [{"type": "namespace", "name": "crm", "description": "CRM.",
                       "tools": [{"type": "function", "name": "find", "defer_loading": true}]}]}]}
                    """.formatted(TOOLS));
            assertThat(names(later)).containsExactly("exec_command", "crm__find", "crm__open", "tool_search");
            assertThat(later.at("/messages/2/content").asText()).isEqualTo("{\"loaded_tools\":[\"crm__find\"]}");
        }

        @Test
        void withoutAClientSearchNothingCouldLoadThemSoTheyAreOfferedAtOnce() {
            assertThat(names(chat("{\"model\": \"m\", \"input\": \"Hi\", \"tools\": [" + DEFERRED + "]}")))
                    .containsExactly("exec_command", "lookup", "crm__find", "crm__open");
        }
    }

    @Nested
    class ToolChoices {

        private static final String TOOLS = """
                "tools": [{"type": "custom", "name": "apply_patch"}, {"type": "shell"},
                 {"type": "function", "name": "f"}, {"type": "web_search"}]""";

        @Test
        void forcingACustomToolOrABuiltInForcesItsFunction() {
            JsonNode chat = chat("{\"model\": \"m\", \"input\": \"Hi\", " + TOOLS
                    + ", \"tool_choice\": {\"type\": \"custom\", \"name\": \"apply_patch\"}}");
            assertThat(chat.get("tool_choice")).isEqualTo(tree("""
                    {"type": "function", "function": {"name": "apply_patch"}}"""));
            assertThat(names(chat)).containsExactly("apply_patch", "shell", "f");
            chat = chat("{\"model\": \"m\", \"input\": \"Hi\", " + TOOLS + ", \"tool_choice\": {\"type\": \"shell\"}}");
            assertThat(chat.get("tool_choice")).isEqualTo(tree("""
                    {"type": "function", "function": {"name": "shell"}}"""));
        }

        @Test
        void forcingAHostedToolOrAnUndeclaredOneIsA400() {
            assertRejected(
                    "{\"model\": \"m\", \"input\": \"Hi\", " + TOOLS
                            + ", \"tool_choice\": {\"type\": \"web_search_preview\"}}",
                    "tool_choice.type",
                    "unsupported_tool_type",
                    "'web_search_preview'",
                    "hosted tool");
            assertRejected(
                    "{\"model\": \"m\", \"input\": \"Hi\", " + TOOLS
                            + ", \"tool_choice\": {\"type\": \"mcp\", \"server_label\": \"deepwiki\"}}",
                    "tool_choice.type",
                    "unsupported_tool_type",
                    "'mcp'");
            assertRejected(
                    "{\"model\": \"m\", \"input\": \"Hi\", " + TOOLS
                            + ", \"tool_choice\": {\"type\": \"custom\", \"name\": \"other\"}}",
                    "tool_choice.name",
                    "invalid_value",
                    "'other'");
            assertRejected(
                    "{\"model\": \"m\", \"input\": \"Hi\", " + TOOLS
                            + ", \"tool_choice\": {\"type\": \"apply_patch\"}}",
                    "tool_choice.type",
                    "invalid_value",
                    "apply_patch tool");
        }

        @Test
        void requiredWithOnlyHostedToolsSaysWhyThereIsNothingToCall() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "web_search"}], "tool_choice": "required"}
                    """, "tool_choice", "invalid_value", "hosted tools left out", "web_search");
        }
    }

    @Test
    void theCatalogNamesEveryUpstreamFunctionOnce() {
        JsonNode chat = chat(Fixtures.resource("streams/custom-tool-call.request.json"));
        assertThat(names(chat))
                .containsExactly(
                        "shell",
                        "multi_agent_v1__spawn_agent",
                        "multi_agent_v1__wait_agent",
                        "apply_patch",
                        "tool_search");
        Set<String> unique = new HashSet<>(names(chat));
        assertThat(unique).hasSize(5);
    }
}
