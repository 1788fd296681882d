package dev.orsgateway.transcoder;

import static dev.orsgateway.transcoder.Translation.assertChat;
import static dev.orsgateway.transcoder.Translation.assertRejected;
import static dev.orsgateway.transcoder.Translation.chatJson;
import static dev.orsgateway.transcoder.Translation.fixture;
import static dev.orsgateway.transcoder.Translation.items;
import static dev.orsgateway.transcoder.Translation.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.model.Item;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One test per row of {@code docs/REQUEST-MAPPING.md} (messages, items, content parts, fields), plus the official
 * compliance suite's request shapes and a full tool round trip. Validation rules are in
 * {@link RequestValidationTest}.
 */
class RequestTranslationTest {
    private static final TranscoderOptions DEFAULT = TranscoderOptions.DEFAULT;
    private static final TranscoderOptions REPLAY = DEFAULT.withReplayReasoning(true);

    @Nested
    class MessageOrder {
        @Test
        void instructionsBecomeTheFirstSystemMessage() {
            assertChat("""
                    {"model": "m", "instructions": "Be brief.", "input": "Hi"}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "system", "content": "Be brief."},
                      {"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void instructionsRoleOptionSendsThemAsDeveloper() {
            assertChat(DEFAULT.withRoles("developer", "system"), """
                    {"model": "m", "instructions": "Be brief.", "input": "Hi"}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "developer", "content": "Be brief."},
                      {"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void emptyInstructionsSendNothing() {
            assertChat("""
                    {"model": "m", "instructions": "", "input": "Hi"}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void instructionsFirstThenHistoryThenInput() {
            List<Item> history = items("""
                    [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Old question"}]},
                     {"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
                      "content": [{"type": "output_text", "text": "Old answer", "annotations": []}]}]
                    """);
            assertChat(DEFAULT, """
                    {"model": "m", "previous_response_id": "resp_1", "instructions": "Now.", "input": "New question"}
                    """, history, """
                    {"model": "m", "messages": [
                      {"role": "system", "content": "Now."},
                      {"role": "user", "content": "Old question"},
                      {"role": "assistant", "content": "Old answer"},
                      {"role": "user", "content": "New question"}]}
                    """);
        }

        @Test
        void stringInputIsOneUserMessage() {
            assertChat("""
                    {"model": "m", "input": "Hello"}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hello"}]}
                    """);
        }
    }

    @Nested
    class Items {
        @Test
        void userMessageWithOneTextPartHasStringContent() {
            assertChat("""
                    {"model": "m", "input": [{"type": "message", "role": "user",
                      "content": [{"type": "input_text", "text": "One part"}]}]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "One part"}]}
                    """);
        }

        @Test
        void userMessageWithSeveralTextPartsHasArrayContent() {
            assertChat("""
                    {"model": "m", "input": [{"type": "message", "role": "user",
                      "content": [{"type": "input_text", "text": "One"}, {"type": "input_text", "text": "Two"}]}]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": [
                      {"type": "text", "text": "One"}, {"type": "text", "text": "Two"}]}]}
                    """);
        }

        @Test
        void userMessageWithOnlyANonTextPartHasArrayContent() {
            assertChat("""
                    {"model": "m", "input": [{"type": "message", "role": "user",
                      "content": [{"type": "input_image", "image_url": "https://example.com/cat.png"}]}]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": [
                      {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]}
                    """);
        }

        @Test
        void userMessageWithNoPartsHasEmptyStringContent() {
            assertChat("""
                    {"model": "m", "input": [{"type": "message", "role": "user", "content": []}]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": ""}]}
                    """);
        }

        @Test
        void systemMessageTextPartsAreJoinedWithNewlines() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "system",
                       "content": [{"type": "input_text", "text": "Rule one."}, {"type": "input_text", "text": "Rule two."}]},
                      {"type": "message", "role": "user", "content": "Go"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "system", "content": "Rule one.\\nRule two."},
                      {"role": "user", "content": "Go"}]}
                    """);
        }

        @Test
        void systemMessageWithANonTextPartIsRejected() {
            assertRejected("""
                    {"model": "m", "input": [{"type": "message", "role": "system",
                      "content": [{"type": "input_image", "image_url": "https://example.com/a.png"}]}]}
                    """, "input[0].content[0].type", "unsupported_content_type", "input_image", "system");
        }

        @Test
        void developerMessageBecomesSystemByDefault() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "developer", "content": "Use metric units."},
                      {"type": "message", "role": "user", "content": "How far?"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "system", "content": "Use metric units."},
                      {"role": "user", "content": "How far?"}]}
                    """);
        }

        @Test
        void developerRoleOptionKeepsDeveloper() {
            assertChat(DEFAULT.withRoles("system", "developer"), """
                    {"model": "m", "input": [
                      {"type": "message", "role": "developer",
                       "content": [{"type": "input_text", "text": "A"}, {"type": "input_text", "text": "B"}]},
                      {"type": "message", "role": "user", "content": "How far?"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "developer", "content": "A\\nB"},
                      {"role": "user", "content": "How far?"}]}
                    """);
        }

        @Test
        void developerMessageWithANonTextPartIsRejected() {
            assertRejected("""
                    {"model": "m", "input": [{"type": "message", "role": "developer",
                      "content": [{"type": "input_text", "text": "A"},
                                  {"type": "input_file", "file_data": "data:application/pdf;base64,AAAA"}]}]}
                    """, "input[0].content[1].type", "unsupported_content_type", "input_file", "developer");
        }

        @Test
        void assistantMessageOutputTextIsConcatenatedRefusalSeparateAndPhaseDropped() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Q"},
                      {"type": "message", "role": "assistant", "phase": "final_answer", "content": [
                        {"type": "output_text", "text": "Part one, ", "annotations": []},
                        {"type": "output_text", "text": "part two.", "annotations": []},
                        {"type": "refusal", "refusal": "Not that."}]},
                      {"type": "message", "role": "user", "content": "Q2"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Q"},
                      {"role": "assistant", "content": "Part one, part two.", "refusal": "Not that."},
                      {"role": "user", "content": "Q2"}]}
                    """);
        }

        @Test
        void assistantRefusalOnlyHasNoContent() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Q"},
                      {"type": "message", "role": "assistant", "content": [{"type": "refusal", "refusal": "No."}]},
                      {"type": "message", "role": "user", "content": "Q2"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Q"},
                      {"role": "assistant", "refusal": "No."},
                      {"role": "user", "content": "Q2"}]}
                    """);
        }

        @Test
        void assistantMessageWithAnInputImageIsRejected() {
            assertRejected("""
                    {"model": "m", "input": [{"type": "message", "role": "assistant",
                      "content": [{"type": "input_image", "image_url": "https://example.com/a.png"}]}]}
                    """, "input[0].content[0].type", "unsupported_content_type", "input_image", "assistant");
        }

        @Test
        void consecutiveFunctionCallsBecomeOneAssistantMessage() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Weather in Paris and Oslo?"},
                      {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\\"location\\":\\"Paris\\"}"},
                      {"type": "function_call", "call_id": "call_2", "name": "get_weather", "arguments": "{\\"location\\":\\"Oslo\\"}"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Weather in Paris and Oslo?"},
                      {"role": "assistant", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Paris\\"}"}},
                        {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Oslo\\"}"}}]}]}
                    """);
        }

        @Test
        void functionCallsJoinTheDirectlyPrecedingAssistantMessage() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Weather?"},
                      {"type": "message", "role": "assistant", "content": "Let me check."},
                      {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Weather?"},
                      {"role": "assistant", "content": "Let me check.", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}]}
                    """);
        }

        @Test
        void droppedReasoningBetweenMessageAndCallsDoesNotBreakTheMerge() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Weather?"},
                      {"type": "message", "role": "assistant", "content": "Checking."},
                      {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "Need the tool."}]},
                      {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"},
                      {"type": "reasoning", "summary": []},
                      {"type": "function_call", "call_id": "call_2", "name": "get_time", "arguments": "{}"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Weather?"},
                      {"role": "assistant", "content": "Checking.", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}},
                        {"id": "call_2", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}]}]}
                    """);
        }

        @Test
        void functionCallsAfterAToolMessageStartANewAssistantMessage() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Go"},
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"},
                      {"type": "function_call_output", "call_id": "call_1", "output": "1"},
                      {"type": "function_call", "call_id": "call_2", "name": "b", "arguments": "{}"},
                      {"type": "function_call_output", "call_id": "call_2", "output": "2"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Go"},
                      {"role": "assistant", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "a", "arguments": "{}"}}]},
                      {"role": "tool", "content": "1", "tool_call_id": "call_1"},
                      {"role": "assistant", "tool_calls": [
                        {"id": "call_2", "type": "function", "function": {"name": "b", "arguments": "{}"}}]},
                      {"role": "tool", "content": "2", "tool_call_id": "call_2"}]}
                    """);
        }

        @Test
        void unansweredFunctionCallsPassThrough() {
            // The provider decides what to make of a call with no output; the gateway neither rejects nor crashes.
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Go"},
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"},
                      {"type": "message", "role": "user", "content": "Never mind"},
                      {"type": "function_call", "call_id": "call_2", "name": "b", "arguments": "{}"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Go"},
                      {"role": "assistant", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "a", "arguments": "{}"}}]},
                      {"role": "user", "content": "Never mind"},
                      {"role": "assistant", "tool_calls": [
                        {"id": "call_2", "type": "function", "function": {"name": "b", "arguments": "{}"}}]}]}
                    """);
        }

        @Test
        void functionCallOutputStringIsSentAsIs() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"},
                      {"type": "function_call_output", "call_id": "call_1", "output": "{\\"temp\\": 21}"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "assistant", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "a", "arguments": "{}"}}]},
                      {"role": "tool", "content": "{\\"temp\\": 21}", "tool_call_id": "call_1"}]}
                    """);
        }

        @Test
        void functionCallOutputTextPartsAreJoinedWithNewlines() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"},
                      {"type": "function_call_output", "call_id": "call_1",
                       "output": [{"type": "input_text", "text": "line 1"}, {"type": "input_text", "text": "line 2"}]}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "assistant", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "a", "arguments": "{}"}}]},
                      {"role": "tool", "content": "line 1\\nline 2", "tool_call_id": "call_1"}]}
                    """);
        }

        @Test
        void functionCallOutputImagePartIsRejected() {
            assertRejected(
                    """
                    {"model": "m", "input": [
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"},
                      {"type": "function_call_output", "call_id": "call_1",
                       "output": [{"type": "input_text", "text": "see"}, {"type": "input_image", "image_url": "https://example.com/a.png"}]}]}
                    """, "input[1].output[1].type", "unsupported_content_type", "input_image", "function_call_output");
        }

        @Test
        void functionCallOutputFilePartIsRejected() {
            assertRejected("""
                    {"model": "m", "input": [
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"},
                      {"type": "function_call_output", "call_id": "call_1",
                       "output": [{"type": "input_file", "file_data": "data:application/pdf;base64,AAAA"}]}]}
                    """, "input[1].output[0].type", "unsupported_content_type", "input_file");
        }

        @Test
        void functionCallOutputVideoPartIsRejected() {
            assertRejected("""
                    {"model": "m", "input": [
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"},
                      {"type": "function_call_output", "call_id": "call_1",
                       "output": [{"type": "input_video", "video_url": "https://example.com/v.mp4"}]}]}
                    """, "input[1].output[0].type", "unsupported_content_type", "input_video");
        }

        @Test
        void orphanFunctionCallOutputIsRejectedNamingTheCallId() {
            assertRejected("""
                    {"model": "m", "input": [
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"},
                      {"type": "function_call_output", "call_id": "call_1", "output": "ok"},
                      {"type": "function_call_output", "call_id": "call_9", "output": "?"}]}
                    """, "input[2].call_id", "tool_call_not_found", "'call_9'");
        }

        @Test
        void functionCallOutputAnsweringAHistoryCallIsAccepted() {
            List<Item> history = items("""
                    [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Go"}]},
                     {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "a", "arguments": "{}", "status": "completed"}]
                    """);
            assertChat(DEFAULT, """
                    {"model": "m", "previous_response_id": "resp_1",
                     "input": [{"type": "function_call_output", "call_id": "call_1", "output": "done"}]}
                    """, history, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Go"},
                      {"role": "assistant", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "a", "arguments": "{}"}}]},
                      {"role": "tool", "content": "done", "tool_call_id": "call_1"}]}
                    """);
        }

        @Test
        void outputBeforeItsCallIsAnOrphan() {
            assertRejected("""
                    {"model": "m", "input": [
                      {"type": "function_call_output", "call_id": "call_1", "output": "early"},
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"}]}
                    """, "input[0].call_id", "tool_call_not_found", "'call_1'");
        }

        @Test
        void orphanOutputInTheHistoryNamesPreviousResponseId() {
            List<Item> history = items("""
                    [{"type": "function_call_output", "call_id": "call_x", "output": "lost"}]
                    """);
            assertRejected(
                    DEFAULT, """
                    {"model": "m", "previous_response_id": "resp_1", "input": "Hi"}
                    """, history, "previous_response_id", "tool_call_not_found", "'call_x'", "history[0]");
        }

        @Test
        void reasoningIsDroppedByDefault() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Q"},
                      {"type": "reasoning", "summary": [{"type": "summary_text", "text": "Thought about it."}],
                       "content": [{"type": "reasoning_text", "text": "Hmm."}], "encrypted_content": "gAAA"},
                      {"type": "message", "role": "assistant", "content": "A"},
                      {"type": "message", "role": "user", "content": "Q2"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Q"},
                      {"role": "assistant", "content": "A"},
                      {"role": "user", "content": "Q2"}]}
                    """);
        }

        @Test
        void replayedReasoningGoesToTheFollowingAssistantMessage() {
            assertChat(REPLAY, """
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Q"},
                      {"type": "reasoning", "summary": [{"type": "summary_text", "text": "Summary."}],
                       "content": [{"type": "reasoning_text", "text": "Raw "}, {"type": "reasoning_text", "text": "thoughts."}]},
                      {"type": "message", "role": "assistant", "content": "A"},
                      {"type": "message", "role": "user", "content": "Q2"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Q"},
                      {"role": "assistant", "content": "A", "reasoning_content": "Raw thoughts."},
                      {"role": "user", "content": "Q2"}]}
                    """);
        }

        @Test
        void replayedReasoningFallsBackToTheSummaryAndGoesToFollowingCalls() {
            assertChat(REPLAY, """
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Q"},
                      {"type": "reasoning", "summary": [{"type": "summary_text", "text": "S1"}, {"type": "summary_text", "text": "S2"}]},
                      {"type": "reasoning", "summary": [], "encrypted_content": "opaque"},
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Q"},
                      {"role": "assistant", "reasoning_content": "S1\\nS2", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "a", "arguments": "{}"}}]}]}
                    """);
        }

        @Test
        void replayedReasoningAfterAnAssistantMessageStartsTheNextAssistantMessage() {
            // Chat orders reasoning before content within a message, so reasoning that came after the text goes to
            // the message of the calls it preceded.
            assertChat(REPLAY, """
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "Q"},
                      {"type": "message", "role": "assistant", "content": "Checking."},
                      {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "Use a."}]},
                      {"type": "function_call", "call_id": "call_1", "name": "a", "arguments": "{}"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Q"},
                      {"role": "assistant", "content": "Checking."},
                      {"role": "assistant", "reasoning_content": "Use a.", "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": "a", "arguments": "{}"}}]}]}
                    """);
        }

        @Test
        void replayedReasoningWithNoAssistantMessageAfterItIsDropped() {
            assertChat(REPLAY, """
                    {"model": "m", "input": [
                      {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "Lost."}]},
                      {"type": "message", "role": "user", "content": "Q"},
                      {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "Trailing."}]}]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Q"}]}
                    """);
        }

        @Test
        void itemReferenceLeftUnresolvedIsRejected() {
            assertRejected("""
                    {"model": "m", "input": [{"type": "message", "role": "user", "content": "Q"}, {"id": "msg_123"}]}
                    """, "input[1]", "item_not_found", "'msg_123'");
        }

        @Test
        void compactionIsRejected() {
            assertRejected("""
                    {"model": "m", "input": [{"type": "compaction", "encrypted_content": "opaque"},
                      {"type": "message", "role": "user", "content": "Q"}]}
                    """, "input[0]", "unsupported_item_type", "compaction");
        }

        @Test
        void unknownItemTypeIsRejected() {
            assertRejected("""
                    {"model": "m", "input": [{"type": "message", "role": "user", "content": "Q"},
                      {"type": "web_search_call", "id": "ws_1", "status": "completed"}]}
                    """, "input[1]", "unsupported_item_type", "'web_search_call'");
        }

        @Test
        void unsupportedItemInTheHistoryNamesPreviousResponseId() {
            assertRejected(
                    DEFAULT,
                    """
                    {"model": "m", "previous_response_id": "resp_1", "input": "Hi"}
                    """,
                    items("""
                            [{"type": "acme:search_result", "id": "x_1"}]
                            """),
                    "previous_response_id",
                    "unsupported_item_type",
                    "'acme:search_result'",
                    "history[0]");
        }
    }

    @Nested
    class ContentParts {
        private void assertUserParts(String partsJson, String expectedPartsJson) {
            assertChat(
                    "{\"model\": \"m\", \"input\": [{\"type\": \"message\", \"role\": \"user\", \"content\": "
                            + partsJson + "}]}",
                    "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": " + expectedPartsJson + "}]}");
        }

        @Test
        void inputTextBecomesATextPart() {
            assertUserParts("""
                    [{"type": "input_text", "text": "Look:"}, {"type": "input_image", "image_url": "https://example.com/a.png"}]
                    """, """
                    [{"type": "text", "text": "Look:"}, {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]
                    """);
        }

        @Test
        void inputImageKeepsUrlAndDetail() {
            assertUserParts("""
                    [{"type": "input_image", "image_url": "https://example.com/a.png", "detail": "low"},
                     {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="}]
                    """, """
                    [{"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}},
                     {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]
                    """);
        }

        @Test
        void inputFileWithFileDataBecomesAFilePart() {
            assertUserParts("""
                    [{"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}]
                    """, """
                    [{"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBERi0=", "filename": "a.pdf"}}]
                    """);
        }

        @Test
        void inputFileWithFileIdBecomesAFilePart() {
            assertUserParts("""
                    [{"type": "input_file", "file_id": "file-abc123"}]
                    """, """
                    [{"type": "file", "file": {"file_id": "file-abc123"}}]
                    """);
        }

        @Test
        void inputFileWithFileUrlIsRejected() {
            assertRejected(
                    """
                    {"model": "m", "input": [{"type": "message", "role": "user", "content": [
                      {"type": "input_text", "text": "Summarize"},
                      {"type": "input_file", "file_url": "https://example.com/report.pdf"}]}]}
                    """, "input[0].content[1].file_url", "unsupported_parameter", "https://example.com/report.pdf");
        }

        @Test
        void inputAudioBecomesAnInputAudioPart() {
            assertUserParts("""
                    [{"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]
                    """, """
                    [{"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]
                    """);
        }

        @Test
        void inputVideoIsRejected() {
            assertRejected("""
                    {"model": "m", "input": [{"type": "message", "role": "user", "content": [
                      {"type": "input_video", "video_url": "https://example.com/v.mp4"}]}]}
                    """, "input[0].content[0].type", "unsupported_content_type", "input_video");
        }

        @Test
        void textAndOutputTextPartsCountAsTextInAnyRole() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": [{"type": "text", "text": "plain"}]},
                      {"type": "message", "role": "assistant", "content": [{"type": "input_text", "text": "lenient"}]},
                      {"type": "message", "role": "user", "content": [{"type": "output_text", "text": "also"}]}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "plain"},
                      {"role": "assistant", "content": "lenient"},
                      {"role": "user", "content": "also"}]}
                    """);
        }
    }

    @Nested
    class Fields {
        @Test
        void modelIsMapped() {
            assertChat(DEFAULT.withDefaultModel("fallback"), """
                    {"model": "gpt-4.1-mini", "input": "Hi"}
                    """, """
                    {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void missingModelUsesTheDefaultModel() {
            assertChat(DEFAULT.withDefaultModel("llama3.2"), """
                    {"input": "Hi"}
                    """, """
                    {"model": "llama3.2", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void previousResponseIdAloneReplaysTheHistory() {
            List<Item> history = items("""
                    [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Q"}]},
                     {"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
                      "content": [{"type": "output_text", "text": "A", "annotations": []}]}]
                    """);
            assertChat(DEFAULT, """
                    {"model": "m", "previous_response_id": "resp_1"}
                    """, history, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "Q"},
                      {"role": "assistant", "content": "A"}]}
                    """);
        }

        @Test
        void nullHistoryIsNoHistory() {
            assertThat(chatJson(DEFAULT, "{\"model\": \"m\", \"input\": \"Hi\"}", null))
                    .isEqualTo(tree("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"));
        }

        @Test
        void functionToolsAreMapped() {
            assertChat("""
                    {"model": "m", "input": "Hi", "tools": [
                      {"type": "function", "name": "lookup", "description": "Looks up.",
                       "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}, "strict": true},
                      {"type": "function", "name": "now"}]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "tools": [
                      {"type": "function", "function": {"name": "lookup", "description": "Looks up.",
                       "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}, "strict": true}},
                      {"type": "function", "function": {"name": "now"}}]}
                    """);
        }

        @Test
        void hostedToolTypesAreLeftOutByDefault() {
            assertChat("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "a"}, {"type": "web_search"}]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "tools": [{"type": "function", "function": {"name": "a"}}]}
                    """);
        }

        @Test
        void hostedToolTypesAreRejectedAllAtOnceUnderTheRejectPolicy() {
            TranscoderOptions reject = TranscoderOptions.DEFAULT.withHostedTools(TranscoderOptions.HostedTools.REJECT);
            assertRejected(reject, """
                    {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "a"}, {"type": "web_search"}]}
                    """, List.of(), "tools[1].type", "unsupported_tool_type", "tools[1] (web_search)");
            assertRejected(
                    reject,
                    """
                    {"model": "m", "input": "Hi", "tools": [{"type": "web_search_preview"}, {"type": "function",
                     "name": "a"}, {"type": "mcp", "server_label": "deepwiki"}, {"type": "image_generation"},
                     {"type": "tool_search"}]}
                    """,
                    List.of(),
                    "tools",
                    "unsupported_tool_type",
                    "tools[0] (web_search_preview)",
                    "tools[2] (mcp 'deepwiki')",
                    "tools[3] (image_generation)",
                    "tools[4] (tool_search (server execution))");
        }

        @Test
        void toolChoiceModesAreMappedAsStrings() {
            for (String mode : List.of("none", "auto", "required")) {
                assertChat(
                        "{\"model\": \"m\", \"input\": \"Hi\", \"tools\": [{\"type\": \"function\", \"name\": \"a\"}],"
                                + " \"tool_choice\": \"" + mode + "\"}",
                        "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}],"
                                + " \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a\"}}],"
                                + " \"tool_choice\": \"" + mode + "\"}");
            }
        }

        @Test
        void toolChoiceWithoutToolsIsNotSent() {
            assertChat("""
                    {"model": "m", "input": "Hi", "tool_choice": "auto", "parallel_tool_calls": false}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void toolChoiceRequiredWithoutToolsIsRejected() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "tool_choice": "required"}
                    """, "tool_choice", "invalid_value", "'required'");
        }

        @Test
        void toolChoiceFunctionIsMapped() {
            assertChat("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "a"}, {"type": "function", "name": "b"}],
                     "tool_choice": {"type": "function", "name": "b"}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "tools": [{"type": "function", "function": {"name": "a"}}, {"type": "function", "function": {"name": "b"}}],
                     "tool_choice": {"type": "function", "function": {"name": "b"}}}
                    """);
        }

        @Test
        void toolChoiceFunctionNotInToolsIsRejected() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "a"}],
                     "tool_choice": {"type": "function", "name": "zzz"}}
                    """, "tool_choice.name", "invalid_value", "'zzz'");
        }

        @Test
        void allowedToolsSendsOnlyTheSubsetWithItsMode() {
            assertChat("""
                    {"model": "m", "input": "Hi", "parallel_tool_calls": false,
                     "tools": [{"type": "function", "name": "a"}, {"type": "function", "name": "b"}, {"type": "function", "name": "c"}],
                     "tool_choice": {"type": "allowed_tools", "mode": "required",
                                     "tools": [{"type": "function", "name": "c"}, {"type": "function", "name": "a"}]}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "tools": [{"type": "function", "function": {"name": "a"}}, {"type": "function", "function": {"name": "c"}}],
                     "tool_choice": "required", "parallel_tool_calls": false}
                    """);
        }

        @Test
        void allowedToolsWithoutModeMeansAuto() {
            assertChat("""
                    {"model": "m", "input": "Hi",
                     "tools": [{"type": "function", "name": "a"}, {"type": "function", "name": "b"}],
                     "tool_choice": {"type": "allowed_tools", "tools": [{"type": "function", "name": "b"}]}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "tools": [{"type": "function", "function": {"name": "b"}}], "tool_choice": "auto"}
                    """);
        }

        @Test
        void allowedToolsNamingAnUnknownToolIsRejected() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "a"}],
                     "tool_choice": {"type": "allowed_tools", "mode": "auto",
                                     "tools": [{"type": "function", "name": "a"}, {"type": "function", "name": "ghost"}]}}
                    """, "tool_choice.tools[1].name", "invalid_value", "'ghost'");
        }

        @Test
        void allowedToolsWithAnEmptyListIsRejected() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "a"}],
                     "tool_choice": {"type": "allowed_tools", "mode": "auto", "tools": []}}
                    """, "tool_choice.tools", "invalid_value", "at least one");
        }

        @Test
        void parallelToolCallsIsMappedWithTools() {
            assertChat("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "a"}], "parallel_tool_calls": true}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "tools": [{"type": "function", "function": {"name": "a"}}], "parallel_tool_calls": true}
                    """);
        }

        @Test
        void parallelToolCallsWithoutToolsIsNotSent() {
            assertChat("""
                    {"model": "m", "input": "Hi", "tools": [], "parallel_tool_calls": true}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void maxToolCallsIsEnforcedNotSent() {
            assertChat("""
                    {"model": "m", "input": "Hi", "tools": [{"type": "function", "name": "a"}], "max_tool_calls": 1}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "tools": [{"type": "function", "function": {"name": "a"}}]}
                    """);
        }

        @Test
        void textFormatTextSendsNothing() {
            assertChat("""
                    {"model": "m", "input": "Hi", "text": {"format": {"type": "text"}}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void textFormatJsonSchemaBecomesResponseFormat() {
            assertChat("""
                    {"model": "m", "input": "Hi", "text": {"format": {"type": "json_schema", "name": "answer",
                      "description": "The answer.", "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
                      "strict": true}}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "description": "The answer.",
                       "schema": {"type": "object", "properties": {"a": {"type": "string"}}}, "strict": true}}}
                    """);
        }

        @Test
        void textFormatJsonSchemaWithoutOptionalFields() {
            assertChat("""
                    {"model": "m", "input": "Hi", "text": {"format": {"type": "json_schema", "name": "answer",
                      "schema": {"type": "object"}}}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}],
                     "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}}}}
                    """);
        }

        @Test
        void textFormatJsonObjectBecomesResponseFormat() {
            assertChat("""
                    {"model": "m", "input": "Reply in JSON", "text": {"format": {"type": "json_object"}}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Reply in JSON"}],
                     "response_format": {"type": "json_object"}}
                    """);
        }

        @Test
        void textFormatOfAnUnknownTypeIsRejected() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "text": {"format": {"type": "grammar", "grammar": "root ::= x"}}}
                    """, "text.format.type", "unsupported_value", "'grammar'");
        }

        @Test
        void textVerbosityIsMapped() {
            assertChat("""
                    {"model": "m", "input": "Hi", "text": {"verbosity": "low"}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "verbosity": "low"}
                    """);
        }

        @Test
        void reasoningEffortIsPassedThroughAndSummaryIgnored() {
            assertChat("""
                    {"model": "m", "input": "Hi", "reasoning": {"effort": "minimal", "summary": "detailed"}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "reasoning_effort": "minimal"}
                    """);
        }

        @Test
        void reasoningSummaryAloneSendsNothing() {
            assertChat("""
                    {"model": "m", "input": "Hi", "reasoning": {"summary": "auto"}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void maxOutputTokensBecomesMaxCompletionTokens() {
            assertChat("""
                    {"model": "m", "input": "Hi", "max_output_tokens": 256}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "max_completion_tokens": 256}
                    """);
        }

        @Test
        void maxTokensFieldOptionSendsMaxTokens() {
            assertChat(DEFAULT.withMaxTokensField("max_tokens"), """
                    {"model": "m", "input": "Hi", "max_output_tokens": 16}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 16}
                    """);
        }

        @Test
        void samplingParametersAreMappedWhenSet() {
            assertChat("""
                    {"model": "m", "input": "Hi", "temperature": 0.7, "top_p": 0.9, "presence_penalty": -0.5,
                     "frequency_penalty": 1.5}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "temperature": 0.7, "top_p": 0.9,
                     "presence_penalty": -0.5, "frequency_penalty": 1.5}
                    """);
        }

        @Test
        void integerSamplingValuesAreSentAsNumbers() {
            JsonNode chat = chatJson(
                    DEFAULT, "{\"model\": \"m\", \"input\": \"Hi\", \"temperature\": 1, \"top_p\": 0}", List.of());
            assertThat(chat.get("temperature").doubleValue()).isEqualTo(1.0);
            assertThat(chat.get("top_p").doubleValue()).isEqualTo(0.0);
        }

        @Test
        void topLogprobsAboveZeroTurnsOnLogprobs() {
            assertChat("""
                    {"model": "m", "input": "Hi", "top_logprobs": 5}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "logprobs": true, "top_logprobs": 5}
                    """);
        }

        @Test
        void topLogprobsZeroSendsNothing() {
            assertChat("""
                    {"model": "m", "input": "Hi", "top_logprobs": 0}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void includeOutputTextLogprobsTurnsOnLogprobs() {
            assertChat("""
                    {"model": "m", "input": "Hi", "include": ["message.output_text.logprobs"]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "logprobs": true}
                    """);
        }

        @Test
        void includeLogprobsWithTopLogprobs() {
            assertChat("""
                    {"model": "m", "input": "Hi", "include": ["message.output_text.logprobs"], "top_logprobs": 3}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "logprobs": true, "top_logprobs": 3}
                    """);
        }

        @Test
        void includeEncryptedReasoningIsIgnored() {
            assertChat("""
                    {"model": "m", "input": "Hi", "include": ["reasoning.encrypted_content"]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void includeValuesThatAskForDataAChatUpstreamLacksAreAcceptedAndIgnored() {
            assertChat("""
                    {"model": "m", "input": "Hi", "include": ["reasoning.encrypted_content", "file_search_call.results",
                     "web_search_call.action.sources", "a.future.value"]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void streamingAsksForUsage() {
            assertChat("""
                    {"model": "m", "input": "Hi", "stream": true, "stream_options": {"include_obfuscation": false}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "stream": true,
                     "stream_options": {"include_usage": true}}
                    """);
        }

        @Test
        void nonStreamingSendsNoStreamKey() {
            String expected = """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """;
            assertChat("{\"model\": \"m\", \"input\": \"Hi\", \"stream\": false}", expected);
            assertChat("{\"model\": \"m\", \"input\": \"Hi\"}", expected);
            assertChat(
                    "{\"model\": \"m\", \"input\": \"Hi\", \"stream_options\": {\"include_obfuscation\": true}}",
                    expected);
        }

        @Test
        void gatewayFieldsAreNeverSentUpstream() {
            assertChat("""
                    {"model": "m", "input": "Hi", "store": true, "metadata": {"team": "search", "run": "42"},
                     "background": false, "truncation": "auto", "include": ["reasoning.encrypted_content"],
                     "max_tool_calls": 3}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
            assertChat("""
                    {"model": "m", "input": "Hi", "store": false, "truncation": "disabled"}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void backgroundTrueIsRejected() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "background": true}
                    """, "background", "unsupported_parameter", "background");
        }

        @Test
        void serviceTierIsMapped() {
            assertChat("""
                    {"model": "m", "input": "Hi", "service_tier": "flex"}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "service_tier": "flex"}
                    """);
        }

        @Test
        void identifiersAreMapped() {
            assertChat("""
                    {"model": "m", "input": "Hi", "safety_identifier": "u_7f3a", "prompt_cache_key": "faq-v2",
                     "user": "legacy-user"}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "user": "legacy-user",
                     "safety_identifier": "u_7f3a", "prompt_cache_key": "faq-v2"}
                    """);
        }

        @Test
        void conversationIsRejected() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "conversation": "conv_123"}
                    """, "conversation", "unsupported_parameter", "conversation");
        }

        @Test
        void promptIsRejected() {
            assertRejected("""
                    {"model": "m", "input": "Hi", "prompt": {"id": "pmpt_123", "version": "2"}}
                    """, "prompt", "unsupported_parameter", "prompt");
        }

        @Test
        void nullConversationAndPromptAreAbsent() {
            assertChat("""
                    {"model": "m", "input": "Hi", "conversation": null, "prompt": null}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }

        @Test
        void otherUnknownFieldsAreIgnored() {
            assertChat("""
                    {"model": "m", "input": "Hi", "seed": 7, "n": 2, "top_k": 40, "acme_option": {"x": 1}}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
                    """);
        }
    }

    /** The request shapes of the official Open Responses compliance suite. */
    @Nested
    class ComplianceShapes {
        @Test
        void basicUserMessageWithStringContent() {
            assertChat("""
                    {"model": "m", "input": [{"type": "message", "role": "user", "content": "Say hello in exactly 3 words."}],
                     "stream": false}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Say hello in exactly 3 words."}]}
                    """);
        }

        @Test
        void streamingUserMessage() {
            assertChat("""
                    {"model": "m", "input": [{"type": "message", "role": "user", "content": "Count from 1 to 5."}],
                     "stream": true}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": "Count from 1 to 5."}],
                     "stream": true, "stream_options": {"include_usage": true}}
                    """);
        }

        @Test
        void assistantPhasesThenUser() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "What is 2+2?"},
                      {"type": "message", "role": "assistant", "phase": "commentary", "content": "Let me think."},
                      {"type": "message", "role": "assistant", "phase": "final_answer", "content": "4"},
                      {"type": "message", "role": "user", "content": "And 3+3?"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "What is 2+2?"},
                      {"role": "assistant", "content": "Let me think."},
                      {"role": "assistant", "content": "4"},
                      {"role": "user", "content": "And 3+3?"}]}
                    """);
        }

        @Test
        void systemThenUser() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "system", "content": "You are a pirate. Always respond in pirate speak."},
                      {"type": "message", "role": "user", "content": "Say hello."}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "system", "content": "You are a pirate. Always respond in pirate speak."},
                      {"role": "user", "content": "Say hello."}]}
                    """);
        }

        @Test
        void getWeatherTool() {
            assertChat("""
                    {"model": "m",
                     "input": [{"type": "message", "role": "user", "content": "What's the weather like in San Francisco?"}],
                     "tools": [{"type": "function", "name": "get_weather", "description": "Get the current weather for a location",
                       "parameters": {"type": "object", "properties": {"location": {"type": "string",
                         "description": "The city and state, e.g. San Francisco, CA"}}, "required": ["location"]}}]}
                    """, """
                    {"model": "m",
                     "messages": [{"role": "user", "content": "What's the weather like in San Francisco?"}],
                     "tools": [{"type": "function", "function": {"name": "get_weather",
                       "description": "Get the current weather for a location",
                       "parameters": {"type": "object", "properties": {"location": {"type": "string",
                         "description": "The city and state, e.g. San Francisco, CA"}}, "required": ["location"]}}}]}
                    """);
        }

        @Test
        void textAndBase64ImageWithoutDetail() {
            assertChat("""
                    {"model": "m", "input": [{"type": "message", "role": "user", "content": [
                      {"type": "input_text", "text": "What do you see in this image? Answer in one sentence."},
                      {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="}]}]}
                    """, """
                    {"model": "m", "messages": [{"role": "user", "content": [
                      {"type": "text", "text": "What do you see in this image? Answer in one sentence."},
                      {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="}}]}]}
                    """);
        }

        @Test
        void multiTurnWithStringContent() {
            assertChat("""
                    {"model": "m", "input": [
                      {"type": "message", "role": "user", "content": "My name is Alice."},
                      {"type": "message", "role": "assistant", "content": "Hello Alice! Nice to meet you. How can I help you today?"},
                      {"type": "message", "role": "user", "content": "What is my name?"}]}
                    """, """
                    {"model": "m", "messages": [
                      {"role": "user", "content": "My name is Alice."},
                      {"role": "assistant", "content": "Hello Alice! Nice to meet you. How can I help you today?"},
                      {"role": "user", "content": "What is my name?"}]}
                    """);
        }
    }

    /** user → (reasoning, assistant message, two function calls) → two outputs → user. */
    @Nested
    class ToolRoundTrip {
        @Test
        void allInInput() {
            assertChat(
                    DEFAULT, fixture("tool-round-trip/request.json"), List.of(), fixture("tool-round-trip/chat.json"));
        }

        @Test
        void allInInputWithReasoningReplayed() {
            assertChat(
                    REPLAY,
                    fixture("tool-round-trip/request.json"),
                    List.of(),
                    fixture("tool-round-trip/chat-replay-reasoning.json"));
        }

        @Test
        void firstTurnReplayedFromPreviousResponseId() {
            assertChat(
                    DEFAULT,
                    fixture("tool-round-trip/continuation.json"),
                    items(fixture("tool-round-trip/history.json")),
                    fixture("tool-round-trip/chat.json"));
        }

        @Test
        void firstTurnReplayedFromPreviousResponseIdWithReasoningReplayed() {
            assertChat(
                    REPLAY,
                    fixture("tool-round-trip/continuation.json"),
                    items(fixture("tool-round-trip/history.json")),
                    fixture("tool-round-trip/chat-replay-reasoning.json"));
        }
    }
}
