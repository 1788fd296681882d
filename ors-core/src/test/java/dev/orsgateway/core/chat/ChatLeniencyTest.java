package dev.orsgateway.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Providers omit optional fields, add their own, and invent new types; none of that may fail a read. */
class ChatLeniencyTest {

    @Test
    void chunkWithOnlyChoicesIsRead() throws Exception {
        ChatChunk chunk = OrsJson.read("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}", ChatChunk.class);
        assertThat(chunk.id()).isNull();
        assertThat(chunk.created()).isNull();
        assertThat(chunk.usage()).isNull();
        assertThat(chunk.extra()).isEmpty();
        ChunkChoice choice = chunk.choices().get(0);
        assertThat(choice.index()).isNull();
        assertThat(choice.finishReason()).isNull();
        assertThat(choice.delta()).isEqualTo(ChatDelta.ofContent("x"));
        assertThat(choice.delta().reasoningText()).isNull();
        assertThat(OrsJson.write(chunk)).isEqualTo("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}");
    }

    @Test
    void emptyObjectsAreRead() throws Exception {
        assertThat(OrsJson.read("{}", ChatChunk.class).choices()).isNull();
        assertThat(OrsJson.read("{}", ChatCompletion.class).choices()).isNull();
        assertThat(OrsJson.read("{}", ChatUsage.class)).isEqualTo(new ChatUsage(null, null, null));
        assertThat(OrsJson.read("{}", ChatCompletionRequest.class))
                .isEqualTo(ChatCompletionRequest.builder().build());
        assertThat(OrsJson.write(ChatCompletionRequest.builder().build())).isEqualTo("{}");
    }

    @Test
    void unknownPartTypeBecomesUnknownAndRoundTrips() throws Exception {
        String json = "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},"
                + "{\"type\":\"video_url\",\"video_url\":{\"url\":\"https://example.com/v.mp4\"},\"fps\":2},"
                + "{\"text\":\"no type\"}]}";
        ChatMessage message = OrsJson.read(json, ChatMessage.class);
        List<ChatContentPart> parts = ((ChatContent.Parts) ((ChatMessage.UserMessage) message).content()).parts();
        assertThat(parts.get(1)).isInstanceOf(ChatContentPart.Unknown.class);
        assertThat(parts.get(1).type()).isEqualTo("video_url");
        assertThat(parts.get(1).extra()).containsOnlyKeys("video_url", "fps");
        assertThat(parts.get(2)).isInstanceOf(ChatContentPart.Unknown.class);
        assertThat(parts.get(2).type()).isNull();
        assertThat(OrsJson.tree(message)).isEqualTo(ChatFixtures.parse(json));
    }

    @Test
    void unknownFieldsOnKnownPartsSurviveWithTypeWrittenOnce() throws Exception {
        String json = "[{\"type\":\"text\",\"text\":\"a\",\"cache_control\":{\"type\":\"ephemeral\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\",\"detail\":\"low\",\"x\":1}}]";
        List<ChatContentPart> parts = OrsJson.mapper().readValue(json, new TypeReference<List<ChatContentPart>>() {});
        assertThat(parts.get(0).extra()).containsOnlyKeys("cache_control");
        assertThat(((ChatContentPart.ImageUrlPart) parts.get(1)).imageUrl().extra())
                .containsOnlyKeys("x");
        assertThat(OrsJson.write(parts)).isEqualTo(json);
    }

    @Test
    void unknownNullValuedFieldIsKept() throws Exception {
        ChatDelta delta = OrsJson.read("{\"content\":\"x\",\"audio\":null}", ChatDelta.class);
        assertThat(delta.extra()).containsKey("audio");
        assertThat(delta.extra().get("audio").isNull()).isTrue();
        assertThat(OrsJson.write(delta)).isEqualTo("{\"content\":\"x\",\"audio\":null}");
    }

    @Test
    void unknownRoleBecomesUnknownMessageAndRoundTrips() throws Exception {
        String json = "{\"role\":\"ipython\",\"content\":\"42\",\"x\":[1]}";
        ChatMessage message = OrsJson.read(json, ChatMessage.class);
        assertThat(message).isInstanceOf(ChatMessage.Unknown.class);
        assertThat(message.role()).isEqualTo("ipython");
        assertThat(message.extra()).containsOnlyKeys("content", "x");
        assertThat(OrsJson.tree(message)).isEqualTo(ChatFixtures.parse(json));
    }

    @Test
    void roleIsWrittenOnceAndFirst() throws Exception {
        ChatMessage message = OrsJson.read("{\"content\":\"hi\",\"role\":\"system\"}", ChatMessage.class);
        assertThat(message).isEqualTo(ChatMessage.system("hi"));
        assertThat(message.extra()).isEmpty();
        assertThat(OrsJson.write(message)).isEqualTo("{\"role\":\"system\",\"content\":\"hi\"}");
    }

    @Test
    void completionMessageWithoutRoleIsStillAnAssistantMessage() throws Exception {
        ChatCompletion completion = OrsJson.read(
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}",
                ChatCompletion.class);
        ChatMessage.AssistantMessage message = completion.choices().get(0).message();
        assertThat(message.content()).isEqualTo(ChatContent.of("ok"));
        assertThat(OrsJson.write(message)).isEqualTo("{\"role\":\"assistant\",\"content\":\"ok\"}");
    }

    @Test
    void nullContentIsAbsentAndArrayContentOfAssistantIsKept() throws Exception {
        ChatMessage.AssistantMessage nullContent = (ChatMessage.AssistantMessage)
                OrsJson.read("{\"role\":\"assistant\",\"content\":null}", ChatMessage.class);
        assertThat(nullContent.content()).isNull();
        assertThat(OrsJson.write(nullContent)).isEqualTo("{\"role\":\"assistant\"}");

        ChatMessage.AssistantMessage absent =
                (ChatMessage.AssistantMessage) OrsJson.read("{\"role\":\"assistant\"}", ChatMessage.class);
        assertThat(absent).isEqualTo(nullContent);
    }

    @Test
    void nonStringNonArrayContentIsRejected() {
        assertThatThrownBy(() -> OrsJson.read("{\"role\":\"user\",\"content\":42}", ChatMessage.class))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> OrsJson.read("{\"role\":\"user\",\"content\":{\"text\":\"x\"}}", ChatMessage.class))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void bothReasoningNamesAreReadableAndPreferNonEmpty() throws Exception {
        ChatDelta both = OrsJson.read("{\"reasoning_content\":\"\",\"reasoning\":\"r\"}", ChatDelta.class);
        assertThat(both.reasoningText()).isEqualTo("r");
        ChatDelta same = OrsJson.read("{\"reasoning_content\":\"a\",\"reasoning\":\"a\"}", ChatDelta.class);
        assertThat(same.reasoningText()).isEqualTo("a");
        assertThat(OrsJson.write(same)).isEqualTo("{\"reasoning_content\":\"a\",\"reasoning\":\"a\"}");
        ChatMessage.AssistantMessage message = (ChatMessage.AssistantMessage)
                OrsJson.read("{\"role\":\"assistant\",\"reasoning\":\"why\"}", ChatMessage.class);
        assertThat(message.reasoningText()).isEqualTo("why");
    }

    @Test
    void unknownToolResponseFormatAndToolChoiceRoundTrip() throws Exception {
        String json = "{\"tools\":[{\"type\":\"web_search\",\"web_search\":{}},{\"function\":{\"name\":\"f\"}}],"
                + "\"tool_choice\":{\"type\":\"mcp\",\"server_label\":\"x\"},"
                + "\"response_format\":{\"type\":\"grammar\",\"grammar\":\"root ::= \\\"a\\\"\"}}";
        ChatCompletionRequest request = OrsJson.read(json, ChatCompletionRequest.class);
        assertThat(request.tools()).allMatch(t -> t instanceof ChatTool.Unknown);
        assertThat(request.tools().get(1).type()).isNull();
        assertThat(request.toolChoice()).isInstanceOf(ChatToolChoice.Unknown.class);
        assertThat(((ChatToolChoice.Unknown) request.toolChoice()).type()).isEqualTo("mcp");
        assertThat(request.responseFormat()).isInstanceOf(ResponseFormat.Unknown.class);
        assertThat(request.responseFormat().extra()).containsOnlyKeys("grammar");
        assertThat(OrsJson.write(request)).isEqualTo(json);
    }

    @Test
    void nullsInsideListsAreTolerated() throws Exception {
        ChatCompletionRequest request =
                OrsJson.read("{\"model\":\"m\",\"stop\":[\"a\",null]}", ChatCompletionRequest.class);
        assertThat(request.stop()).containsExactly("a", null);
    }

    @Test
    void numericErrorCodeIsKeptAsANumber() throws Exception {
        ChatError error = OrsJson.read("{\"message\":\"m\",\"code\":429}", ChatError.class);
        assertThat(error.code().isInt()).isTrue();
        assertThat(error.codeText()).isEqualTo("429");
        assertThat(OrsJson.write(error)).isEqualTo("{\"message\":\"m\",\"code\":429}");

        ChatError text =
                OrsJson.read("{\"message\":\"m\",\"code\":\"rate_limit_exceeded\",\"param\":null}", ChatError.class);
        assertThat(text.codeText()).isEqualTo("rate_limit_exceeded");
        assertThat(text.param()).isNull();
    }

    @Test
    void toolCallWithoutTypeOrWithCustomPayloadIsKept() throws Exception {
        String json = "{\"role\":\"assistant\",\"tool_calls\":["
                + "{\"id\":\"c1\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                + "{\"id\":\"c2\",\"type\":\"custom\",\"custom\":{\"name\":\"code_exec\",\"input\":\"print(1)\"}}]}";
        ChatMessage.AssistantMessage message = (ChatMessage.AssistantMessage) OrsJson.read(json, ChatMessage.class);
        assertThat(message.toolCalls().get(0).type()).isNull();
        assertThat(message.toolCalls().get(1).function()).isNull();
        assertThat(message.toolCalls().get(1).extra()).containsOnlyKeys("custom");
        assertThat(OrsJson.write(message)).isEqualTo(json);
    }

    @Test
    void usageCountsMayBeMissingOrFloatingPoint() throws Exception {
        ChatUsage usage = OrsJson.read("{\"prompt_tokens\":3.0,\"completion_tokens_details\":{}}", ChatUsage.class);
        assertThat(usage.promptTokens()).isEqualTo(3);
        assertThat(usage.totalTokens()).isNull();
        assertThat(usage.reasoningTokens()).isNull();
        assertThat(usage.cachedTokens()).isNull();
    }

    @Test
    void malformedGroqUsageIsNoUsage() throws Exception {
        ChatChunk chunk = OrsJson.read("{\"x_groq\":{\"usage\":{\"prompt_tokens\":\"many\"}}}", ChatChunk.class);
        assertThat(chunk.findUsage()).isEmpty();
        ChatChunk noUsage = OrsJson.read("{\"x_groq\":{\"id\":\"req_1\"}}", ChatChunk.class);
        assertThat(noUsage.findUsage()).isEmpty();
    }

    @Test
    void partsFactoriesAndTextJoin() {
        ChatContent content = ChatContent.of(
                ChatContentPart.text("a"), ChatContentPart.imageUrl("u"), new ChatContentPart.TextPart("b"));
        assertThat(content.asText()).isEqualTo("ab");
        JsonNode tree = OrsJson.tree(content);
        assertThat(tree.isArray()).isTrue();
        assertThat(OrsJson.tree(ChatContent.of("s")).isTextual()).isTrue();
        assertThatThrownBy(() -> ChatContent.of((String) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void unionVariantsCanBeReadDirectly() throws Exception {
        assertThat(OrsJson.read("\"x\"", ChatContent.Text.class)).isEqualTo(ChatContent.of("x"));
        assertThat(OrsJson.read("[]", ChatContent.Parts.class)).isEqualTo(ChatContent.of(List.of()));
        assertThat(OrsJson.read("\"auto\"", ChatToolChoice.Mode.class)).isEqualTo(ChatToolChoice.AUTO);
        assertThat(OrsJson.read(
                        "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", ChatToolChoice.FunctionChoice.class))
                .isEqualTo(ChatToolChoice.function("f"));
        assertThat(OrsJson.read(
                        "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"r\"}", ChatMessage.ToolMessage.class))
                .isEqualTo(ChatMessage.tool("c", "r"));
    }
}
