package dev.orsgateway.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.json.OrsJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the typed model exposes for each provider's recorded shape. */
class ChatProviderQuirksTest {

    private static ChatChunk chunk(String fixture) throws Exception {
        return OrsJson.read(ChatFixtures.text(fixture), ChatChunk.class);
    }

    private static ChatCompletion completion(String fixture) throws Exception {
        return OrsJson.read(ChatFixtures.text(fixture), ChatCompletion.class);
    }

    @Test
    void openAiStreamAssemblesToolCallAndEndsWithUsageOnlyChunk() throws Exception {
        List<ChatChunk> chunks = new ArrayList<>();
        for (String line : ChatFixtures.sseData("streams/openai-tool-call.sse")) {
            chunks.add(OrsJson.read(line, ChatChunk.class));
        }
        assertThat(chunks).hasSize(9);

        ChatToolCallDelta first =
                chunks.get(0).choices().get(0).delta().toolCalls().get(0);
        assertThat(first.index()).isZero();
        assertThat(first.id()).isEqualTo("call_8Jq2vT5nXw0LrK4bYcP1sDgH");
        assertThat(first.type()).isEqualTo("function");
        assertThat(first.function().name()).isEqualTo("get_weather");
        assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo("assistant");
        assertThat(chunks.get(0).choices().get(0).delta().content()).isNull();
        assertThat(chunks.get(0).usage()).isNull();
        assertThat(chunks.get(0).extra()).containsKey("obfuscation");

        StringBuilder arguments = new StringBuilder();
        for (ChatChunk chunk : chunks) {
            for (ChunkChoice choice : chunk.choices()) {
                if (choice.delta().toolCalls() != null) {
                    arguments.append(
                            choice.delta().toolCalls().get(0).function().arguments());
                }
            }
        }
        assertThat(arguments).hasToString("{\"location\":\"Paris, France\"}");

        assertThat(chunks.get(7).choices().get(0).finishReason()).isEqualTo("tool_calls");
        assertThat(chunks.get(7).choices().get(0).delta())
                .isEqualTo(new ChatDelta(null, null, null, null, null, null, null, null));

        ChatChunk last = chunks.get(8);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().totalTokens()).isEqualTo(100);
        assertThat(last.usage().completionTokensDetails().rejectedPredictionTokens())
                .isZero();
        assertThat(last.findUsage()).contains(last.usage());
    }

    @Test
    void usageOnlyChunkHasEmptyChoicesAndCachedTokens() throws Exception {
        ChatChunk chunk = chunk("chunks/openai-usage-only.json");
        assertThat(chunk.choices()).isEmpty();
        assertThat(chunk.usage().cachedTokens()).isEqualTo(1024);
        assertThat(chunk.usage().reasoningTokens()).isZero();
        assertThat(chunk.serviceTier()).isEqualTo("default");
    }

    @Test
    void deepSeekReasoningContentIsTheReasoningText() throws Exception {
        ChatDelta delta =
                chunk("chunks/deepseek-reasoning-content.json").choices().get(0).delta();
        assertThat(delta.content()).isNull();
        assertThat(delta.reasoningContent()).startsWith("Okay, the user");
        assertThat(delta.reasoning()).isNull();
        assertThat(delta.reasoningText()).isEqualTo(delta.reasoningContent());
    }

    @Test
    void deepSeekCacheCountersStayInUsageExtra() throws Exception {
        ChatChunk chunk = chunk("chunks/deepseek-final-usage.json");
        assertThat(chunk.choices().get(0).delta().reasoningText()).isNull();
        assertThat(chunk.choices().get(0).delta().content()).isEmpty();
        assertThat(chunk.usage().reasoningTokens()).isEqualTo(356);
        assertThat(chunk.usage().extra()).containsKeys("prompt_cache_hit_tokens", "prompt_cache_miss_tokens");
        assertThat(chunk.usage().extra().get("prompt_cache_miss_tokens").intValue())
                .isEqualTo(21);
    }

    @Test
    void vllmAndOllamaReasoningFieldIsTheReasoningText() throws Exception {
        ChunkChoice vllm = chunk("chunks/vllm-reasoning.json").choices().get(0);
        assertThat(vllm.delta().reasoningContent()).isNull();
        assertThat(vllm.delta().reasoningText()).isEqualTo(" First, convert 72 degrees Fahrenheit to Celsius.");
        assertThat(vllm.extra()).containsKey("stop_reason");

        ChatDelta ollama = chunk("chunks/ollama-content.json").choices().get(0).delta();
        assertThat(ollama.content()).isEmpty();
        assertThat(ollama.reasoningText()).startsWith("The user wants a haiku");
    }

    @Test
    void ollamaToolCallWithoutIndexIsReadWithNullIndex() throws Exception {
        ChatChunk chunk = chunk("chunks/ollama-tool-call-no-index.json");
        ChatToolCallDelta call = chunk.choices().get(0).delta().toolCalls().get(0);
        assertThat(call.index()).isNull();
        assertThat(call.id()).isEqualTo("call_o2mrh5qz");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Toronto\",\"unit\":\"celsius\"}");
        assertThat(chunk.choices().get(0).logprobs()).isNull();
        assertThat(OrsJson.tree(call).has("index")).isFalse();
    }

    @Test
    void ollamaArgumentsSentAsAnObjectAreReadAsItsJsonText() throws Exception {
        ChatChunk chunk = chunk("normalized/ollama-object-arguments.json");
        ChatToolCallDelta call = chunk.choices().get(0).delta().toolCalls().get(0);
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Toronto\",\"unit\":\"celsius\"}");
        // The stream's reader takes the same path: the chunk equals the mapper's.
        byte[] json =
                ChatFixtures.text("normalized/ollama-object-arguments.json").getBytes(StandardCharsets.UTF_8);
        assertThat(new ChatChunkReader().read(json, 0, json.length)).isEqualTo(chunk);
    }

    @Test
    void argumentsAsAnObjectInAWholeCompletionAreReadAsItsJsonTextToo() throws Exception {
        ChatCompletion completion = OrsJson.read(
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{"
                        + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{"
                        + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                        + "\"arguments\":{\"a\":[1,2]}}}]},\"finish_reason\":\"tool_calls\"}]}",
                ChatCompletion.class);
        assertThat(OrsJson.tree(completion)
                        .at("/choices/0/message/tool_calls/0/function/arguments")
                        .asText())
                .isEqualTo("{\"a\":[1,2]}");
    }

    @Test
    void moonshotUsageInsideTheChoiceIsFound() throws Exception {
        ChatChunk chunk = chunk("chunks/moonshot-usage-in-choice.json");
        assertThat(chunk.usage()).isNull();
        ChatUsage usage = chunk.findUsage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(19);
        assertThat(usage.completionTokens()).isEqualTo(13);
        assertThat(usage.totalTokens()).isEqualTo(32);
    }

    @Test
    void groqUsageIsFoundInXGroq() throws Exception {
        ChatChunk chunk = chunk("chunks/groq-x-groq-usage.json");
        assertThat(chunk.usage()).isNull();
        assertThat(chunk.extra()).containsKey("x_groq");
        ChatUsage usage = chunk.findUsage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(44);
        assertThat(usage.completionTokens()).isEqualTo(27);
        assertThat(usage.totalTokens()).isEqualTo(71);
        assertThat(usage.extra()).containsKeys("queue_time", "total_time");
    }

    @Test
    void chunkWithoutAnyUsageFindsNone() throws Exception {
        assertThat(chunk("chunks/vllm-reasoning.json").findUsage()).isEmpty();
        assertThat(chunk("chunks/vllm-reasoning.json").findError()).isEmpty();
    }

    @Test
    void openRouterReasoningDetailsStayInDeltaExtra() throws Exception {
        ChatChunk chunk = chunk("chunks/openrouter-reasoning.json");
        ChatDelta delta = chunk.choices().get(0).delta();
        assertThat(delta.reasoningText()).isEqualTo("I should check the units first.");
        assertThat(delta.extra().get("reasoning_details").get(0).get("type").textValue())
                .isEqualTo("reasoning.text");
        assertThat(chunk.extra().get("provider").textValue()).isEqualTo("Anthropic");
    }

    @Test
    void openRouterMidStreamErrorIsFound() throws Exception {
        ChatChunk chunk = chunk("chunks/openrouter-midstream-error.json");
        assertThat(chunk.choices().get(0).finishReason()).isEqualTo("error");
        ChatError error = chunk.findError().orElseThrow();
        assertThat(error.message()).isEqualTo("Provider returned error");
        assertThat(error.codeText()).isEqualTo("502");
        assertThat(error.extra()).containsKey("metadata");
    }

    @Test
    void completionWithToolCallsHasNullContentAndTypedCalls() throws Exception {
        ChatCompletion completion = completion("completions/openai-tool-calls.json");
        CompletionChoice choice = completion.choices().get(0);
        ChatMessage.AssistantMessage message = choice.message();
        assertThat(message.role()).isEqualTo("assistant");
        assertThat(message.content()).isNull();
        assertThat(message.refusal()).isNull();
        assertThat(message.toolCalls())
                .containsExactly(
                        ChatToolCall.function(
                                "call_Vb3kQ8mT1xLr0nPz5sYw2cHd", "get_weather", "{\"location\":\"Paris, France\"}"),
                        ChatToolCall.function(
                                "call_Rt6pN2wZ9cKm4vXq1bLy8sFj", "get_weather", "{\"location\":\"Bogotá, Colombia\"}"));
        assertThat(message.extra()).containsOnlyKeys("annotations");
        assertThat(choice.finishReason()).isEqualTo("tool_calls");
        assertThat(completion.usage().totalTokens()).isEqualTo(133);
        assertThat(completion.findUsage()).contains(completion.usage());
        assertThat(completion.object()).isEqualTo(ChatCompletion.OBJECT);
    }

    @Test
    void deepSeekCompletionExposesReasoningContent() throws Exception {
        ChatMessage.AssistantMessage message = completion("completions/deepseek-reasoning.json")
                .choices()
                .get(0)
                .message();
        assertThat(message.content()).isEqualTo(ChatContent.of("9.11 is smaller than 9.8."));
        assertThat(message.reasoningText()).isEqualTo("Compare the decimal parts: 0.11 versus 0.80.");
    }

    @Test
    void openRouterUsageCostStaysInExtra() throws Exception {
        ChatCompletion completion = completion("completions/openrouter-numeric-usage-extras.json");
        assertThat(completion.usage().extra()).containsKeys("cost", "is_byok", "cost_details");
        assertThat(completion.usage().completionTokensDetails().extra()).containsKey("image_tokens");
        assertThat(completion
                        .choices()
                        .get(0)
                        .extra()
                        .get("native_finish_reason")
                        .textValue())
                .isEqualTo("STOP");
        assertThat(completion.choices().get(0).message().reasoningText()).isNull();
    }
}
