package dev.orsgateway.transcoder;

import static dev.orsgateway.transcoder.Translation.assertRejected;
import static dev.orsgateway.transcoder.Translation.chatJson;
import static dev.orsgateway.transcoder.Translation.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.orsgateway.core.OrsException;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The validation rules: each invalid request is rejected with a 400 naming the param, a code and the offending
 * value, before anything would be sent; each boundary value is accepted.
 */
class RequestValidationTest {

    private static String x(int n) {
        return "x".repeat(n);
    }

    /** A request with {@code fields} (JSON members, no braces) added to a minimal valid one. */
    private static String with(String fields) {
        return "{\"model\": \"m\", \"input\": \"Hi\", " + fields + "}";
    }

    private static String metadata(int keys, int keyLength, int valueLength) {
        StringJoiner json = new StringJoiner(", ", "\"metadata\": {", "}");
        for (int i = 0; i < keys; i++) {
            // keys of keyLength digits: 00, 01, ...
            json.add("\"" + String.format("%0" + keyLength + "d", i) + "\": \"" + x(valueLength) + "\"");
        }
        return json.toString();
    }

    private static String tools(String... names) {
        StringJoiner json = new StringJoiner(", ", "\"tools\": [", "]");
        for (String name : names) {
            json.add("{\"type\": \"function\", \"name\": \"" + name + "\"}");
        }
        return json.toString();
    }

    private static String callAndOutput(String callId) {
        return "{\"model\": \"m\", \"input\": [{\"type\": \"function_call\", \"call_id\": \"" + callId
                + "\", \"name\": \"a\", \"arguments\": \"{}\"}, {\"type\": \"function_call_output\", \"call_id\": \""
                + callId + "\", \"output\": \"ok\"}]}";
    }

    private static String userParts(String parts) {
        return "{\"model\": \"m\", \"input\": [{\"type\": \"message\", \"role\": \"user\", \"content\": " + parts
                + "}]}";
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                // model and input
                Arguments.of("{\"input\": \"Hi\"}", "model", "missing_required_parameter", new String[] {"model"}),
                Arguments.of(
                        "{\"model\": \"\", \"input\": \"Hi\"}", "model", "missing_required_parameter", new String[] {
                            "model"
                        }),
                Arguments.of("{\"model\": \"m\"}", "input", "missing_required_parameter", new String[] {"input"}),
                Arguments.of("{\"model\": \"m\", \"input\": []}", "input", "missing_required_parameter", new String[] {
                    "input"
                }),
                Arguments.of(
                        "{\"model\": \"m\", \"input\": [{\"type\": \"reasoning\", \"summary\": []}]}",
                        "input",
                        "missing_required_parameter",
                        new String[] {"nothing to send"}),
                // sampling ranges
                Arguments.of(with("\"temperature\": -0.1"), "temperature", "decimal_below_min_value", new String[] {
                    "-0.1", "between 0 and 2"
                }),
                Arguments.of(with("\"temperature\": 2.5"), "temperature", "decimal_above_max_value", new String[] {
                    "2.5", "between 0 and 2"
                }),
                Arguments.of(with("\"top_p\": -0.5"), "top_p", "decimal_below_min_value", new String[] {"-0.5"}),
                Arguments.of(with("\"top_p\": 1.01"), "top_p", "decimal_above_max_value", new String[] {
                    "1.01", "between 0 and 1"
                }),
                Arguments.of(
                        with("\"presence_penalty\": -2.5"),
                        "presence_penalty",
                        "decimal_below_min_value",
                        new String[] {"-2.5", "between -2 and 2"}),
                Arguments.of(
                        with("\"presence_penalty\": 2.1"), "presence_penalty", "decimal_above_max_value", new String[] {
                            "2.1"
                        }),
                Arguments.of(
                        with("\"frequency_penalty\": -3"),
                        "frequency_penalty",
                        "decimal_below_min_value",
                        new String[] {"-3"}),
                Arguments.of(
                        with("\"frequency_penalty\": 2.0001"),
                        "frequency_penalty",
                        "decimal_above_max_value",
                        new String[] {"2.0001"}),
                Arguments.of(with("\"top_logprobs\": -1"), "top_logprobs", "integer_below_min_value", new String[] {
                    "-1", "between 0 and 20"
                }),
                Arguments.of(
                        with("\"top_logprobs\": 21"), "top_logprobs", "integer_above_max_value", new String[] {"21"}),
                // token and call budgets
                Arguments.of(
                        with("\"max_output_tokens\": 15"),
                        "max_output_tokens",
                        "integer_below_min_value",
                        new String[] {"15", "at least 16"}),
                Arguments.of(with("\"max_tool_calls\": 0"), "max_tool_calls", "integer_below_min_value", new String[] {
                    "0", "at least 1"
                }),
                // metadata
                Arguments.of(
                        with(metadata(17, 2, 1)), "metadata", "object_above_max_properties", new String[] {"17", "16"}),
                Arguments.of(
                        with(metadata(1, 65, 1)), "metadata", "string_above_max_length", new String[] {"65", "00000000"
                        }),
                Arguments.of(
                        with("\"metadata\": {\"note\": \"" + x(513) + "\"}"),
                        "metadata.note",
                        "string_above_max_length",
                        new String[] {"513", "512"}),
                // identifiers
                Arguments.of(
                        with("\"safety_identifier\": \"" + x(65) + "\""),
                        "safety_identifier",
                        "string_above_max_length",
                        new String[] {"65", "xxxxx"}),
                Arguments.of(
                        with("\"prompt_cache_key\": \"" + x(65) + "\""),
                        "prompt_cache_key",
                        "string_above_max_length",
                        new String[] {"65"}),
                // gateway-enforced fields
                Arguments.of(with("\"truncation\": \"sometimes\""), "truncation", "invalid_value", new String[] {
                    "'sometimes'"
                }),
                // tools
                Arguments.of(
                        with(tools("get weather")), "tools[0].name", "invalid_value", new String[] {"'get weather'"}),
                Arguments.of(with(tools("a", "")), "tools[1].name", "invalid_value", new String[] {"''"}),
                Arguments.of(with(tools(x(65))), "tools[0].name", "invalid_value", new String[] {x(65)}),
                Arguments.of(
                        with(tools("wetter_für_ort")), "tools[0].name", "invalid_value", new String[] {"wetter_für_ort"
                        }),
                Arguments.of(
                        with("\"tools\": [{\"type\": \"function\", \"description\": \"no name\"}]"),
                        "tools[0].name",
                        "missing_required_parameter",
                        new String[] {"tools[0].name"}),
                Arguments.of(
                        with(tools("a", "b", "a")), "tools[2].name", "invalid_value", new String[] {"Duplicate", "'a'"
                        }),
                // text format
                Arguments.of(
                        with("\"text\": {\"format\": {\"type\": \"json_schema\", \"schema\": {\"type\": \"object\"}}}"),
                        "text.format.name",
                        "missing_required_parameter",
                        new String[] {"text.format.name"}),
                Arguments.of(
                        with("\"text\": {\"format\": {\"type\": \"json_schema\", \"name\": \"my answer\","
                                + " \"schema\": {\"type\": \"object\"}}}"),
                        "text.format.name",
                        "invalid_value",
                        new String[] {"'my answer'"}),
                // call ids and function call items
                Arguments.of(callAndOutput(""), "input[0].call_id", "string_below_min_length", new String[] {"empty"}),
                Arguments.of(
                        callAndOutput(x(65)), "input[0].call_id", "string_above_max_length", new String[] {"65", x(65)
                        }),
                Arguments.of(
                        "{\"model\": \"m\", \"input\": [{\"type\": \"function_call\", \"name\": \"a\", \"arguments\": \"{}\"}]}",
                        "input[0].call_id",
                        "missing_required_parameter",
                        new String[] {"call_id"}),
                Arguments.of(
                        "{\"model\": \"m\", \"input\": [{\"type\": \"function_call_output\", \"call_id\": \"" + x(65)
                                + "\", \"output\": \"ok\"}]}",
                        "input[0].call_id",
                        "string_above_max_length",
                        new String[] {"65"}),
                Arguments.of(
                        "{\"model\": \"m\", \"input\": [{\"type\": \"function_call_output\", \"output\": \"ok\"}]}",
                        "input[0].call_id",
                        "missing_required_parameter",
                        new String[] {"call_id"}),
                Arguments.of(
                        "{\"model\": \"m\", \"input\": [{\"type\": \"function_call\", \"call_id\": \"c\", \"arguments\": \"{}\"}]}",
                        "input[0].name",
                        "missing_required_parameter",
                        new String[] {"name"}),
                Arguments.of(
                        "{\"model\": \"m\", \"input\": [{\"type\": \"function_call\", \"call_id\": \"c\", \"name\": \"a\"}]}",
                        "input[0].arguments",
                        "missing_required_parameter",
                        new String[] {"arguments"}),
                Arguments.of(
                        "{\"model\": \"m\", \"input\": [{\"type\": \"function_call\", \"call_id\": \"c\", \"name\": \"a\","
                                + " \"arguments\": \"{}\"}, {\"type\": \"function_call_output\", \"call_id\": \"c\"}]}",
                        "input[1].output",
                        "missing_required_parameter",
                        new String[] {"output"}),
                // messages and content parts
                Arguments.of(
                        "{\"model\": \"m\", \"input\": [{\"type\": \"message\", \"content\": \"Hi\"}]}",
                        "input[0].role",
                        "missing_required_parameter",
                        new String[] {"role"}),
                Arguments.of(
                        userParts("[{\"type\": \"input_text\"}]"),
                        "input[0].content[0].text",
                        "missing_required_parameter",
                        new String[] {"input_text"}),
                Arguments.of(
                        userParts("[{\"type\": \"input_image\", \"detail\": \"high\"}]"),
                        "input[0].content[0].image_url",
                        "missing_required_parameter",
                        new String[] {"image_url"}),
                Arguments.of(
                        userParts("[{\"type\": \"input_image\", \"file_id\": \"file-img1\"}]"),
                        "input[0].content[0].file_id",
                        "unsupported_parameter",
                        new String[] {"'file-img1'"}),
                Arguments.of(
                        userParts("[{\"type\": \"input_file\", \"filename\": \"a.pdf\"}]"),
                        "input[0].content[0].file_data",
                        "missing_required_parameter",
                        new String[] {"file_data or file_id"}),
                Arguments.of(
                        userParts("[{\"type\": \"input_audio\", \"input_audio\": {\"format\": \"wav\"}}]"),
                        "input[0].content[0].input_audio.data",
                        "missing_required_parameter",
                        new String[] {"input_audio"}),
                Arguments.of(
                        userParts("[{\"type\": \"summary_text\", \"text\": \"s\"}]"),
                        "input[0].content[0].type",
                        "unsupported_content_type",
                        new String[] {"'summary_text'"}),
                Arguments.of(
                        userParts("[{\"type\": \"acme_hologram\", \"uri\": \"h://x\"}]"),
                        "input[0].content[0].type",
                        "unsupported_content_type",
                        new String[] {"'acme_hologram'"}),
                Arguments.of(
                        "{\"model\": \"m\", \"input\": [{\"type\": \"message\", \"role\": \"assistant\","
                                + " \"content\": [{\"type\": \"refusal\"}]}]}",
                        "input[0].content[0].refusal",
                        "missing_required_parameter",
                        new String[] {"refusal"}));
    }

    @ParameterizedTest(name = "[{index}] {1} {2}")
    @MethodSource("rejected")
    void invalidRequestsAreRejected(String request, String param, String code, String[] mentions) {
        assertRejected(request, param, code, mentions);
    }

    static Stream<String> accepted() {
        return Stream.of(
                with("\"temperature\": 0, \"top_p\": 0, \"presence_penalty\": -2, \"frequency_penalty\": -2"),
                with("\"temperature\": 2, \"top_p\": 1, \"presence_penalty\": 2, \"frequency_penalty\": 2"),
                with("\"top_logprobs\": 0"),
                with("\"top_logprobs\": 20"),
                with("\"max_output_tokens\": 16"),
                with("\"max_tool_calls\": 1"),
                with(metadata(16, 64, 512)),
                with("\"metadata\": {}"),
                with("\"safety_identifier\": \"" + x(64) + "\", \"prompt_cache_key\": \"" + x(64) + "\""),
                with("\"safety_identifier\": \"" + "é".repeat(64) + "\""),
                with(tools(x(64), "A-b_9", "z")),
                callAndOutput(x(64)),
                callAndOutput("c"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("accepted")
    void boundaryValuesAreAccepted(String request) {
        assertThatCode(() -> chatJson(TranscoderOptions.DEFAULT, request, List.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void replayedHistoryIsNotHeldToTheInputRules() {
        // A provider's call id may be longer than the spec allows clients; the gateway replays what it stored.
        String longId = x(80);
        assertThat(chatJson(
                                TranscoderOptions.DEFAULT,
                                "{\"model\": \"m\", \"previous_response_id\": \"resp_1\", \"input\": \"Next\"}",
                                items("[{\"type\": \"function_call\", \"call_id\": \"" + longId
                                        + "\", \"name\": \"a\", \"arguments\": \"{}\"},"
                                        + " {\"type\": \"function_call_output\", \"call_id\": \"" + longId
                                        + "\", \"output\": \"ok\"}]"))
                        .get("messages"))
                .hasSize(3);
    }

    @Test
    void validationCoversTheWholeRequestBeforeAnythingIsBuilt() {
        // The last input item is invalid although everything before it translates: nothing is returned.
        String request = """
                {"model": "m", "tools": [{"type": "function", "name": "a"}], "temperature": 1,
                 "input": [{"type": "message", "role": "user", "content": "Hi"},
                           {"type": "function_call", "call_id": "c", "name": "a", "arguments": "{}"},
                           {"type": "function_call_output", "call_id": "c", "output": "ok"},
                           {"type": "message", "role": "user", "content": [{"type": "input_video", "video_url": "v.mp4"}]}]}
                """;
        OrsException e = Translation.rejection(TranscoderOptions.DEFAULT, request, List.of());
        assertThat(e.error().param()).isEqualTo("input[3].content[0].type");
    }
}
