package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.transcoder.internal.CustomInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How calls of custom tools, namespaced and loaded functions and built-ins come back, beyond the goldens. */
class ToolTypesStreamTest {

    private static final String PATCH = "*** Begin Patch\n*** Update File: src/Grüße.java\n@@ class A\n"
            + "-  String s = \"a\\tb\";\n+  String s = \"a\\tb \u00e9 \uD83D\uDE00 \u2028 \\u0041\";\n*** End Patch\n";

    private static CreateResponseRequest request(String toolsJson) {
        return Fixtures.read(
                "{\"model\":\"m\",\"input\":\"Go\",\"stream\":true,\"tools\":" + toolsJson + "}",
                CreateResponseRequest.class);
    }

    private static ChatChunk chunk(String deltaJson, String finish) {
        return Fixtures.read(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"delta\":" + deltaJson + ",\"finish_reason\":"
                        + (finish == null ? "null" : "\"" + finish + "\"")
                        + "}]}",
                ChatChunk.class);
    }

    private static ChatChunk callStart(int index, String id, String name) {
        return chunk(
                "{\"tool_calls\":[{\"index\":" + index + ",\"id\":\"" + id + "\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"" + name + "\",\"arguments\":\"\"}}]}",
                null);
    }

    private static ChatChunk callFragment(int index, String fragment) {
        return chunk(
                "{\"tool_calls\":[{\"index\":" + index + ",\"function\":{\"arguments\":" + OrsJson.write(fragment)
                        + "}}]}",
                null);
    }

    private static List<ResponseEvent> run(StreamTranscoder transcoder, List<ChatChunk> chunks) {
        List<ResponseEvent> events = new ArrayList<>();
        for (ChatChunk chunk : chunks) {
            events.addAll(transcoder.onChunk(chunk));
        }
        events.addAll(transcoder.onComplete());
        return events;
    }

    private static String inputDeltas(List<ResponseEvent> events) {
        StringBuilder text = new StringBuilder();
        for (ResponseEvent event : events) {
            if (event instanceof ResponseEvent.CustomToolCallInputDelta delta) {
                text.append(delta.delta());
            }
        }
        return text.toString();
    }

    @Test
    void everySplitOfTheArgumentsGivesDecodedDeltasOfTheWholeInput() {
        CreateResponseRequest request = request("[{\"type\":\"custom\",\"name\":\"apply_patch\"}]");
        // Escaped as JSON writes it (\n, \", \\, \t) and with every non-ASCII character as \\uXXXX, as some
        // providers send it, so that splits fall inside escapes and between the halves of a surrogate pair.
        String arguments = asciiEscaped("{\"input\": " + OrsJson.write(PATCH) + "}");
        Random random = new Random(11);
        for (int seed = 0; seed < 200; seed++) {
            List<ChatChunk> chunks = new ArrayList<>();
            chunks.add(callStart(0, "call_p", "apply_patch"));
            int at = 0;
            while (at < arguments.length()) {
                int next = Math.min(arguments.length(), at + 1 + random.nextInt(seed % 7 + 1));
                chunks.add(callFragment(0, arguments.substring(at, next)));
                at = next;
            }
            chunks.add(chunk("{}", "tool_calls"));
            List<ResponseEvent> events = run(Fixtures.transcoder(request), chunks);
            Response response = StreamInvariants.check(events);
            assertThat(inputDeltas(events)).isEqualTo(PATCH);
            Item.CustomToolCall call = (Item.CustomToolCall) response.output().get(0);
            assertThat(call.input()).isEqualTo(PATCH);
            assertThat(call.name()).isEqualTo("apply_patch");
            assertThat(call.callId()).isEqualTo("call_p");
            assertThat(call.namespace()).isNull();
            // Live: the first piece of the patch is out before the arguments are complete.
            int firstDelta = indexOf(events, ResponseEvent.CustomToolCallInputDelta.class);
            int done = indexOf(events, ResponseEvent.CustomToolCallInputDone.class);
            assertThat(done - firstDelta).isGreaterThan(1);
        }
    }

    @Test
    void argumentsThatAreNotTheInputObjectStillGiveTheInput() {
        CreateResponseRequest request = request("[{\"type\":\"custom\",\"name\":\"note\"}]");
        Map<String, String> cases = Map.of(
                "*** Begin Patch\n(raw text, no JSON)", "*** Begin Patch\n(raw text, no JSON)",
                "{\"text\": \"only member\"}", "only member",
                "{\"lines\": 2, \"input\": \"second member\"}", "second member",
                "\"a JSON string\"", "a JSON string");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            List<ResponseEvent> events = run(
                    Fixtures.transcoder(request),
                    List.of(callStart(0, "call_n", "note"), callFragment(0, c.getKey()), chunk("{}", "tool_calls")));
            Response response = StreamInvariants.check(events);
            assertThat(((Item.CustomToolCall) response.output().get(0)).input())
                    .as("input of arguments %s", c.getKey())
                    .isEqualTo(c.getValue());
            assertThat(inputDeltas(events)).isEqualTo(c.getValue());
        }
        assertThat(CustomInput.inputOf("{\"a\": 1, \"b\": 2}")).isEqualTo("{\"a\": 1, \"b\": 2}");
    }

    @Test
    void aCustomCallInterleavedWithAnotherComesWholeAtTheEnd() {
        CreateResponseRequest request =
                request("[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"custom\",\"name\":\"apply_patch\"}]");
        List<ResponseEvent> events = run(
                Fixtures.transcoder(request),
                List.of(
                        callStart(0, "call_f", "f"),
                        callFragment(0, "{\"a\":"),
                        callStart(1, "call_p", "apply_patch"),
                        callFragment(1, "{\"input\":\"x\\ny"),
                        callFragment(0, "1}"),
                        callFragment(1, "\"}"),
                        chunk("{}", "tool_calls")));
        Response response = StreamInvariants.check(events);
        assertThat(response.output()).hasSize(2);
        assertThat(((Item.CustomToolCall) response.output().get(1)).input()).isEqualTo("x\ny");
        assertThat(events.stream()
                        .filter(ResponseEvent.CustomToolCallInputDelta.class::isInstance)
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aToolLoadedByASearchInTheReplayedChainIsCallableUnderItsNamespace() {
        CreateResponseRequest request = Fixtures.read("""
                {"model": "m", "previous_response_id": "resp_0", "stream": true,
                 "tools": [{"type": "tool_search", "execution": "client"}],
                 "input": [{"type": "message", "role": "user", "content": "Book it."}]}
                """, CreateResponseRequest.class);
        List<Item> history = Translation.items("""
                [{"type": "message", "id": "msg_0", "status": "completed", "role": "user",
                  "content": [{"type": "input_text", "text": "Find a calendar tool."}]},
                 {"type": "tool_search_call", "id": "tsc_0", "call_id": "s1", "execution": "client",
                  "arguments": {"query": "calendar"}, "status": "completed"},
                 {"type": "tool_search_output", "call_id": "s1", "execution": "client", "status": "completed",
                  "tools": [{"type": "namespace", "name": "mcp__cal__", "description": "Calendar.",
                   "tools": [{"type": "function", "name": "create_event", "defer_loading": true,
                    "parameters": {"type": "object"}}]}]}]
                """);
        List<ChatChunk> chunks = List.of(
                callStart(0, "call_e", "mcp__cal____create_event"),
                callFragment(0, "{\"title\":\"Standup\"}"),
                chunk("{}", "tool_calls"));

        StreamTranscoder withHistory = new StreamTranscoder(
                request, history, Fixtures.initial(request), IdGenerator.sequential(), Fixtures.CLOCK);
        Response response = StreamInvariants.check(run(withHistory, chunks));
        Item.FunctionCall call = (Item.FunctionCall) response.output().get(0);
        assertThat(call.name()).isEqualTo("create_event");
        assertThat(call.namespace()).isEqualTo("mcp__cal__");
        assertThat(OrsJson.tree(call).get("namespace").asText()).isEqualTo("mcp__cal__");

        // The same upstream request, sent: the loaded tool is offered.
        assertThat(Translation.tree(OrsJson.write(ChatTranscoder.create().toChatRequest(request, history)))
                        .at("/tools/1/function/name")
                        .asText())
                .isEqualTo("mcp__cal____create_event");

        // Without the chain the name means nothing: the call is suppressed, as any undeclared one.
        Response without = StreamInvariants.check(run(Fixtures.transcoder(request), chunks));
        assertThat(without.output()).noneMatch(Item.FunctionCall.class::isInstance);

        // The non-streamed path gives the same item.
        ChatCompletion completion = Fixtures.read("""
                {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": [{"index": 0,
                 "message": {"role": "assistant", "content": null, "tool_calls": [{"id": "call_e", "type": "function",
                  "function": {"name": "mcp__cal____create_event", "arguments": "{\\"title\\":\\"Standup\\"}"}}]},
                 "finish_reason": "tool_calls"}]}
                """, ChatCompletion.class);
        Response complete = ChatTranscoder.create()
                .toResponse(
                        request,
                        history,
                        Fixtures.initial(request),
                        completion,
                        IdGenerator.sequential(),
                        Fixtures.CLOCK);
        assertThat(complete.output()).isEqualTo(response.output());
    }

    @Test
    void aBuiltInCallCutOffIsAnIncompleteFunctionCall() {
        CreateResponseRequest request = request("[{\"type\":\"shell\"}]");
        StreamTranscoder transcoder = Fixtures.transcoder(request);
        List<ResponseEvent> events = new ArrayList<>();
        events.addAll(transcoder.onChunk(callStart(0, "call_s", "shell")));
        events.addAll(transcoder.onChunk(callFragment(0, "{\"commands\":[\"ls")));
        events.addAll(transcoder.onError(new IOException("connection reset")));
        Response response = StreamInvariants.check(events);
        Item.FunctionCall call = (Item.FunctionCall) response.output().get(0);
        assertThat(call.name()).isEqualTo("shell");
        assertThat(call.status()).isEqualTo(ItemStatus.INCOMPLETE);
        assertThat(call.arguments()).isEqualTo("{\"commands\":[\"ls");
    }

    @Test
    void aCustomCallCutOffKeepsTheInputDecodedSoFar() {
        CreateResponseRequest request = request("[{\"type\":\"custom\",\"name\":\"apply_patch\"}]");
        StreamTranscoder transcoder = Fixtures.transcoder(request);
        List<ResponseEvent> events = new ArrayList<>();
        events.addAll(transcoder.onChunk(callStart(0, "call_p", "apply_patch")));
        events.addAll(transcoder.onChunk(callFragment(0, "{\"input\":\"*** Begin Patch\\n*** Add")));
        events.addAll(transcoder.onError(new IOException("connection reset")));
        Response response = StreamInvariants.check(events);
        Item.CustomToolCall call = (Item.CustomToolCall) response.output().get(0);
        assertThat(call.status()).isEqualTo(ItemStatus.INCOMPLETE);
        assertThat(call.input()).isEqualTo("*** Begin Patch\n*** Add");
    }

    private static int indexOf(List<ResponseEvent> events, Class<?> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String asciiEscaped(String json) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
