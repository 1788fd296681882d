package dev.orsgateway.server;

import static dev.orsgateway.server.OrsServletTest.assertErrorShape;
import static dev.orsgateway.server.OrsServletTest.assertNotFound;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** API keys: who may call, and whose responses each caller sees. */
class AuthenticationTest {
    private static final String ALPHA = "sk-alpha-0123456789";
    private static final String BETA = "sk-beta-9876543210";
    private static final String CREATE = "{\"model\":\"m\",\"input\":\"hi\"}";

    private static HttpRequest.Builder as(HttpRequest.Builder request, String key) {
        return request.header("Authorization", "Bearer " + key);
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void refusesCallersWithoutAValidKey(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.apiKey(ALPHA).apiKey(BETA))) {
            Fixture.Reply missing = f.postJson(CREATE);
            assertErrorShape(missing, 401);
            assertThat(missing.json().at("/error/code").asText()).isEqualTo("missing_api_key");
            assertThat(missing.header("WWW-Authenticate")).contains("Bearer");

            Fixture.Reply wrong = f.send(
                    as(f.post("/responses", CREATE), "sk-alpha-012345678").build());
            assertErrorShape(wrong, 401);
            assertThat(wrong.json().at("/error/code").asText()).isEqualTo("invalid_api_key");
            assertThat(wrong.header("WWW-Authenticate")).contains("Bearer");

            Fixture.Reply basic = f.send(f.post("/responses", CREATE)
                    .header("Authorization", "Basic YTpi")
                    .build());
            assertErrorShape(basic, 401);

            // Authentication comes before routing: no path or method is revealed without a key.
            assertErrorShape(f.get("/responses/resp_1"), 401);
            assertErrorShape(f.get("/nowhere"), 401);

            assertThat(f.upstream.requestCount()).isZero();
            assertThat(f.get("/health").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void scopesResponsesToTheKeyThatCreatedThem(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.apiKey(ALPHA).apiKey(BETA))) {
            f.upstream.enqueueText("Hello");
            f.upstream.enqueueText("Hello again");

            Fixture.Reply created =
                    f.send(as(f.post("/responses", CREATE), ALPHA).build());
            assertThat(created.status()).as(created.toString()).isEqualTo(200);
            String id = created.json().path("id").asText();
            Fixture.Reply streamed = f.send(
                    as(f.post("/responses", "{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}"), "  " + ALPHA + " ")
                            .build());
            assertThat(streamed.status()).isEqualTo(200);

            assertThat(f.send(as(f.request("/responses/" + id).GET(), ALPHA).build())
                            .status())
                    .isEqualTo(200);
            assertThat(f.send(as(f.request("/responses/" + id + "/input_items").GET(), ALPHA)
                                    .build())
                            .status())
                    .isEqualTo(200);
            assertNotFound(f.send(as(f.request("/responses/" + id).GET(), BETA).build()));
            assertNotFound(
                    f.send(as(f.request("/responses/" + id + "/input_items").GET(), BETA)
                            .build()));
            assertNotFound(
                    f.send(as(f.request("/responses/" + id).DELETE(), BETA).build()));
            Fixture.Reply continued = f.send(as(
                            f.post(
                                    "/responses",
                                    "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"" + id + "\"}"),
                            BETA)
                    .build());
            assertErrorShape(continued, 404);
            assertThat(continued.json().at("/error/code").asText()).isEqualTo("previous_response_not_found");

            // The owner is a stable hash of the key: in-process callers find the same responses.
            assertThat(f.gateway.retrieve(id, OrsServletConfig.ownerOf(ALPHA))).isPresent();
            assertThat(f.gateway.retrieve(id, OrsServletConfig.ownerOf(BETA))).isEmpty();
            assertThat(f.gateway.retrieve(id, null)).isEmpty();
            assertThat(OrsServletConfig.ownerOf(ALPHA)).doesNotContain(ALPHA).hasSize(32);

            assertThat(f.send(as(f.request("/responses/" + id).DELETE(), ALPHA).build())
                            .status())
                    .isEqualTo(200);
            assertThat(f.upstream.requestCount()).isEqualTo(2);
        }
    }
}
