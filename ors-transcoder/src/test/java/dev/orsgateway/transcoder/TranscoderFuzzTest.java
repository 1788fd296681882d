package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ResponseEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes both directions of the translation with inputs built from the fuzzer's bytes: Open Responses items (a
 * request's input and a replayed history) to chat messages, and chat chunks (text, reasoning, refusals, tool call
 * fragments with any index, id and name, finish reasons, usage, in any order) to events. Properties: items either
 * translate or are refused with a 400 {@link OrsException}; every chunk sequence, ended normally or by an error, gives
 * a stream that keeps every rule of {@link StreamInvariants} (schema-valid events, one terminal event, items that never
 * interleave, arguments that add up).
 *
 * <p>Without {@code JAZZER_FUZZ} it replays its corpus ({@code src/test/resources/.../TranscoderFuzzTestInputs}).
 */
class TranscoderFuzzTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<String> REQUESTS = List.of(
            "plain-text",
            "tool-calls-interleaved",
            "custom-tool-call",
            "built-in-calls",
            "max-tool-calls",
            "tool-choice-none",
            "tool-call-not-allowed",
            "namespaced-function-call");
    private static final List<CreateResponseRequest> PARSED =
            REQUESTS.stream().map(Fixtures::request).toList();
    private static final String[] NAMES = {
        "get_weather", "apply_patch", "shell", "local_shell", "tool_search", "calendar.create", "unknown", ""
    };
    private static final String[] FINISH = {"stop", "length", "tool_calls", "content_filter", "function_call", "x", ""};

    @FuzzTest(maxDuration = "5m")
    void chunksToEvents(FuzzedDataProvider in) {
        CreateResponseRequest request = PARSED.get(in.consumeInt(0, PARSED.size() - 1));
        StreamTranscoder transcoder = Fixtures.transcoder(request);
        List<ResponseEvent> events = new ArrayList<>();
        int count = in.consumeInt(0, 24);
        for (int i = 0; i < count && in.remainingBytes() > 0; i++) {
            ChatChunk chunk = chunk(in);
            if (chunk != null) {
                events.addAll(transcoder.onChunk(chunk));
            }
        }
        boolean fail = in.consumeBoolean();
        events.addAll(
                fail ? transcoder.onError(OrsException.serverError("upstream broke", null)) : transcoder.onComplete());
        StreamInvariants.check(events);
    }

    @FuzzTest(maxDuration = "5m")
    void itemsToMessages(FuzzedDataProvider in) {
        CreateResponseRequest base = PARSED.get(in.consumeInt(0, PARSED.size() - 1));
        int count = in.consumeInt(0, 12);
        List<JsonNode> items = new ArrayList<>();
        for (int i = 0; i < count && in.remainingBytes() > 0; i++) {
            items.add(item(in));
        }
        int historySize = in.consumeInt(0, items.size());
        List<Item> history = new ArrayList<>();
        ArrayNode input = JSON.arrayNode();
        try {
            for (int i = 0; i < items.size(); i++) {
                if (i < historySize) {
                    history.add(OrsJson.mapper().treeToValue(items.get(i), Item.class));
                } else {
                    input.add(items.get(i));
                }
            }
        } catch (Exception e) {
            return; // not an item: the request decoder's fuzz test covers what does not bind
        }
        ObjectNode json = OrsJson.mapper().valueToTree(base);
        json.set("input", input);
        CreateResponseRequest request;
        try {
            request = OrsJson.mapper().treeToValue(json, CreateResponseRequest.class);
        } catch (Exception e) {
            return;
        }
        try {
            OrsJson.writeBytes(ChatTranscoder.create().toChatRequest(request, history));
        } catch (OrsException e) {
            assertThat(e.httpStatus()).as("%s", e.error()).isEqualTo(400);
            assertThat(e.error().message()).isNotBlank().doesNotContain("java.", "Exception");
        }
    }

    private static ChatChunk chunk(FuzzedDataProvider in) {
        ObjectNode chunk = JSON.objectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk");
        ArrayNode choices = chunk.putArray("choices");
        if (in.consumeInt(0, 9) > 0) {
            ObjectNode choice = choices.addObject().put("index", in.consumeInt(0, 9) == 0 ? 1 : 0);
            ObjectNode delta = choice.putObject("delta");
            switch (in.consumeInt(0, 7)) {
                case 0 -> delta.put("role", "assistant");
                case 1, 2 -> delta.put("content", in.consumeString(16));
                case 3 -> delta.put(in.consumeBoolean() ? "reasoning_content" : "reasoning", in.consumeString(16));
                case 4 -> delta.put("refusal", in.consumeString(16));
                default -> {
                    ArrayNode calls = delta.putArray("tool_calls");
                    for (int n = in.consumeInt(1, 2); n > 0; n--) {
                        ObjectNode call = calls.addObject();
                        if (in.consumeInt(0, 4) > 0) {
                            call.put("index", in.consumeInt(0, 3));
                        }
                        if (in.consumeBoolean()) {
                            call.put("id", in.consumeBoolean() ? "call_" + in.consumeInt(0, 3) : in.consumeString(4));
                            call.put("type", "function");
                        }
                        ObjectNode function = call.putObject("function");
                        if (in.consumeBoolean()) {
                            function.put("name", NAMES[in.consumeInt(0, NAMES.length - 1)]);
                        }
                        function.put("arguments", in.consumeString(12));
                    }
                }
            }
            if (in.consumeInt(0, 5) == 0) {
                choice.put("finish_reason", FINISH[in.consumeInt(0, FINISH.length - 1)]);
            }
        }
        if (in.consumeInt(0, 7) == 0) {
            chunk.putObject("usage")
                    .put("prompt_tokens", in.consumeInt(0, 1000))
                    .put("completion_tokens", in.consumeInt(0, 1000))
                    .put("total_tokens", in.consumeInt(0, 2000));
        }
        try {
            return OrsJson.mapper().treeToValue(chunk, ChatChunk.class);
        } catch (Exception e) {
            return null;
        }
    }

    private static JsonNode item(FuzzedDataProvider in) {
        String callId = "call_" + in.consumeInt(0, 3);
        return switch (in.consumeInt(0, 8)) {
            case 0, 1 -> {
                String[] roles = {"user", "assistant", "system", "developer", "tool", ""};
                ObjectNode message = JSON.objectNode().put("type", "message");
                String role = roles[in.consumeInt(0, roles.length - 1)];
                message.put("role", role);
                if (in.consumeBoolean()) {
                    message.put("content", in.consumeString(16));
                } else {
                    ArrayNode parts = message.putArray("content");
                    for (int n = in.consumeInt(0, 3); n > 0; n--) {
                        parts.add(part(in));
                    }
                }
                yield message;
            }
            case 2 ->
                JSON.objectNode()
                        .put("type", "function_call")
                        .put("call_id", callId)
                        .put("name", NAMES[in.consumeInt(0, NAMES.length - 1)])
                        .put("arguments", in.consumeString(16));
            case 3 -> {
                ObjectNode output =
                        JSON.objectNode().put("type", "function_call_output").put("call_id", callId);
                if (in.consumeBoolean()) {
                    output.put("output", in.consumeString(16));
                } else {
                    output.putArray("output").add(part(in));
                }
                yield output;
            }
            case 4 ->
                JSON.objectNode()
                        .put("type", "custom_tool_call")
                        .put("call_id", callId)
                        .put("name", NAMES[in.consumeInt(0, NAMES.length - 1)])
                        .put("input", in.consumeString(16));
            case 5 ->
                JSON.objectNode()
                        .put("type", "custom_tool_call_output")
                        .put("call_id", callId)
                        .put("output", in.consumeString(16));
            case 6 -> {
                ObjectNode reasoning = JSON.objectNode().put("type", "reasoning");
                reasoning
                        .putArray("summary")
                        .addObject()
                        .put("type", "summary_text")
                        .put("text", in.consumeString(8));
                if (in.consumeBoolean()) {
                    reasoning
                            .putArray("content")
                            .addObject()
                            .put("type", "reasoning_text")
                            .put("text", in.consumeString(8));
                }
                yield reasoning;
            }
            case 7 -> {
                String[] types = {
                    "shell_call",
                    "shell_call_output",
                    "apply_patch_call",
                    "tool_search_call",
                    "tool_search_output",
                    "local_shell_call",
                    "item_reference",
                    "acme:thing"
                };
                ObjectNode other = JSON.objectNode().put("type", types[in.consumeInt(0, types.length - 1)]);
                other.put("call_id", callId).put("id", "x_" + in.consumeInt(0, 3));
                if (in.consumeBoolean()) {
                    other.putObject("action").putArray("commands").add(in.consumeString(8));
                }
                if (in.consumeBoolean()) {
                    other.put("output", in.consumeString(8));
                }
                yield other;
            }
            default -> OrsJson.mapper().createObjectNode().put("type", in.consumeString(12));
        };
    }

    private static JsonNode part(FuzzedDataProvider in) {
        return switch (in.consumeInt(0, 6)) {
            case 0 -> JSON.objectNode().put("type", "input_text").put("text", in.consumeString(16));
            case 1 ->
                JSON.objectNode()
                        .put("type", "output_text")
                        .put("text", in.consumeString(16))
                        .set("annotations", JSON.arrayNode());
            case 2 -> JSON.objectNode().put("type", "refusal").put("refusal", in.consumeString(8));
            case 3 ->
                JSON.objectNode()
                        .put("type", "input_image")
                        .put(
                                "image_url",
                                in.consumeBoolean() ? "https://example.com/a.png" : "data:" + in.consumeString(12));
            case 4 ->
                JSON.objectNode()
                        .put("type", "input_file")
                        .put(in.consumeBoolean() ? "file_data" : "file_url", in.consumeString(12))
                        .put("filename", in.consumeString(6));
            case 5 -> {
                ObjectNode audio = JSON.objectNode().put("type", "input_audio");
                audio.putObject("input_audio").put("data", in.consumeString(8)).put("format", in.consumeString(4));
                yield audio;
            }
            default -> JSON.objectNode().put("type", in.consumeString(10)).put("text", in.consumeString(8));
        };
    }
}
