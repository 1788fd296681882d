package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.transcoder.internal.Base64Pieces;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules every event stream of one response must follow (spec §6, §7.1 and the traps of §13), checked on the
 * JSON exactly as {@link OrsJson} writes it:
 *
 * <ul>
 *   <li>every event and the final response are schema-valid;
 *   <li>{@code sequence_number} starts at 0 and strictly increases;
 *   <li>{@code response.created}, {@code response.in_progress} come first, with status {@code in_progress}, empty
 *       output, null usage and null {@code completed_at};
 *   <li>exactly one terminal event, and it is last; an {@code error} event comes right before
 *       {@code response.failed}, and only there;
 *   <li>items never interleave: {@code output_item.added} (schema-complete, empty, {@code in_progress}) → its
 *       parts or arguments → {@code output_item.done} with the same {@code output_index} and id; the
 *       {@code output_index} is the item's position;
 *   <li>each content part: {@code content_part.added} (empty) → deltas → {@code *.done} with the whole text →
 *       {@code content_part.done} with the whole part; {@code output_text} deltas and done carry {@code logprobs},
 *       parts carry {@code annotations};
 *   <li>the audio extension events of an {@code output_text} part ({@code ors:output_audio.delta}, non-empty,
 *       then one {@code ors:output_audio.done}) come between its {@code content_part.added} and its
 *       {@code output_text.done}, each delta whole base64 quanta, and the {@code ors:output_audio} field of the done
 *       part holds the audio of the deltas (no deltas: no field);
 *   <li>{@code function_call_arguments.done} carries the concatenated deltas, and the done item the same
 *       arguments; likewise {@code custom_tool_call_input.done} and a {@code custom_tool_call}'s {@code input}, and
 *       no input delta ends inside a character (a lone high surrogate);
 *   <li>the items of built-in tools ({@code shell_call}, ...) are added and done at once, the same item but for its
 *       status;
 *   <li>the final output equals the items of the {@code output_item.done} events, in order; only the last item
 *       may be {@code incomplete}; the status, {@code completed_at}, {@code incomplete_details} and {@code error}
 *       agree with the terminal event.
 * </ul>
 */
final class StreamInvariants {

    /** The items of built-in tools, added and done at once. */
    private static final Set<String> WHOLE_ITEMS =
            Set.of("tool_search_call", "local_shell_call", "shell_call", "apply_patch_call");

    private StreamInvariants() {}

    /** Checks every rule and returns the final response. */
    static Response check(List<ResponseEvent> events) {
        assertThat(events).as("events").isNotEmpty();
        List<JsonNode> json = new ArrayList<>();
        for (ResponseEvent event : events) {
            JsonNode node = OrsJson.tree(event);
            SpecSchemas.assertValidEvent(node);
            json.add(node);
        }
        checkSequence(json);
        checkLifecycle(json);
        List<JsonNode> items = checkItems(json);

        JsonNode terminal = json.get(json.size() - 1);
        JsonNode response = terminal.get("response");
        Response typed = Fixtures.finalResponse(events);
        SpecSchemas.assertValidResponse(typed);
        SpecSchemas.assertValidResponse(response);
        checkFinalResponse(terminal.get("type").asText(), response, items);
        return typed;
    }

    private static void checkSequence(List<JsonNode> json) {
        long previous = -1;
        for (JsonNode event : json) {
            long sequence = event.get("sequence_number").asLong();
            if (previous < 0) {
                assertThat(sequence).as("first sequence_number").isZero();
            } else {
                assertThat(sequence).as("sequence_number after %s", previous).isGreaterThan(previous);
            }
            previous = sequence;
        }
    }

    private static void checkLifecycle(List<JsonNode> json) {
        assertThat(json.size()).as("event count").isGreaterThanOrEqualTo(3);
        assertThat(type(json.get(0))).isEqualTo("response.created");
        assertThat(type(json.get(1))).isEqualTo("response.in_progress");
        for (int i = 0; i < 2; i++) {
            JsonNode response = json.get(i).get("response");
            assertThat(response.get("status").asText()).isEqualTo("in_progress");
            assertThat(response.get("output")).isEmpty();
            assertThat(response.get("usage").isNull())
                    .as("usage before the end")
                    .isTrue();
            assertThat(response.get("completed_at").isNull())
                    .as("completed_at before the end")
                    .isTrue();
        }
        int terminals = 0;
        int errors = 0;
        for (int i = 0; i < json.size(); i++) {
            String type = type(json.get(i));
            if (isTerminal(type)) {
                terminals++;
                assertThat(i).as("terminal event %s is last", type).isEqualTo(json.size() - 1);
            }
            if (type.equals("error")) {
                errors++;
                assertThat(i)
                        .as("error event comes right before response.failed")
                        .isEqualTo(json.size() - 2);
            }
            if (i >= 2 && (type.equals("response.created") || type.equals("response.in_progress"))) {
                fail("%s at position %d", type, i);
            }
        }
        assertThat(terminals).as("terminal events").isEqualTo(1);
        String last = type(json.get(json.size() - 1));
        assertThat(errors).as("error events").isEqualTo(last.equals("response.failed") ? 1 : 0);
    }

    /** Walks the item events; returns the items of the {@code output_item.done} events in output order. */
    private static List<JsonNode> checkItems(List<JsonNode> json) {
        List<JsonNode> done = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        JsonNode openItem = null;
        int openIndex = -1;
        List<JsonNode> parts = new ArrayList<>();
        JsonNode openPart = null;
        StringBuilder text = null;
        boolean textDone = false;
        StringBuilder audio = null;
        boolean audioDone = false;
        StringBuilder arguments = null;
        String argumentsDone = null;
        boolean wholeItem = false;
        for (int i = 2; i < json.size(); i++) {
            JsonNode event = json.get(i);
            String type = type(event);
            String where = type + " at position " + i + ": " + event;
            if (isTerminal(type) || type.equals("error")) {
                assertThat(openItem).as("an item is still open at " + where).isNull();
                continue;
            }
            if (type.equals("response.output_item.added")) {
                assertThat(openItem).as("items interleave at " + where).isNull();
                openItem = event.get("item");
                openIndex = event.get("output_index").asInt();
                assertThat(openIndex)
                        .as("output_index is the item's position: " + where)
                        .isEqualTo(done.size());
                assertThat(ids.add(openItem.get("id").asText()))
                        .as("unique item id: " + where)
                        .isTrue();
                checkAddedItem(openItem, where);
                parts = new ArrayList<>();
                arguments = new StringBuilder();
                argumentsDone = null;
                wholeItem = WHOLE_ITEMS.contains(openItem.get("type").asText());
                continue;
            }
            assertThat(openItem).as("no open item for " + where).isNotNull();
            String itemType = openItem.get("type").asText();
            if (wholeItem) {
                assertThat(type)
                        .as("a %s is done right after it is added: %s", itemType, where)
                        .isEqualTo("response.output_item.done");
            }
            if (type.equals("response.output_item.done")) {
                assertThat(openPart).as("a part is still open at " + where).isNull();
                assertThat(event.get("output_index").asInt()).as(where).isEqualTo(openIndex);
                JsonNode item = event.get("item");
                assertThat(item.get("id")).as(where).isEqualTo(openItem.get("id"));
                assertThat(item.get("type")).as(where).isEqualTo(openItem.get("type"));
                assertThat(item.get("status").asText()).as(where).isIn("completed", "incomplete");
                switch (itemType) {
                    case "message" -> {
                        assertThat(item.get("role")).as(where).isEqualTo(openItem.get("role"));
                        assertThat(listOf(item.get("content")))
                                .as("done message content: " + where)
                                .isEqualTo(parts);
                    }
                    case "reasoning" -> {
                        assertThat(listOf(item.get("content")))
                                .as("done reasoning content: " + where)
                                .isEqualTo(parts);
                        assertThat(item.get("summary")).as(where).isEmpty();
                    }
                    case "function_call" -> {
                        assertThat(argumentsDone)
                                .as("function_call_arguments.done before " + where)
                                .isNotNull();
                        assertThat(item.get("arguments").asText()).as(where).isEqualTo(argumentsDone);
                        assertThat(item.get("call_id")).as(where).isEqualTo(openItem.get("call_id"));
                        assertThat(item.get("name")).as(where).isEqualTo(openItem.get("name"));
                        assertThat(item.get("namespace")).as(where).isEqualTo(openItem.get("namespace"));
                    }
                    case "custom_tool_call" -> {
                        assertThat(argumentsDone)
                                .as("custom_tool_call_input.done before " + where)
                                .isNotNull();
                        assertThat(item.get("input").asText()).as(where).isEqualTo(argumentsDone);
                        assertThat(item.get("call_id")).as(where).isEqualTo(openItem.get("call_id"));
                        assertThat(item.get("name")).as(where).isEqualTo(openItem.get("name"));
                        assertThat(item.get("namespace")).as(where).isEqualTo(openItem.get("namespace"));
                    }
                    default -> {
                        assertThat(WHOLE_ITEMS)
                                .as("unexpected item type at " + where)
                                .contains(itemType);
                        ObjectNode added = openItem.deepCopy();
                        ObjectNode finished = item.deepCopy();
                        added.remove("status");
                        finished.remove("status");
                        assertThat(finished)
                                .as("the done item is the added one: " + where)
                                .isEqualTo(added);
                    }
                }
                done.add(item);
                openItem = null;
                continue;
            }
            if (type.startsWith("response.function_call_arguments.")) {
                assertThat(itemType).as(where).isEqualTo("function_call");
                assertThat(event.get("item_id")).as(where).isEqualTo(openItem.get("id"));
                assertThat(event.get("output_index").asInt()).as(where).isEqualTo(openIndex);
                assertThat(argumentsDone)
                        .as("arguments after their done: " + where)
                        .isNull();
                if (type.endsWith(".delta")) {
                    assertThat(event.get("delta").asText())
                            .as("empty arguments delta: " + where)
                            .isNotEmpty();
                    arguments.append(event.get("delta").asText());
                } else {
                    assertThat(type).isEqualTo("response.function_call_arguments.done");
                    argumentsDone = event.get("arguments").asText();
                    assertThat(argumentsDone)
                            .as("arguments.done is the whole arguments: " + where)
                            .isEqualTo(arguments.toString());
                }
                continue;
            }
            if (type.startsWith("response.custom_tool_call_input.")) {
                assertThat(itemType).as(where).isEqualTo("custom_tool_call");
                assertThat(event.get("item_id")).as(where).isEqualTo(openItem.get("id"));
                assertThat(event.get("output_index").asInt()).as(where).isEqualTo(openIndex);
                assertThat(argumentsDone).as("input after its done: " + where).isNull();
                if (type.endsWith(".delta")) {
                    String delta = event.get("delta").asText();
                    assertThat(delta).as("empty input delta: " + where).isNotEmpty();
                    assertThat(Character.isHighSurrogate(delta.charAt(delta.length() - 1)))
                            .as("an input delta ends inside a character: " + where)
                            .isFalse();
                    arguments.append(delta);
                } else {
                    assertThat(type).isEqualTo("response.custom_tool_call_input.done");
                    argumentsDone = event.get("input").asText();
                    assertThat(argumentsDone)
                            .as("input.done is the whole input: " + where)
                            .isEqualTo(arguments.toString());
                }
                continue;
            }
            // Content part events.
            assertThat(itemType)
                    .as("content event in a %s: %s", itemType, where)
                    .isIn("message", "reasoning");
            assertThat(event.get("item_id")).as(where).isEqualTo(openItem.get("id"));
            assertThat(event.get("output_index").asInt()).as(where).isEqualTo(openIndex);
            int contentIndex = event.get("content_index").asInt();
            switch (type) {
                case "response.content_part.added" -> {
                    assertThat(openPart).as("parts interleave at " + where).isNull();
                    assertThat(contentIndex)
                            .as("content_index is the part's position: " + where)
                            .isEqualTo(parts.size());
                    openPart = event.get("part");
                    String partType = openPart.get("type").asText();
                    if (itemType.equals("reasoning")) {
                        assertThat(partType).as(where).isEqualTo("reasoning_text");
                    } else {
                        assertThat(partType).as(where).isIn("output_text", "refusal");
                    }
                    assertThat(partText(openPart))
                            .as("an added part is empty: " + where)
                            .isEmpty();
                    if (partType.equals("output_text")) {
                        assertThat(openPart.get("annotations"))
                                .as("annotations: " + where)
                                .isEmpty();
                        assertThat(openPart.get("annotations").isArray())
                                .as(where)
                                .isTrue();
                    }
                    text = new StringBuilder();
                    textDone = false;
                    audio = null;
                    audioDone = false;
                }
                case "ors:output_audio.delta" -> {
                    checkPartEvent(openPart, contentIndex, parts, "response.output_text.delta", where);
                    assertThat(textDone)
                            .as("audio after the text's done: " + where)
                            .isFalse();
                    assertThat(audioDone).as("audio after its done: " + where).isFalse();
                    assertThat(event.get("delta").asText())
                            .as("empty delta: " + where)
                            .isNotEmpty();
                    audio = audio == null ? new StringBuilder() : audio;
                    audio.append(event.get("delta").asText());
                }
                case "ors:output_audio.done" -> {
                    checkPartEvent(openPart, contentIndex, parts, "response.output_text.done", where);
                    assertThat(textDone)
                            .as("audio done after the text's done: " + where)
                            .isFalse();
                    assertThat(audioDone).as("second audio done: " + where).isFalse();
                    assertThat(audio).as("audio done without audio: " + where).isNotNull();
                    audioDone = true;
                }
                case "response.output_text.delta", "response.refusal.delta", "response.reasoning.delta" -> {
                    checkPartEvent(openPart, contentIndex, parts, type, where);
                    assertThat(textDone).as("delta after done: " + where).isFalse();
                    assertThat(event.get("delta").asText())
                            .as("empty delta: " + where)
                            .isNotEmpty();
                    if (type.equals("response.output_text.delta")) {
                        assertThat(event.get("logprobs"))
                                .as("logprobs on " + where)
                                .isNotNull();
                        assertThat(event.get("logprobs").isArray()).as(where).isTrue();
                    }
                    text.append(event.get("delta").asText());
                }
                case "response.output_text.done", "response.refusal.done", "response.reasoning.done" -> {
                    checkPartEvent(openPart, contentIndex, parts, type, where);
                    assertThat(textDone).as("second done: " + where).isFalse();
                    String whole = event.get(type.equals("response.refusal.done") ? "refusal" : "text")
                            .asText();
                    assertThat(whole)
                            .as("*.done carries the whole text: " + where)
                            .isEqualTo(text.toString());
                    if (type.equals("response.output_text.done")) {
                        assertThat(event.get("logprobs"))
                                .as("logprobs on " + where)
                                .isNotNull();
                        assertThat(event.get("logprobs").isArray()).as(where).isTrue();
                    }
                    textDone = true;
                }
                case "response.content_part.done" -> {
                    assertThat(openPart).as("no open part for " + where).isNotNull();
                    assertThat(contentIndex).as(where).isEqualTo(parts.size());
                    assertThat(textDone)
                            .as("content_part.done before *.done: " + where)
                            .isTrue();
                    JsonNode part = event.get("part");
                    assertThat(part.get("type")).as(where).isEqualTo(openPart.get("type"));
                    assertThat(partText(part))
                            .as("part.done carries the whole text: " + where)
                            .isEqualTo(text.toString());
                    if (audio == null) {
                        assertThat(part.has("ors:output_audio"))
                                .as("audio field without audio events: " + where)
                                .isFalse();
                    } else {
                        assertThat(audioDone)
                                .as("ors:output_audio.done before " + where)
                                .isTrue();
                        assertThat(part.at("/ors:output_audio/data").asText())
                                .as("the part's audio is its deltas: " + where)
                                .isEqualTo(Base64Pieces.whole(audio.toString()));
                    }
                    if (part.get("type").asText().equals("output_text")) {
                        assertThat(part.get("annotations"))
                                .as("annotations: " + where)
                                .isNotNull();
                        assertThat(part.get("annotations").isArray()).as(where).isTrue();
                    }
                    parts.add(part);
                    openPart = null;
                }
                default -> fail("unexpected event " + where);
            }
        }
        return done;
    }

    private static void checkAddedItem(JsonNode item, String where) {
        assertThat(item.get("status").asText())
                .as("added item status: " + where)
                .isEqualTo("in_progress");
        switch (item.get("type").asText()) {
            case "message" -> {
                assertThat(item.get("role").asText()).as(where).isEqualTo("assistant");
                assertThat(item.get("content"))
                        .as("added message content: " + where)
                        .isNotNull();
                assertThat(item.get("content"))
                        .as("added message content: " + where)
                        .isEmpty();
            }
            case "reasoning" -> {
                assertThat(item.get("summary")).as(where).isNotNull();
                assertThat(item.get("summary")).as(where).isEmpty();
                assertThat(item.get("content")).as(where).isNotNull();
                assertThat(item.get("content")).as(where).isEmpty();
            }
            case "function_call" -> {
                assertThat(item.get("arguments")).as("arguments on " + where).isNotNull();
                assertThat(item.get("arguments").asText())
                        .as("added arguments: " + where)
                        .isEmpty();
                assertThat(item.get("name").asText()).as(where).isNotEmpty();
                assertThat(item.get("call_id").asText()).as(where).isNotEmpty();
            }
            case "custom_tool_call" -> {
                assertThat(item.get("input")).as("input on " + where).isNotNull();
                assertThat(item.get("input").asText())
                        .as("added input: " + where)
                        .isEmpty();
                assertThat(item.get("name").asText()).as(where).isNotEmpty();
                assertThat(item.get("call_id").asText()).as(where).isNotEmpty();
            }
            default -> {
                assertThat(WHOLE_ITEMS)
                        .as("unexpected item type at " + where)
                        .contains(item.get("type").asText());
                assertThat(item.get("call_id").asText()).as(where).isNotEmpty();
            }
        }
    }

    private static void checkPartEvent(
            JsonNode openPart, int contentIndex, List<JsonNode> parts, String type, String where) {
        assertThat(openPart).as("no open part for " + where).isNotNull();
        assertThat(contentIndex).as(where).isEqualTo(parts.size());
        String expected = switch (type) {
            case "response.output_text.delta", "response.output_text.done" -> "output_text";
            case "response.refusal.delta", "response.refusal.done" -> "refusal";
            default -> "reasoning_text";
        };
        assertThat(openPart.get("type").asText()).as("part kind of " + where).isEqualTo(expected);
    }

    private static void checkFinalResponse(String terminalType, JsonNode response, List<JsonNode> items) {
        List<JsonNode> output = listOf(response.get("output"));
        assertThat(output)
                .as("final output = the output_item.done items in order")
                .isEqualTo(items);
        for (int i = 0; i < output.size() - 1; i++) {
            assertThat(output.get(i).get("status").asText())
                    .as("only the last item may be incomplete: output[%d]", i)
                    .isEqualTo("completed");
        }
        String lastStatus = output.isEmpty()
                ? null
                : output.get(output.size() - 1).get("status").asText();
        switch (terminalType) {
            case "response.completed" -> {
                assertThat(response.get("status").asText()).isEqualTo("completed");
                assertThat(response.get("completed_at").isIntegralNumber())
                        .as("completed_at")
                        .isTrue();
                assertThat(response.get("incomplete_details").isNull()).isTrue();
                assertThat(response.get("error").isNull()).isTrue();
                assertThat(output).as("a completed response has output").isNotEmpty();
                assertThat(lastStatus).isEqualTo("completed");
            }
            case "response.incomplete" -> {
                assertThat(response.get("status").asText()).isEqualTo("incomplete");
                assertThat(response.get("completed_at").isIntegralNumber())
                        .as("completed_at")
                        .isTrue();
                assertThat(response.get("incomplete_details").get("reason").asText())
                        .isNotEmpty();
                assertThat(response.get("error").isNull()).isTrue();
                assertThat(lastStatus)
                        .as("the last item of an incomplete response")
                        .isEqualTo("incomplete");
            }
            case "response.failed" -> {
                assertThat(response.get("status").asText()).isEqualTo("failed");
                assertThat(response.get("completed_at").isNull())
                        .as("completed_at of a failed response")
                        .isTrue();
                assertThat(response.get("incomplete_details").isNull()).isTrue();
                assertThat(response.get("error").get("code").asText()).isNotEmpty();
                assertThat(response.get("error").get("message").asText()).isNotEmpty();
            }
            default -> fail("not a terminal event: " + terminalType);
        }
    }

    private static String partText(JsonNode part) {
        JsonNode text = part.get(part.get("type").asText().equals("refusal") ? "refusal" : "text");
        assertThat(text).as("text of part " + part).isNotNull();
        return text.asText();
    }

    private static List<JsonNode> listOf(JsonNode array) {
        assertThat(array).isNotNull();
        assertThat(array.isArray()).as("array: " + array).isTrue();
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static String type(JsonNode event) {
        return event.get("type").asText();
    }

    private static boolean isTerminal(String type) {
        return type.equals("response.completed")
                || type.equals("response.incomplete")
                || type.equals("response.failed");
    }
}
