package dev.orsgateway.core.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({
        "https://api.openai.com/v1, https://api.openai.com/v1/chat/completions",
        "https://api.openai.com/v1/, https://api.openai.com/v1/chat/completions",
        "https://api.openai.com/v1/chat/completions, https://api.openai.com/v1/chat/completions",
        "http://localhost:11434/v1, http://localhost:11434/v1/chat/completions",
        "https://openrouter.ai/api/v1, https://openrouter.ai/api/v1/chat/completions",
        "https://api.groq.com/openai/v1, https://api.groq.com/openai/v1/chat/completions",
        "'  http://127.0.0.1:8080/v1  ', http://127.0.0.1:8080/v1/chat/completions",
        "https://r.openai.azure.com/openai/deployments/gpt4o?api-version=2024-10-21,"
                + " https://r.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
        "https://r.openai.azure.com/openai/v1/#frag, https://r.openai.azure.com/openai/v1/chat/completions"
    })
    void normalizesToChatCompletions(String base, String url) {
        assertThat(Endpoint.parse(base).uri().toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @CsvSource({
        "https://api.openai.com/v1, https://api.openai.com/v1/models",
        "http://localhost:11434/v1/chat/completions/, http://localhost:11434/v1/models",
        "https://openrouter.ai/api/v1, https://openrouter.ai/api/v1/models",
        "https://r.openai.azure.com/openai/v1?api-version=preview, https://r.openai.azure.com/openai/v1/models?api-version=preview"
    })
    void theModelListIsBesideTheChatEndpoint(String base, String models) {
        assertThat(Endpoint.parse(base).modelsUri().toString()).isEqualTo(models);
    }

    @ParameterizedTest
    @CsvSource({
        "https://user:hunter22@llm.example.com:8443/v1/?api-version=2024-10-21&key=AIzaSyD-secret,"
                + " https://llm.example.com:8443/v1/chat/completions?api-version=2024-10-21&key=***",
        "HTTPS://API.Example.COM:443/v1?key=a%2Fb, https://api.example.com/v1/chat/completions?key=***"
    })
    void describeHidesUserInfoAndQueryValuesButApiVersion(String base, String description) {
        assertThat(Endpoint.parse(base).describe()).isEqualTo(description);
    }

    @org.junit.jupiter.api.Test
    void secretsHoldThePasswordAndQueryValuesAsWrittenAndDecoded() {
        assertThat(Endpoint.parse("http://u:pw-123456@h/v1?key=a%2Fbcdefg&api-version=1")
                        .secrets())
                .containsExactly("pw-123456", "a%2Fbcdefg", "a/bcdefg");
    }

    @ParameterizedTest
    @CsvSource({"not a url", "http:///v1", "/v1", "ftp://example.com/v1", "''"})
    void rejectsWhatIsNotHttp(String base) {
        assertThatThrownBy(() -> Endpoint.parse(base)).isInstanceOf(IllegalArgumentException.class);
    }
}
