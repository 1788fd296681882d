package dev.orsgateway.examples.gateway;

import static dev.orsgateway.examples.gateway.Harness.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.model.Tool;
import dev.orsgateway.core.model.ToolChoice;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.examples.scripted.Script;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tool_choice} limits the gateway enforces even when the upstream calls a tool anyway. */
class ToolPolicyE2ETest {

    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aCallOutsideAllowedToolsIsSuppressedStreamedAndNot() {
        CreateResponseRequest request = request("Email Bob the forecast.")
                .tools(List.of(ConversationE2ETest.weatherTool(), emailTool()))
                .toolChoice(new ToolChoice.AllowedTools(null, List.of(new ToolChoice.Function("get_weather"))))
                .build();
        Script disobedient = Script.text("Sending it.")
                .thenToolCalls(Script.call("send_email", "{\"to\":\"bob\"}").withId("call_email"));

        h.server.enqueue(disobedient);
        Harness.Streamed streamed = h.stream(request);
        assertObeyed(streamed.response(), "Sending it.");
        assertThat(streamed.types()).noneMatch(type -> type.startsWith("response.function_call"));
        h.server.enqueue(disobedient);
        assertObeyed(h.complete(request), "Sending it.");

        // Only the allowed tool was offered, with the allowed_tools mode (absent: auto).
        for (int i = 0; i < 2; i++) {
            JsonNode body = h.takeUpstreamBody();
            assertThat(body.get("tools")).hasSize(1);
            assertThat(body.at("/tools/0/function/name").textValue()).isEqualTo("get_weather");
            assertThat(body.get("tool_choice")).isEqualTo(SpecSchemas.json("\"auto\""));
        }
    }

    @Test
    void aCallDespiteToolChoiceNoneIsSuppressedStreamedAndNot() {
        CreateResponseRequest request = request("What is the weather in Lima?")
                .tools(List.of(ConversationE2ETest.weatherTool()))
                .toolChoice(ToolChoice.NONE)
                .build();
        Script disobedient = Script.toolCalls(
                Script.call("get_weather", "{\"location\":\"Lima\"}").withId("call_lima"));

        h.server.enqueue(disobedient);
        Harness.Streamed streamed = h.stream(request);
        assertObeyed(streamed.response(), "");
        assertThat(streamed.types()).noneMatch(type -> type.startsWith("response.function_call"));
        h.server.enqueue(disobedient);
        assertObeyed(h.complete(request), "");

        for (int i = 0; i < 2; i++) {
            assertThat(h.takeUpstreamBody().get("tool_choice")).isEqualTo(SpecSchemas.json("\"none\""));
        }
    }

    private void assertObeyed(Response response, String text) {
        assertThat(response.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(response.output()).noneMatch(Item.FunctionCall.class::isInstance);
        assertThat(ConversationE2ETest.text(response)).isEqualTo(text);
        // The stored response is the obeying one.
        assertThat(h.gateway.retrieve(response.id(), null)).hasValue(response);
        assertThat(h.replay(response.id())).noneMatch(Item.FunctionCall.class::isInstance);
    }

    private static Tool emailTool() {
        return Tool.Function.of(
                "send_email",
                "Sends an email",
                SpecSchemas.json("{\"type\":\"object\",\"properties\":{\"to\":{\"type\":\"string\"}}}"));
    }
}
