package dev.orsgateway.server;

import static dev.orsgateway.server.OrsServletTest.assertErrorShape;
import static dev.orsgateway.server.OrsServletTest.assertNotFound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys as tenants, on both containers: each key sees only its own responses, on every endpoint and transport; its
 * limits (requests and tokens per minute, a budget, models) hold over HTTP and WebSocket; keys rotate while the server
 * serves. Time is a {@link TestClock}, moved by the tests: no waits.
 */
class KeysAndTenantsTest {
    private static final String ALPHA = "sk-alpha-0123456789";
    private static final String BETA = "sk-beta-9876543210";
    private static final String GAMMA = "sk-gamma-5555555555";
    private static final String CREATE = "{\"model\":\"m\",\"input\":\"hi\"}";

    private static HttpRequest.Builder as(HttpRequest.Builder request, String key) {
        return request.header("Authorization", "Bearer " + key);
    }

    private static Fixture.Reply get(Fixture f, String path, String key) {
        return f.send(as(f.request(path).GET(), key).build());
    }

    private static Fixture.Reply post(Fixture f, String path, String json, String key) {
        return f.send(as(f.post(path, json), key).build());
    }

    private static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    private static String ws(String fields) {
        return "{\"type\":\"response.create\",\"model\":\"m\"," + fields + "}";
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void anotherKeyFindsNoneOfAResponseOnAnyEndpointOrTransport(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.apiKey(ALPHA).apiKey(BETA))) {
            f.upstream.enqueueText("Hello");
            Fixture.Reply created = post(f, "/responses", CREATE, ALPHA);
            assertThat(created.status()).as(created.toString()).isEqualTo(200);
            String id = created.json().path("id").asText();
            String unknown = "resp_unknown0000";

            // Each answer is the one for an id that does not exist: 404, never 403, the same body but the id.
            for (String path : List.of("", "?stream=true", "?stream=true&starting_after=2", "/input_items")) {
                Fixture.Reply theirs = get(f, "/responses/" + id + path, BETA);
                assertNotFound(theirs);
                assertThat(theirs.text().replace(id, unknown))
                        .isEqualTo(get(f, "/responses/" + unknown + path, BETA).text());
            }
            assertNotFound(
                    f.send(as(f.request("/responses/" + id).DELETE(), BETA).build()));
            for (String body : List.of(
                    "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"" + id + "\"}",
                    "{\"model\":\"m\",\"input\":\"hi\",\"stream\":true,\"previous_response_id\":\"" + id + "\"}")) {
                Fixture.Reply continued = post(f, "/responses", body, BETA);
                assertErrorShape(continued, 404);
                assertThat(continued.json().at("/error/code").asText()).isEqualTo("previous_response_not_found");
            }
            Fixture.Reply compacted =
                    post(f, "/responses/compact", "{\"model\":\"m\",\"previous_response_id\":\"" + id + "\"}", BETA);
            assertErrorShape(compacted, 404);
            try (WsClient socket = WsClient.connect(f, bearer(BETA))) {
                WsClient.assertError(
                        socket.create(ws("\"input\":\"hi\",\"previous_response_id\":\"" + id + "\"")),
                        404,
                        "previous_response_not_found");
            }
            assertThat(f.upstream.requestCount()).isEqualTo(1);

            // Its own key still finds all of it, on every transport.
            assertThat(get(f, "/responses/" + id, ALPHA).status()).isEqualTo(200);
            assertThat(get(f, "/responses/" + id + "?stream=true", ALPHA).text())
                    .contains("response.completed");
            assertThat(get(f, "/responses/" + id + "/input_items", ALPHA).status())
                    .isEqualTo(200);
            f.upstream.enqueueText("Again");
            try (WsClient socket = WsClient.connect(f, bearer(ALPHA))) {
                List<JsonNode> turn = socket.create(ws("\"input\":\"more\",\"previous_response_id\":\"" + id + "\""));
                assertThat(WsClient.types(turn)).last().isEqualTo("response.completed");
            }
            f.upstream.enqueueText("Short");
            assertThat(post(f, "/responses/compact", "{\"model\":\"m\",\"previous_response_id\":\"" + id + "\"}", ALPHA)
                            .status())
                    .isEqualTo(200);
            assertThat(f.send(as(f.request("/responses/" + id).DELETE(), ALPHA).build())
                            .status())
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void limitsEachKeysRequestsPerMinuteWithRetryAfter(ServletContainer container) throws Exception {
        TestClock clock = new TestClock();
        OrsApiKey alpha = OrsApiKey.of(ALPHA).name("alpha").requestsPerMinute(2).build();
        try (Fixture f =
                Fixture.start(container, c -> c.apiKey(alpha).apiKey(BETA).clock(clock))) {
            assertNotFound(get(f, "/responses/resp_x", ALPHA));
            assertNotFound(get(f, "/responses/resp_x", ALPHA));
            Fixture.Reply limited = get(f, "/responses/resp_x", ALPHA);
            assertErrorShape(limited, 429);
            assertThat(limited.json().at("/error/type").asText()).isEqualTo("too_many_requests");
            assertThat(limited.json().at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(limited.header("Retry-After")).contains("30");
            assertThat(limited.text()).doesNotContain(ALPHA);
            assertNotFound(get(f, "/responses/resp_x", BETA)); // another key's limit is its own

            clock.advance(Duration.ofSeconds(29));
            assertThat(get(f, "/responses/resp_x", ALPHA).header("Retry-After")).contains("1");
            clock.advance(Duration.ofSeconds(1));
            assertNotFound(get(f, "/responses/resp_x", ALPHA));
            assertThat(get(f, "/responses/resp_x", ALPHA).status()).isEqualTo(429);

            // On a socket: the upgrade is a request, each turn one more; the refusal is an error message.
            clock.advance(Duration.ofMinutes(1));
            f.upstream.enqueueText("Hi");
            try (WsClient socket = WsClient.connect(f, bearer(ALPHA))) {
                assertThat(WsClient.types(socket.create(ws("\"input\":\"hi\""))))
                        .last()
                        .isEqualTo("response.completed");
                JsonNode refused =
                        WsClient.assertError(socket.create(ws("\"input\":\"hi\"")), 429, "rate_limit_exceeded");
                assertThat(refused.at("/error/message").asText()).contains("retry in 30 s");
                clock.advance(Duration.ofSeconds(30));
                f.upstream.enqueueText("Hi again");
                assertThat(WsClient.types(socket.create(ws("\"input\":\"hi\""))))
                        .last()
                        .isEqualTo("response.completed");
            }
            assertThat(f.upstream.requestCount()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void limitsEachKeysTokensPerMinuteAndBudget(ServletContainer container) throws Exception {
        TestClock clock = new TestClock();
        // A scripted reply of one delta uses 6 tokens (5 in, 1 out): 10 a minute is 6 s a token.
        OrsApiKey alpha =
                OrsApiKey.of(ALPHA).tokensPerMinute(10).tokenBudget(20).build();
        try (Fixture f = Fixture.start(container, c -> c.apiKey(alpha).clock(clock))) {
            f.upstream.enqueueText("One");
            assertThat(post(f, "/responses", CREATE, ALPHA).status()).isEqualTo(200);
            f.upstream.enqueueText("Two");
            Fixture.Reply streamed = post(f, "/responses", "{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}", ALPHA);
            assertThat(streamed.text()).contains("response.completed");

            // 12 tokens spent of 10 a minute: refused until the bucket has a token again, 2 + 1 tokens later.
            Fixture.Reply limited = post(f, "/responses", CREATE, ALPHA);
            assertErrorShape(limited, 429);
            assertThat(limited.json().at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(limited.json().at("/error/message").asText()).contains("10 tokens per minute");
            assertThat(limited.header("Retry-After")).contains("18");
            assertThat(get(f, "/responses/resp_x", ALPHA).status())
                    .as("reading is not limited by tokens")
                    .isEqualTo(404);

            clock.advance(Duration.ofSeconds(18));
            f.upstream.enqueueText("Three");
            try (WsClient socket = WsClient.connect(f, bearer(ALPHA))) {
                assertThat(WsClient.types(socket.create(ws("\"input\":\"hi\""))))
                        .last()
                        .isEqualTo("response.completed");
                clock.advance(Duration.ofMinutes(5));
                // 18 of 20 spent: one more starts (and may go over), then the budget is spent.
                f.upstream.enqueueText("Four");
                assertThat(WsClient.types(socket.create(ws("\"input\":\"hi\""))))
                        .last()
                        .isEqualTo("response.completed");
                WsClient.assertError(socket.create(ws("\"input\":\"hi\"")), 429, "insufficient_quota");
            }
            clock.advance(Duration.ofMinutes(5));
            Fixture.Reply spent = post(f, "/responses", CREATE, ALPHA);
            assertErrorShape(spent, 429);
            assertThat(spent.json().at("/error/code").asText()).isEqualTo("insufficient_quota");
            assertThat(spent.header("Retry-After")).as("waiting does not help").isEmpty();
            assertThat(f.upstream.requestCount()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void letsAKeyUseItsModelsOnly(ServletContainer container) throws Exception {
        OrsApiKey alpha = OrsApiKey.of(ALPHA).models("gpt-4o*", "m").build();
        try (Fixture f = Fixture.start(container, c -> c.apiKey(alpha).apiKey(BETA))) {
            f.upstream.enqueueText("Yes");
            assertThat(post(f, "/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}", ALPHA)
                            .status())
                    .isEqualTo(200);

            Fixture.Reply refused = post(f, "/responses", "{\"model\":\"claude\",\"input\":\"hi\"}", ALPHA);
            assertNotFound(refused);
            assertThat(refused.json().at("/error/code").asText()).isEqualTo("model_not_found");
            assertThat(refused.json().at("/error/param").asText()).isEqualTo("model");
            assertNotFound(post(f, "/responses", "{\"model\":\"claude\",\"input\":\"hi\",\"stream\":true}", ALPHA));
            assertNotFound(post(f, "/responses/compact", "{\"model\":\"claude\",\"input\":\"hi\"}", ALPHA));
            Fixture.Reply unnamed = post(f, "/responses", "{\"input\":\"hi\"}", ALPHA);
            assertErrorShape(unnamed, 400);
            assertThat(unnamed.json().at("/error/param").asText()).isEqualTo("model");
            try (WsClient socket = WsClient.connect(f, bearer(ALPHA))) {
                WsClient.assertError(
                        socket.create("{\"type\":\"response.create\",\"model\":\"claude\",\"input\":\"hi\"}"),
                        404,
                        "model_not_found");
            }
            assertThat(f.upstream.requestCount()).isEqualTo(1);

            // The model list shows a key its models only.
            assertNotFound(get(f, "/models/claude", ALPHA));
            assertThat(get(f, "/models/gpt-4o", ALPHA).status()).isEqualTo(200);
            assertThat(get(f, "/models/claude", BETA).status()).isEqualTo(200);
            Fixture.Reply listed = get(f, "/models", ALPHA);
            assertThat(listed.status()).isEqualTo(200);
            for (JsonNode model : listed.json().path("data")) {
                assertThat(model.path("id").asText()).matches("gpt-4o.*|m");
            }

            f.upstream.enqueueText("Sure");
            assertThat(post(f, "/responses", "{\"model\":\"claude\",\"input\":\"hi\"}", BETA)
                            .status())
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void rotatesKeysWhileServing(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.apiKey(ALPHA).apiKey(BETA))) {
            assertNotFound(get(f, "/responses/resp_x", BETA));
            try (WsClient socket = WsClient.connect(f, bearer(BETA))) {
                f.servlet.replaceApiKeys(List.of(
                        OrsApiKey.of(ALPHA).build(),
                        OrsApiKey.ofSha256(sha256(GAMMA)).name("gamma").build()));

                assertErrorShape(get(f, "/responses/resp_x", BETA), 401);
                assertNotFound(get(f, "/responses/resp_x", ALPHA));
                // A connection opened with a key that is gone takes no more turns.
                WsClient.assertError(socket.create(ws("\"input\":\"hi\"")), 401, "invalid_api_key");
            }
            // A key configured by its hash only: its owner is the one its plain form has.
            f.upstream.enqueueText("Hi");
            Fixture.Reply created = post(f, "/responses", CREATE, GAMMA);
            assertThat(created.status()).as(created.toString()).isEqualTo(200);
            String id = created.json().path("id").asText();
            assertThat(f.gateway.retrieve(id, OrsServletConfig.ownerOf(GAMMA))).isPresent();

            assertThatThrownBy(() -> f.servlet.replaceApiKeys(List.of())).isInstanceOf(IllegalArgumentException.class);
            assertThat(get(f, "/responses/" + id, GAMMA).status()).isEqualTo(200);
            assertErrorShape(get(f, "/responses/" + id, "sk-nobody"), 401);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aServletWithoutKeysStartsAuthenticatingOnceGivenSome(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            assertNotFound(f.get("/responses/resp_x"));
            f.servlet.replaceApiKeys(List.of(OrsApiKey.of(ALPHA).build()));
            assertErrorShape(f.get("/responses/resp_x"), 401);
            assertNotFound(get(f, "/responses/resp_x", ALPHA));
        }
    }

    static String sha256(String key) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private final AtomicLong millis = new AtomicLong(1_000_000);

        void advance(Duration by) {
            millis.addAndGet(by.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
