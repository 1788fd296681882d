package dev.orsgateway.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.orsgateway.core.json.OrsJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatCompletionRequestTest {

    private static final JsonNode SCHEMA =
            ChatFixtures.parse("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");

    private static ChatCompletionRequest fullRequest() {
        return ChatCompletionRequest.builder()
                .model("gpt-4.1")
                .addMessage(ChatMessage.developer("Be brief."))
                .addMessage(ChatMessage.user(
                        ChatContentPart.text("What is this?"), ChatContentPart.imageUrl("https://example.com/a.png")))
                .addMessage(ChatMessage.assistant(List.of(ChatToolCall.function("call_1", "lookup", "{}"))))
                .addMessage(ChatMessage.tool("call_1", "a cat"))
                .addTool(ChatTool.function("lookup", "Looks things up.", SCHEMA))
                .toolChoice(ChatToolChoice.function("lookup"))
                .parallelToolCalls(true)
                .responseFormat(ResponseFormat.jsonSchema("answer", SCHEMA, true))
                .stream(true)
                .streamOptions(new ChatCompletionRequest.StreamOptions(true))
                .temperature(0.2)
                .topP(0.9)
                .presencePenalty(0.0)
                .frequencyPenalty(0.5)
                .maxTokens(100)
                .maxCompletionTokens(200)
                .n(1)
                .stop("END")
                .seed(7L)
                .logprobs(true)
                .topLogprobs(2)
                .user("u-1")
                .safetyIdentifier("sid-1")
                .promptCacheKey("pck")
                .reasoningEffort("minimal")
                .serviceTier("flex")
                .putMetadata("k", "v")
                .store(true)
                .logitBias(Map.of("42", 5))
                .modalities(List.of("text"))
                .audio(new ChatCompletionRequest.AudioOptions("alloy", "mp3"))
                .verbosity("low")
                .putExtra("top_k", IntNode.valueOf(40))
                .putExtra("chat_template_kwargs", Map.of("enable_thinking", false))
                .build();
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void fullRequestHasExactlyTheSnakeCaseKeysInOrder() {
        JsonNode json = OrsJson.tree(fullRequest());
        assertThat(keys(json))
                .containsExactly(
                        "model",
                        "messages",
                        "tools",
                        "tool_choice",
                        "parallel_tool_calls",
                        "response_format",
                        "stream",
                        "stream_options",
                        "temperature",
                        "top_p",
                        "presence_penalty",
                        "frequency_penalty",
                        "max_tokens",
                        "max_completion_tokens",
                        "n",
                        "stop",
                        "seed",
                        "logprobs",
                        "top_logprobs",
                        "user",
                        "safety_identifier",
                        "prompt_cache_key",
                        "reasoning_effort",
                        "service_tier",
                        "metadata",
                        "store",
                        "logit_bias",
                        "modalities",
                        "audio",
                        "verbosity",
                        "top_k",
                        "chat_template_kwargs");
        assertThat(keys(json.get("stream_options"))).containsExactly("include_usage");
        assertThat(json.get("stop").isArray()).isTrue();
        assertThat(json.get("audio").toString()).isEqualTo("{\"voice\":\"alloy\",\"format\":\"mp3\"}");
        assertThat(json.get("chat_template_kwargs").toString()).isEqualTo("{\"enable_thinking\":false}");
    }

    @Test
    void nestedObjectsAreWrittenExactly() {
        JsonNode json = OrsJson.tree(fullRequest());
        assertThat(json.get("messages").toString())
                .isEqualTo("[{\"role\":\"developer\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]},"
                        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"lookup\",\"arguments\":\"{}\"}}]},"
                        + "{\"role\":\"tool\",\"content\":\"a cat\",\"tool_call_id\":\"call_1\"}]");
        assertThat(json.get("tools").toString())
                .isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"lookup\","
                        + "\"description\":\"Looks things up.\",\"parameters\":" + SCHEMA + "}}]");
        assertThat(json.get("tool_choice").toString())
                .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}");
        assertThat(json.get("response_format").toString())
                .isEqualTo("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"schema\":" + SCHEMA
                        + ",\"strict\":true}}");
    }

    @Test
    void minimalRequestOmitsEveryNull() {
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model("llama3.2")
                .addMessage(ChatMessage.user("hi"))
                .build();
        assertThat(OrsJson.write(request))
                .isEqualTo("{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(request.isStreaming()).isFalse();
        assertThat(request.extra()).isEmpty();
    }

    @Test
    void toBuilderCopiesEverythingAndLeavesTheOriginalAlone() {
        ChatCompletionRequest original = fullRequest();
        assertThat(original.toBuilder().build()).isEqualTo(original);

        ChatCompletionRequest changed = original.toBuilder()
                .model("other")
                .addMessage(ChatMessage.user("more"))
                .putMetadata("k2", "v2")
                .putExtra("top_k", (JsonNode) null)
                .stream(null)
                .build();
        assertThat(changed.model()).isEqualTo("other");
        assertThat(changed.messages()).hasSize(original.messages().size() + 1);
        assertThat(changed.metadata()).containsOnlyKeys("k", "k2");
        assertThat(changed.extra()).containsOnlyKeys("chat_template_kwargs");
        assertThat(changed.isStreaming()).isFalse();
        assertThat(original.messages()).hasSize(4);
        assertThat(original.metadata()).containsOnlyKeys("k");
        assertThat(original.extra()).containsOnlyKeys("top_k", "chat_template_kwargs");
    }

    @Test
    void collectionsAreUnmodifiable() {
        ChatCompletionRequest request = fullRequest();
        List<ChatMessage> messages = request.messages();
        Map<String, JsonNode> extra = request.extra();
        assertThatThrownBy(() -> messages.add(ChatMessage.user("x"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> extra.put("x", IntNode.valueOf(1))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void contentFormIsPreserved() throws Exception {
        String json = "{\"model\":\"m\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"plain\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"plain\"}]},"
                + "{\"role\":\"user\",\"content\":[]}]}";
        ChatCompletionRequest request = OrsJson.read(json, ChatCompletionRequest.class);
        ChatMessage.UserMessage string =
                (ChatMessage.UserMessage) request.messages().get(0);
        ChatMessage.UserMessage array =
                (ChatMessage.UserMessage) request.messages().get(1);
        ChatMessage.UserMessage empty =
                (ChatMessage.UserMessage) request.messages().get(2);
        assertThat(string.content()).isInstanceOf(ChatContent.Text.class);
        assertThat(array.content()).isInstanceOf(ChatContent.Parts.class);
        assertThat(string.content().asText()).isEqualTo(array.content().asText());
        assertThat(empty.content()).isEqualTo(ChatContent.of(List.of()));
        assertThat(OrsJson.write(request)).isEqualTo(json);
    }

    @Test
    void toolChoiceStringsStayStrings() throws Exception {
        for (String mode : List.of("none", "auto", "required", "any")) {
            String json = "{\"model\":\"m\",\"tool_choice\":\"" + mode + "\"}";
            ChatCompletionRequest request = OrsJson.read(json, ChatCompletionRequest.class);
            assertThat(request.toolChoice()).isEqualTo(ChatToolChoice.mode(mode));
            assertThat(OrsJson.write(request)).isEqualTo(json);
        }
        assertThat(ChatToolChoice.mode("auto")).isSameAs(ChatToolChoice.AUTO);
    }

    @Test
    void toolChoiceObjectsAreTyped() throws Exception {
        ChatCompletionRequest allowed =
                OrsJson.read(ChatFixtures.text("requests/openai-allowed-tools.json"), ChatCompletionRequest.class);
        ChatToolChoice.AllowedTools choice = (ChatToolChoice.AllowedTools) allowed.toolChoice();
        assertThat(choice.allowedTools().mode()).isEqualTo("required");
        assertThat(choice.allowedTools().tools())
                .containsExactly(
                        new ChatTool.FunctionTool(new ChatTool.FunctionDefinition("book_table", null, null, null)));
        assertThat(allowed.reasoningEffort()).isEqualTo("minimal");
        assertThat(allowed.responseFormat()).isEqualTo(ResponseFormat.text());

        ChatCompletionRequest custom =
                OrsJson.read(ChatFixtures.text("requests/openrouter-extras.json"), ChatCompletionRequest.class);
        assertThat(custom.toolChoice()).isInstanceOf(ChatToolChoice.CustomChoice.class);
        assertThat(((ChatToolChoice.CustomChoice) custom.toolChoice()).custom().name())
                .isEqualTo("code_exec");
        assertThat(custom.extra()).containsOnlyKeys("reasoning", "provider", "transforms", "usage");

        ChatCompletionRequest full =
                OrsJson.read(ChatFixtures.text("requests/openai-full.json"), ChatCompletionRequest.class);
        assertThat(((ChatToolChoice.FunctionChoice) full.toolChoice()).name()).isEqualTo("get_weather");
        assertThat(OrsJson.write(ChatToolChoice.allowedTools("auto", List.of(ChatTool.function("f", null, null)))))
                .isEqualTo("{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"auto\","
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}}");
    }

    @Test
    void fullFixtureIsTyped() throws Exception {
        ChatCompletionRequest request =
                OrsJson.read(ChatFixtures.text("requests/openai-full.json"), ChatCompletionRequest.class);
        assertThat(request.messages())
                .extracting(ChatMessage::role)
                .containsExactly("developer", "system", "user", "assistant", "tool", "assistant", "function", "user");
        ChatMessage.UserMessage user =
                (ChatMessage.UserMessage) request.messages().get(2);
        List<ChatContentPart> parts = ((ChatContent.Parts) user.content()).parts();
        assertThat(parts)
                .extracting(ChatContentPart::type)
                .containsExactly("text", "image_url", "input_audio", "file", "file");
        assertThat(((ChatContentPart.ImageUrlPart) parts.get(1)).imageUrl().detail())
                .isEqualTo("high");
        assertThat(((ChatContentPart.InputAudioPart) parts.get(2)).inputAudio().format())
                .isEqualTo("wav");
        assertThat(((ChatContentPart.FilePart) parts.get(3)).file().filename()).isEqualTo("itinerary.pdf");
        assertThat(((ChatContentPart.FilePart) parts.get(4)).file().fileId()).isEqualTo("file-6F2ksmvXxt4VdoqmHRw6kL");
        assertThat(user.name()).isEqualTo("alice");

        ChatMessage.AssistantMessage withParts =
                (ChatMessage.AssistantMessage) request.messages().get(5);
        assertThat(((ChatContent.Parts) withParts.content()).parts().get(1))
                .isEqualTo(new ChatContentPart.RefusalPart("I can't identify the people in the photo."));
        assertThat(withParts.audio().id()).isEqualTo("audio_6844f7b0f8e48191b8f3d6c2a5b4e3d2");
        assertThat(((ChatMessage.ToolMessage) request.messages().get(4)).toolCallId())
                .isEqualTo("call_Vb3kQ8mT1xLr0nPz5sYw2cHd");
        assertThat(((ChatMessage.FunctionMessage) request.messages().get(6)).name())
                .isEqualTo("legacy_lookup");

        assertThat(request.tools().get(0)).isInstanceOf(ChatTool.FunctionTool.class);
        assertThat(((ChatTool.FunctionTool) request.tools().get(0)).function().strict())
                .isTrue();
        assertThat(request.tools().get(1)).isInstanceOf(ChatTool.Unknown.class);
        assertThat(request.tools().get(1).type()).isEqualTo("custom");

        ResponseFormat.JsonSchema format = (ResponseFormat.JsonSchema) request.responseFormat();
        assertThat(format.jsonSchema().name()).isEqualTo("forecast");
        assertThat(format.jsonSchema().schema().get("required").get(0).textValue())
                .isEqualTo("summary");
        assertThat(request.streamOptions().includeUsage()).isTrue();
        assertThat(request.streamOptions().includeObfuscation()).isFalse();
        assertThat(request.stop()).containsExactly("\n\nUser:");
        assertThat(request.seed()).isEqualTo(42L);
        assertThat(request.logitBias()).containsEntry("50256", -100);
        assertThat(request.audio().voice().textValue()).isEqualTo("alloy");
        assertThat(request.extra()).containsOnlyKeys("prediction", "web_search_options");
        assertThat(request.isStreaming()).isTrue();
    }

    @Test
    void singleStopStringIsReadAsOneElementList() throws Exception {
        ChatCompletionRequest request = OrsJson.read("{\"model\":\"m\",\"stop\":\"###\"}", ChatCompletionRequest.class);
        assertThat(request.stop()).containsExactly("###");
        assertThat(OrsJson.write(request)).isEqualTo("{\"model\":\"m\",\"stop\":[\"###\"]}");
    }

    @Test
    void integralSamplingValuesAreAccepted() throws Exception {
        ChatCompletionRequest request =
                OrsJson.read("{\"model\":\"m\",\"temperature\":1,\"top_p\":1,\"seed\":1}", ChatCompletionRequest.class);
        assertThat(request.temperature()).isEqualTo(1.0);
        assertThat(request.topP()).isEqualTo(1.0);
    }
}
