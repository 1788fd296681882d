package dev.orsgateway.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.examples.scripted.Script;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI's tool items through {@code previous_response_id} chains: stored in SQLite, replayed, re-encoded for the
 * upstream under the same names, and tools a stored {@code tool_search_output} loaded still callable.
 */
class ToolTypesE2ETest {

    private static final String PATCH = "*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch\n";

    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static CreateResponseRequest read(String json) {
        try {
            return OrsJson.read(json, CreateResponseRequest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    @Test
    void aCustomToolCallIsStoredAndItsOutputContinuesTheChain() {
        String tools = """
                "tools": [{"type": "custom", "name": "apply_patch", "format": {"type": "grammar", "syntax": "lark",
                  "definition": "start: begin_patch"}},
                 {"type": "namespace", "name": "files", "tools": [{"type": "function", "name": "read"}]}]""";
        h.server.enqueue(Script.toolCalls(Script.call("apply_patch", "{\"input\":" + OrsJson.write(PATCH) + "}")
                .withId("call_p")));
        Harness.Streamed first =
                h.stream(read("{\"model\": \"" + Harness.MODEL + "\", \"input\": \"Add a.txt\", " + tools + "}"));
        Response r1 = first.response();
        Item.CustomToolCall call = (Item.CustomToolCall) r1.output().get(0);
        assertThat(call.input()).isEqualTo(PATCH);
        assertThat(h.replay(r1.id())).last().isEqualTo(call);
        h.takeUpstreamBody();

        h.server.enqueue(Script.toolCalls(
                Script.call("files__read", "{\"path\":\"a.txt\"}").withId("call_r")));
        Response r2 = h.complete(read("{\"model\": \"" + Harness.MODEL + "\", \"previous_response_id\": \"" + r1.id()
                + "\", \"input\": [{\"type\": \"custom_tool_call_output\", \"call_id\": \"call_p\", \"output\": \"Done.\"}], "
                + tools + "}"));
        JsonNode messages = h.takeUpstreamBody().get("messages");
        assertThat(messages.get(1)).isEqualTo(SpecSchemas.json("""
                {"role": "assistant", "tool_calls": [{"id": "call_p", "type": "function", "function": {
                  "name": "apply_patch", "arguments": %s}}]}""".formatted(
                        OrsJson.write(OrsJson.write(java.util.Map.of("input", PATCH))))));
        assertThat(messages.get(2)).isEqualTo(SpecSchemas.json("""
                {"role": "tool", "content": "Done.", "tool_call_id": "call_p"}"""));
        Item.FunctionCall read = (Item.FunctionCall) r2.output().get(0);
        assertThat(read.namespace()).isEqualTo("files");
        assertThat(read.name()).isEqualTo("read");

        // The output was stored as an input item of its own, with a gateway id and a status.
        ItemPage page =
                h.gateway.listInputItems(r2.id(), PageRequest.DEFAULT, null).orElseThrow();
        Item.CustomToolCallOutput output =
                (Item.CustomToolCallOutput) page.data().get(0);
        assertThat(output.id()).startsWith("ctco_");
        assertThat(output.status()).isEqualTo(ItemStatus.COMPLETED);
        assertThat(SpecSchemas.inputItemErrors(OrsJson.tree(output))).isEmpty();

        // Third turn: the namespaced call comes back from the store under its flattened name.
        h.server.enqueue(Script.text("a.txt says a."));
        h.complete(read("{\"model\": \"" + Harness.MODEL + "\", \"previous_response_id\": \"" + r2.id()
                + "\", \"input\": [{\"type\": \"function_call_output\", \"call_id\": \"call_r\", \"output\": \"a\"}], "
                + tools + "}"));
        messages = h.takeUpstreamBody().get("messages");
        assertThat(messages.get(3).at("/tool_calls/0/function/name").asText()).isEqualTo("files__read");
        assertThat(messages.get(4).get("tool_call_id").asText()).isEqualTo("call_r");
    }

    @Test
    void aToolLoadedByAStoredSearchIsCallableInTheNextTurn() {
        String tools = "\"tools\": [{\"type\": \"tool_search\", \"execution\": \"client\"}]";
        h.server.enqueue(Script.toolCalls(
                Script.call("tool_search", "{\"query\":\"calendar\"}").withId("call_s")));
        Response r1 = h.complete(
                read("{\"model\": \"" + Harness.MODEL + "\", \"input\": \"Book a standup.\", " + tools + "}"));
        assertThat(r1.output().get(0).type()).isEqualTo("tool_search_call");
        h.takeUpstreamBody();

        // The client answers the search: the loaded namespace is stored with this turn's input.
        h.server.enqueue(Script.text("Found the calendar tools."));
        Response r2 = h.complete(read("{\"model\": \"" + Harness.MODEL + "\", \"previous_response_id\": \"" + r1.id()
                + "\", \"input\": [{\"type\": \"tool_search_output\", \"call_id\": \"call_s\", \"execution\": \"client\","
                + " \"status\": \"completed\", \"tools\": [{\"type\": \"namespace\", \"name\": \"mcp__cal__\","
                + " \"description\": \"Calendar.\", \"tools\": [{\"type\": \"function\", \"name\": \"create_event\","
                + " \"defer_loading\": true, \"parameters\": {\"type\": \"object\"}}]}]}], " + tools + "}"));
        assertThat(h.takeUpstreamBody().at("/tools/1/function/name").asText()).isEqualTo("mcp__cal____create_event");
        // Stored with an id of the gateway's, as every stored item needs one (the client sent none).
        Item stored = h.gateway
                .listInputItems(r2.id(), PageRequest.DEFAULT, null)
                .orElseThrow()
                .data()
                .get(0);
        assertThat(stored.type()).isEqualTo("tool_search_output");
        assertThat(stored.id()).startsWith("tso_");
        assertThat(SpecSchemas.inputItemErrors(OrsJson.tree(stored))).isEmpty();

        // A later turn sends only a new message: the search and its output come from the store, and the loaded
        // tool is still offered and its call mapped back, streamed and not.
        for (int i = 0; i < 2; i++) {
            h.server.enqueue(Script.toolCalls(Script.call("mcp__cal____create_event", "{\"title\":\"Standup\"}")
                    .withId("call_e" + i)));
            CreateResponseRequest next = read("{\"model\": \"" + Harness.MODEL + "\", \"previous_response_id\": \""
                    + r2.id() + "\", \"input\": \"At 9, please.\", " + tools + "}");
            Response r3 = i == 0 ? h.stream(next).response() : h.complete(next);
            JsonNode body = h.takeUpstreamBody();
            assertThat(body.at("/tools/1/function/name").asText()).isEqualTo("mcp__cal____create_event");
            List<Item> output = r3.output();
            Item.FunctionCall call = (Item.FunctionCall) output.get(0);
            assertThat(call.namespace()).isEqualTo("mcp__cal__");
            assertThat(call.name()).isEqualTo("create_event");
        }
    }
}
