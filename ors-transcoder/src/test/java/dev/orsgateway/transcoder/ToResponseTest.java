package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.testing.SpecSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Non-streamed completions: {@link ChatTranscoder#toResponse} of {@code completions/<case>.json} must equal the
 * final response of streaming {@code streams/<case>.jsonl}, the same answer chunked as the provider streams it.
 */
class ToResponseTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain-text", "tool-calls-sequential", "reasoning-deepseek", "finish-length"})
    void equalsTheFinalResponseOfTheStream(String name) {
        CreateResponseRequest request = Fixtures.request(name);
        ChatCompletion completion = Fixtures.completion(name);

        Response nonStreamed = Fixtures.chatTranscoder().toResponse(request, Fixtures.initial(request), completion);
        Response streamed = StreamInvariants.check(Fixtures.run(request, Fixtures.chunks(name), null));

        SpecSchemas.assertValidResponse(nonStreamed);
        assertThat(Fixtures.tree(nonStreamed)).isEqualTo(Fixtures.tree(streamed));
        assertThat(nonStreamed).isEqualTo(streamed);
    }

    @Test
    void lengthIsIncompleteWithTheLastItemIncomplete() {
        CreateResponseRequest request = Fixtures.request("finish-length");
        Response response = Fixtures.chatTranscoder()
                .toResponse(request, Fixtures.initial(request), Fixtures.completion("finish-length"));

        assertThat(response.status()).isEqualTo(ResponseStatus.INCOMPLETE);
        assertThat(response.incompleteDetails().reason()).isEqualTo("max_output_tokens");
        assertThat(response.completedAt()).isEqualTo(Fixtures.CLOCK.instant().getEpochSecond());
        assertThat(Fixtures.tree(response.output().get(0)).get("status").asText())
                .isEqualTo("incomplete");
    }

    @Test
    void anEmptyCompletionStillAnswersWithAnEmptyMessage() {
        CreateResponseRequest request = Fixtures.simpleRequest();
        ChatCompletion completion = Fixtures.read(
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[]}",
                ChatCompletion.class);

        Response response = Fixtures.chatTranscoder().toResponse(request, Fixtures.initial(request), completion);

        SpecSchemas.assertValidResponse(response);
        assertThat(response.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(Fixtures.tree(response.output()).toString())
                .isEqualTo("[{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\","
                        + "\"content\":[{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}]}]");
    }
}
