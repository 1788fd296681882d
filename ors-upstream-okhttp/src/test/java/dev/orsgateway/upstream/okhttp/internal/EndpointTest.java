package dev.orsgateway.upstream.okhttp.internal;

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
        assertThat(Endpoint.parse(base).url().toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @CsvSource({"not a url", "ftp://example.com/v1", "''"})
    void rejectsWhatIsNotHttp(String base) {
        assertThatThrownBy(() -> Endpoint.parse(base)).isInstanceOf(IllegalArgumentException.class);
    }
}
