package dev.orsgateway.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.model.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLogTest {

    @Test
    void aStreamedResponsesLineHasItsIdStatusModelServingUpstreamAndTokensButNeverItsText() {
        RequestLog log = new RequestLog("POST", "/v1/responses");
        log.streaming();
        log.watch().attempt("azure");
        log.watch().attempt("openai");
        log.ended(Response.builder()
                .id("resp_7")
                .model("gpt-4o-mini")
                .status(ResponseStatus.COMPLETED)
                .output(List.of(
                        Item.Message.of(MessageRole.ASSISTANT, List.of(new ContentPart.OutputText("a secret answer")))))
                .usage(Usage.of(12, 30))
                .build());

        String line = log.line(null, null, false);

        assertThat(line)
                .matches("POST /v1/responses -> 200 in \\d+ ms \\(stream, resp_7, completed, model gpt-4o-mini,"
                        + " upstream openai, tokens 12 in 30 out\\)")
                .doesNotContain("secret");
    }

    @Test
    void aLineNamesTheKeyByItsIdNeverTheKeyAndChargesItsTokens() {
        ApiKeys.Key key = ApiKeys.of(
                        List.of(new ApiKeys.Spec(ApiKeys.sha256("sk-secret-1"), "team-a", 0, 0, 40, List.of())),
                        ApiKeys.NONE,
                        System::nanoTime)
                .find("sk-secret-1")
                .orElseThrow();
        RequestLog log = new RequestLog("POST", "/v1/responses");
        log.key(key);
        log.ended(Response.builder()
                .id("resp_8")
                .model("m")
                .status(ResponseStatus.COMPLETED)
                .usage(Usage.of(12, 30))
                .build());

        assertThat(log.line(null, null, false))
                .endsWith("(json, resp_8, completed, model m, tokens 12 in 30 out, key team-a)")
                .doesNotContain("secret");
        // 42 tokens of a budget of 40: spent.
        org.assertj.core.api.Assertions.assertThatThrownBy(key::admitTokens)
                .hasMessageContaining("budget of 40 tokens");
    }

    @Test
    void aRequestWithoutAResponseHasNoneOfIt() {
        RequestLog log = new RequestLog("GET", "/v1/models");

        assertThat(log.line(null, null, false)).matches("GET /v1/models -> 200 in \\d+ ms \\(json\\)");
    }
}
