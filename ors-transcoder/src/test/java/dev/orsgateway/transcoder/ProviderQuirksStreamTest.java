package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How chunk shapes of providers that differ from OpenAI's are assembled (ors-core's {@code fixtures/upstream/README.md}
 * names the report behind each; examples' {@code ProviderQuirksTest} sends the recorded-style streams through HTTP).
 */
class ProviderQuirksStreamTest {

    private static final CreateResponseRequest TOOLS = Fixtures.request("text-then-tool-call");

    @Test
    void aChunksOnlyChoiceIsTheAnswerWhateverItsIndex() {
        // Foundry Local numbers the choice anew in every chunk.
        Response response = run(
                Fixtures.simpleRequest(),
                "{\"choices\":[{\"index\":196,\"delta\":{\"role\":\"assistant\",\"content\":\"Why\"}}]}",
                "{\"choices\":[{\"index\":197,\"delta\":{\"content\":\" not.\"},\"finish_reason\":\"stop\"}]}");

        assertThat(((Item.Message) response.output().get(0)).text()).isEqualTo("Why not.");
    }

    @Test
    void ofSeveralChoicesOnlyIndexZeroCounts() {
        Response response = run(
                Fixtures.simpleRequest(),
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}},{\"index\":1,\"delta\":{\"content\":\"B\"}}]}",
                "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"}},{\"index\":0,\"delta\":{\"content\":\"a\"}}]}");

        assertThat(((Item.Message) response.output().get(0)).text()).isEqualTo("Aa");
    }

    @Test
    void wholeCallsThatAllSayIndexZeroAreSeparateCalls() {
        // Ollama's parallel calls (ollama/ollama#15457).
        Response response = run(
                TOOLS,
                call("0", "\"call_a\"", "\"get_weather\"", "{\\\"location\\\":\\\"Paris\\\"}"),
                call("0", "\"call_b\"", "\"get_weather\"", "{\\\"location\\\":\\\"Tokyo\\\"}"),
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");

        assertThat(calls(response))
                .containsExactly("call_a {\"location\":\"Paris\"}", "call_b {\"location\":\"Tokyo\"}");
    }

    @Test
    void aHeaderSentAgainWithTheSameIdOrAnotherIdWithoutANameContinuesTheCall() {
        // Fireworks repeats id, type and name in every fragment.
        Response repeated = run(
                TOOLS,
                call("0", "\"call_a\"", "\"get_weather\"", ""),
                call("0", "\"call_a\"", "\"get_weather\"", "{\\\"location\\\":"),
                call("0", "\"call_a\"", "\"get_weather\"", "\\\"Paris\\\"}"),
                call("0", "\"call_a\"", "\"get_weather\"", ""));
        assertThat(calls(repeated)).containsExactly("call_a {\"location\":\"Paris\"}");

        // Poolside sends the name with one id and the arguments with another.
        Response renamed = run(
                TOOLS,
                call("0", "\"call_a\"", "\"get_weather\"", ""),
                call("0", "\"call_z\"", "null", "{\\\"location\\\":"),
                call("0", "\"call_z\"", "null", "\\\"Paris\\\"}"));
        assertThat(calls(renamed)).containsExactly("call_a {\"location\":\"Paris\"}");
    }

    @Test
    void anEmptyIdIsNoIdAndWholeCallsWithoutIndexOrIdStaySeparate() {
        // Gemini: "index": null, "id": "".
        Response single = run(TOOLS, call("null", "\"\"", "\"get_weather\"", "{\\\"location\\\":\\\"Paris\\\"}"));
        Item.FunctionCall call = (Item.FunctionCall) single.output().get(0);
        assertThat(call.callId()).startsWith("call_").isNotEqualTo("call_");

        Response two = run(
                TOOLS,
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
                        + "{\"index\":null,\"id\":\"\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"}},"
                        + "{\"index\":null,\"id\":\"\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"location\\\":\\\"Tokyo\\\"}\"}}]}}]}");
        assertThat(two.output()).hasSize(2);
        assertThat(((Item.FunctionCall) two.output().get(0)).arguments()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(((Item.FunctionCall) two.output().get(1)).arguments()).isEqualTo("{\"location\":\"Tokyo\"}");
        assertThat(((Item.FunctionCall) two.output().get(0)).callId())
                .isNotEqualTo(((Item.FunctionCall) two.output().get(1)).callId());
    }

    /** A chunk with one tool-call fragment; each argument is JSON text as it stands in the chunk. */
    private static String call(String index, String id, String name, String arguments) {
        return "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":" + index + ",\"id\":" + id
                + ",\"type\":\"function\",\"function\":{\"name\":" + name + ",\"arguments\":\"" + arguments
                + "\"}}]}}]}";
    }

    private static Response run(CreateResponseRequest request, String... chunks) {
        StreamTranscoder transcoder = Fixtures.transcoder(request);
        List<ResponseEvent> events = new ArrayList<>();
        for (String json : chunks) {
            events.addAll(transcoder.onChunk(Fixtures.read(json, ChatChunk.class)));
        }
        events.addAll(transcoder.onComplete());
        return StreamInvariants.check(events);
    }

    private static List<String> calls(Response response) {
        List<String> calls = new ArrayList<>();
        for (Item item : response.output()) {
            Item.FunctionCall call = (Item.FunctionCall) item;
            calls.add(call.callId() + " " + call.arguments());
        }
        return calls;
    }
}
