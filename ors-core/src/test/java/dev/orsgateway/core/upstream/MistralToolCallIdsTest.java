package dev.orsgateway.core.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatFunctionCall;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatToolCall;
import dev.orsgateway.core.testing.ScriptedUpstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MistralToolCallIdsTest {

    private static ChatToolCall call(String id) {
        return new ChatToolCall(id, "function", new ChatFunctionCall("get_weather", "{}", Map.of()), Map.of());
    }

    @Test
    void idsOfOtherShapesBecomeNineLettersAndDigitsTheSameEveryTime() {
        for (String id : List.of("call_0fypS1hVX", "call_PTLP8xhu3uwZk4l3nlnrrJha", "turn1_0", "fc-7", "")) {
            String valid = MistralToolCallIds.validId(id);
            assertThat(valid).matches("[a-zA-Z0-9]{9}");
            assertThat(MistralToolCallIds.validId(id)).isEqualTo(valid);
        }
        assertThat(MistralToolCallIds.validId("call_a")).isNotEqualTo(MistralToolCallIds.validId("call_b"));
        assertThat(MistralToolCallIds.validId("D681PevKs")).isEqualTo("D681PevKs"); // Mistral's own
        assertThat(MistralToolCallIds.validId(null)).isNull();
    }

    @Test
    void aCallAndItsOutputStayPairedAndEverythingElseIsKept() {
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model("mistral-small-latest")
                .messages(List.of(
                        ChatMessage.user("Weather in Paris and Rome?"),
                        new ChatMessage.AssistantMessage(
                                ChatContent.of("Checking."), List.of(call("call_abc_123"), call("D681PevKs"))),
                        new ChatMessage.ToolMessage(ChatContent.of("18C"), "call_abc_123", Map.of()),
                        new ChatMessage.ToolMessage(ChatContent.of("22C"), "D681PevKs", Map.of())))
                .build();

        ChatCompletionRequest sent = MistralToolCallIds.rewrite(request);

        ChatMessage.AssistantMessage assistant =
                (ChatMessage.AssistantMessage) sent.messages().get(1);
        String rewritten = assistant.toolCalls().get(0).id();
        assertThat(rewritten).matches("[a-zA-Z0-9]{9}");
        assertThat(((ChatMessage.ToolMessage) sent.messages().get(2)).toolCallId())
                .isEqualTo(rewritten);
        assertThat(assistant.toolCalls().get(1).id()).isEqualTo("D681PevKs");
        assertThat(((ChatMessage.ToolMessage) sent.messages().get(3)).toolCallId())
                .isEqualTo("D681PevKs");
        assertThat(assistant.content()).isEqualTo(ChatContent.of("Checking."));
        assertThat(sent.messages().get(0)).isSameAs(request.messages().get(0));
        assertThat(sent.model()).isEqualTo("mistral-small-latest");
    }

    @Test
    void aRequestWithValidIdsIsSentAsItIs() {
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model("m")
                .messages(List.of(ChatMessage.user("hi")))
                .build();
        assertThat(MistralToolCallIds.rewrite(request)).isSameAs(request);

        ScriptedUpstream upstream = new ScriptedUpstream();
        upstream.enqueueCompletion(upstream.completion("ok"));
        MistralToolCallIds.wrap(upstream).complete(request).join();
        assertThat(upstream.lastRequest()).isSameAs(request);
    }
}
