package dev.orsgateway.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.json.OrsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatErrorTest {

    private static ChatError parse(String fixture) {
        return ChatError.parse(ChatFixtures.text(fixture)).orElseThrow();
    }

    @Test
    void openAiShape() {
        ChatError error = parse("errors/openai.json");
        assertThat(error.message()).startsWith("Invalid value: 'tool'.");
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo("messages[1].role");
        assertThat(error.codeText()).isEqualTo("invalid_value");
        assertThat(error.code().isTextual()).isTrue();
        assertThat(error.extra()).isEmpty();
    }

    @Test
    void numericCodeAndVendorMetadata() {
        ChatError error = parse("errors/openrouter-numeric-code.json");
        assertThat(error.message()).isEqualTo("No endpoints found that support tool use.");
        assertThat(error.type()).isNull();
        assertThat(error.code().isInt()).isTrue();
        assertThat(error.codeText()).isEqualTo("404");
        assertThat(error.extra()).containsOnlyKeys("metadata");
    }

    @Test
    void ollamaPlainString() {
        ChatError error = parse("errors/ollama-plain-string.json");
        assertThat(error.message()).isEqualTo("model \"llama3.3\" not found, try pulling it first");
        assertThat(error.type()).isNull();
        assertThat(error.code()).isNull();
    }

    @Test
    void fastApiValidationDetailList() {
        ChatError error = parse("errors/fastapi-detail-list.json");
        assertThat(error.message())
                .isEqualTo("Field required; Input should be a valid number, unable to parse string as a number");
        assertThat(error.extra().get("detail").isArray()).isTrue();
    }

    @Test
    void detailString() {
        assertThat(parse("errors/detail-string.json").message()).isEqualTo("Not Found");
    }

    @Test
    void topLevelMessage() {
        ChatError error = parse("errors/vllm-top-level-message.json");
        assertThat(error.message()).startsWith("This model's maximum context length is 32768 tokens.");
        assertThat(error.type()).isEqualTo("BadRequestError");
        assertThat(error.param()).isNull();
        assertThat(error.codeText()).isEqualTo("400");
        assertThat(error.extra()).containsOnlyKeys("object");
    }

    @Test
    void oneElementArrayWrapper() {
        ChatError error = parse("errors/gemini-array.json");
        assertThat(error.message()).startsWith("Invalid JSON payload received.");
        assertThat(error.codeText()).isEqualTo("400");
        assertThat(error.extra().get("status").textValue()).isEqualTo("INVALID_ARGUMENT");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "Bad Gateway",
                "<html><body>502</body></html>",
                "{",
                "null",
                "42",
                "\"text\"",
                "[]",
                "[1,2]",
                "{}",
                "{\"error\":null}",
                "{\"error\":42}",
                "{\"error\":[\"a\"]}",
                "{\"detail\":null}",
                "{\"message\":null}",
                "{\"ok\":true}"
            })
    void unrecognisedBodiesGiveEmptyAndNeverThrow(String body) {
        assertThat(ChatError.parse(body)).isEmpty();
    }

    @Test
    void nullBodyGivesEmpty() {
        assertThat(ChatError.parse(null)).isEmpty();
        assertThat(ChatError.fromBody(null)).isEmpty();
    }

    @Test
    void envelopeIsTheOpenAiShape() {
        ChatError error = new ChatError("Rate limit reached", "requests", null, "rate_limit_exceeded");
        assertThat(error.toEnvelope().toString())
                .isEqualTo("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                        + "\"code\":\"rate_limit_exceeded\"}}");
        assertThat(ChatError.parse(error.toEnvelope().toString())).contains(error);
        assertThat(ChatError.parse(OrsJson.write(
                        parse("errors/openrouter-numeric-code.json").toEnvelope())))
                .contains(parse("errors/openrouter-numeric-code.json"));
    }
}
