package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatFunctionCall;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatToolCall;
import dev.orsgateway.core.chat.ChatToolCallDelta;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.chat.CompletionChoice;
import dev.orsgateway.core.internal.ThinkTags;
import dev.orsgateway.core.internal.ThinkTags.Mode;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.testing.UpstreamFixtures;
import dev.orsgateway.core.testing.flow.Publishers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ThinkTags} in front of the real transcoder: reasoning written as {@code <think>…</think>} in the text becomes
 * the same reasoning item, and the same response, as the provider's {@code reasoning_content} would have.
 */
class ThinkTagsTranscodeTest {

    private static final String QWEN_TEXT =
            "<think>\nThe user greets me; 2 < 3 holds.\n</think>\n\nHello! How can I help?";

    @Test
    void aLeadingThinkBlockBecomesAReasoningItemAtEverySplitPoint() throws Exception {
        CreateResponseRequest request = Fixtures.simpleRequest();
        Response expected = Fixtures.finalResponse(Fixtures.run(
                request,
                List.of(
                        chunk(new ChatDelta(
                                "assistant", null, null, null, null, "The user greets me; 2 < 3 holds.\n", null, null)),
                        chunk(ChatDelta.ofContent("Hello! How can I help?"))),
                null));
        assertThat(expected.output()).extracting(Item::type).containsExactly("reasoning", "message");

        for (int i = 0; i <= QWEN_TEXT.length(); i++) {
            List<ChatChunk> chunks = List.of(
                    chunk(new ChatDelta("assistant", QWEN_TEXT.substring(0, i), null, null, null, null, null, null)),
                    chunk(ChatDelta.ofContent(QWEN_TEXT.substring(i))));

            List<ResponseEvent> events = transcode(request, chunks, Mode.LEADING);

            assertThat(StreamInvariants.check(events)).as("split at %d", i).isEqualTo(expected);
        }
    }

    @Test
    void aPrefilledBlockBeforeAToolCallLeavesNoEmptyMessage() throws Exception {
        // DeepSeek-R1 distills: the template opened the block, the model closes it and calls a tool.
        CreateResponseRequest request = Fixtures.request("text-then-tool-call");
        ChatToolCallDelta call = new ChatToolCallDelta(
                0, "call_7", "function", new ChatFunctionCall("get_weather", "{\"location\":\"Paris\"}"));
        List<ChatChunk> chunks = List.of(
                chunk(new ChatDelta("assistant", "I need the", null, null, null, null, null, null)),
                chunk(ChatDelta.ofContent(" weather.\n</th")),
                chunk(ChatDelta.ofContent("ink>\n\n")),
                chunk(new ChatDelta(null, null, null, List.of(call), null, null, null, null)),
                new ChatChunk(
                        "c",
                        1L,
                        "m",
                        List.of(new ChunkChoice(
                                0, new ChatDelta(null, null, null, null, null, null, null, null), "tool_calls")),
                        null));

        List<ResponseEvent> events = transcode(request, chunks, Mode.PREFILLED);

        Response response = StreamInvariants.check(events);
        assertThat(response.output()).extracting(Item::type).containsExactly("reasoning", "function_call");
        assertThat(Fixtures.tree(response.output().get(0)).at("/content/0/text").asText())
                .isEqualTo("I need the weather.\n");
        assertThat(((Item.FunctionCall) response.output().get(1)).arguments()).isEqualTo("{\"location\":\"Paris\"}");
    }

    @Test
    void aCompletionGivesTheResponseItsStreamWouldEndWith() throws Exception {
        CreateResponseRequest request = Fixtures.simpleRequest();
        ChatMessage.AssistantMessage message = new ChatMessage.AssistantMessage(
                ChatContent.of(QWEN_TEXT), null, null, (List<ChatToolCall>) null, null, null, null, null, null);
        ChatCompletion completion = new ChatCompletion(
                "c", 1L, "m", List.of(new CompletionChoice(0, message, "stop")), new ChatUsage(5, 9, 14));
        List<ChatChunk> chunks = new ArrayList<>();
        for (int i = 0; i < QWEN_TEXT.length(); i += 3) {
            chunks.add(chunk(ChatDelta.ofContent(QWEN_TEXT.substring(i, Math.min(i + 3, QWEN_TEXT.length())))));
        }
        chunks.add(new ChatChunk(
                "c",
                1L,
                "m",
                List.of(new ChunkChoice(0, new ChatDelta(null, null, null, null, null, null, null, null), "stop")),
                null));
        chunks.add(new ChatChunk("c", 1L, "m", List.of(), new ChatUsage(5, 9, 14)));

        Response streamed = StreamInvariants.check(transcode(request, chunks, Mode.LEADING));
        Response whole = Fixtures.chatTranscoder()
                .toResponse(request, Fixtures.initial(request), ThinkTags.extract(completion, Mode.LEADING));

        assertThat(whole).isEqualTo(streamed);
        assertThat(whole.output()).extracting(Item::type).containsExactly("reasoning", "message");
    }

    @Test
    void recordedStreamsOfThinkingModelsBecomeReasoningAndAnswer() throws Exception {
        // LM Studio passes Qwen3's <think> block through as content (lmstudio-bug-tracker#723).
        Response qwen = StreamInvariants.check(transcode(
                Fixtures.simpleRequest(),
                UpstreamFixtures.expectedChunks(UpstreamFixtures.text("lmstudio/think-in-content.sse")),
                Mode.LEADING));
        assertThat(qwen.output()).extracting(Item::type).containsExactly("reasoning", "message");
        assertThat(Fixtures.tree(qwen.output().get(0)).at("/content/0/text").asText())
                .isEqualTo("The user wants the date.\n");
        assertThat(((Item.Message) qwen.output().get(1)).text()).isEqualTo("It is Monday.");

        // A DeepSeek-R1 distill's template pre-fills <think>: vLLM without a reasoning parser sends only </think>
        // (deepseek-ai/DeepSeek-R1#352).
        Response r1 = StreamInvariants.check(transcode(
                Fixtures.simpleRequest(),
                UpstreamFixtures.expectedChunks(UpstreamFixtures.text("vllm/deepseek-r1-closing-tag-only.sse")),
                Mode.PREFILLED));
        assertThat(r1.output()).extracting(Item::type).containsExactly("reasoning", "message");
        assertThat(Fixtures.tree(r1.output().get(0)).at("/content/0/text").asText())
                .isEqualTo("Okay, 9.11 versus 9.8: 0.11 < 0.80.\n");
        assertThat(((Item.Message) r1.output().get(1)).text()).isEqualTo("9.8 is larger.");
    }

    private static List<ResponseEvent> transcode(CreateResponseRequest request, List<ChatChunk> chunks, Mode mode)
            throws Exception {
        return Publishers.collect(Fixtures.chatTranscoder()
                        .transcode(
                                request,
                                Fixtures.initial(request),
                                ThinkTags.extract(Publishers.fromIterable(chunks), mode)))
                .get(5, TimeUnit.SECONDS);
    }

    private static ChatChunk chunk(ChatDelta delta) {
        return new ChatChunk("c", 1L, "m", List.of(new ChunkChoice(0, delta, null)), null);
    }
}
