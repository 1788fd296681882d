package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.testing.ScriptedUpstream;
import dev.orsgateway.core.testing.SpecSchemas;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The servlet on real containers over real HTTP: each test runs on Tomcat and on Jetty. */
class OrsServletTest {

    private static String create(String input, boolean stream) {
        return "{\"model\":\"m\",\"input\":" + OrsJson.write(input) + (stream ? ",\"stream\":true" : "") + "}";
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void createsAResponseAsJson(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("Hello", " world");

            Fixture.Reply reply = f.postJson(create("Say hello", false));

            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.contentType()).startsWith("application/json").containsIgnoringCase("charset=utf-8");
            JsonNode body = reply.json();
            SpecSchemas.assertValidResponse(body);
            assertThat(body.path("id").asText()).startsWith("resp_");
            assertThat(body.path("status").asText()).isEqualTo("completed");
            assertThat(body.at("/output/0/content/0/text").asText()).isEqualTo("Hello world");
            assertThat(f.upstream.lastRequest().messages()).hasSize(1);
            assertThat(f.store.saves.get()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void streamsEventsAsServerSentEvents(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("Hel", "lo", ", ", "wor", "ld");

            Fixture.Reply reply = f.postJson(create("Say hello", true));

            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.contentType()).startsWith("text/event-stream");
            assertThat(reply.header("Cache-Control")).contains("no-cache");
            assertThat(reply.header("X-Accel-Buffering")).contains("no");
            List<JsonNode> events = Sse.events(reply.bytes());
            assertThat(Sse.types(events))
                    .startsWith("response.created", "response.in_progress")
                    .endsWith("response.completed");
            assertThat(Sse.deltaText(events)).isEqualTo("Hello, world");
            JsonNode completed = events.get(events.size() - 1).path("response");
            SpecSchemas.assertValidResponse(completed);
            assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo("Hello, world");
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).path("sequence_number").asLong()).isEqualTo(i);
            }
            // Stored before the terminal event went out: retrievable at once.
            Fixture.Reply stored = f.get("/responses/" + completed.path("id").asText());
            assertThat(stored.status()).isEqualTo(200);
            assertThat(stored.json().path("status").asText()).isEqualTo("completed");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void retrievesDeletesAndListsInputItems(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("ok");
            String body = "{\"model\":\"m\",\"input\":["
                    + "{\"type\":\"message\",\"role\":\"system\",\"content\":\"Be brief.\"},"
                    + "{\"type\":\"message\",\"role\":\"user\",\"content\":\"one\"},"
                    + "{\"type\":\"message\",\"role\":\"assistant\",\"content\":\"two\"},"
                    + "{\"type\":\"message\",\"role\":\"user\",\"content\":\"three\"},"
                    + "{\"type\":\"message\",\"role\":\"user\",\"content\":\"four\"}]}";
            Fixture.Reply created = f.postJson(body);
            assertThat(created.status()).as(created.toString()).isEqualTo(200);
            String id = created.json().path("id").asText();

            Fixture.Reply retrieved = f.get("/responses/" + id);
            assertThat(retrieved.status()).isEqualTo(200);
            assertThat(retrieved.contentType()).startsWith("application/json");
            SpecSchemas.assertValidResponse(retrieved.json());
            assertThat(retrieved.json()).isEqualTo(created.json());

            // Default page: newest first, 20 at most.
            JsonNode all = f.get("/responses/" + id + "/input_items").json();
            assertThat(all.path("object").asText()).isEqualTo("list");
            assertThat(all.path("has_more").asBoolean()).isFalse();
            assertThat(texts(all)).containsExactly("four", "three", "two", "one", "Be brief.");
            assertThat(all.path("first_id").asText())
                    .isEqualTo(all.at("/data/0/id").asText());
            assertThat(all.path("last_id").asText())
                    .isEqualTo(all.at("/data/4/id").asText());
            for (JsonNode item : all.path("data")) {
                SpecSchemas.assertValid("ItemParam", item);
            }

            // Paging oldest first, two at a time.
            JsonNode page1 =
                    f.get("/responses/" + id + "/input_items?order=asc&limit=2").json();
            assertThat(texts(page1)).containsExactly("Be brief.", "one");
            assertThat(page1.path("has_more").asBoolean()).isTrue();
            JsonNode page2 = f.get("/responses/" + id + "/input_items?order=asc&limit=2&after="
                            + page1.path("last_id").asText())
                    .json();
            assertThat(texts(page2)).containsExactly("two", "three");
            assertThat(page2.path("has_more").asBoolean()).isTrue();
            JsonNode page3 = f.get("/responses/" + id + "/input_items?order=asc&limit=2&after="
                            + page2.path("last_id").asText())
                    .json();
            assertThat(texts(page3)).containsExactly("four");
            assertThat(page3.path("has_more").asBoolean()).isFalse();
            JsonNode before = f.get("/responses/" + id + "/input_items?order=asc&before="
                            + page3.path("first_id").asText() + "&limit=1")
                    .json();
            assertThat(texts(before)).containsExactly("three");

            Fixture.Reply badCursor = f.get("/responses/" + id + "/input_items?after=msg_nope");
            assertErrorShape(badCursor, 400);
            assertThat(badCursor.json().at("/error/param").asText()).isEqualTo("after");
            assertErrorShape(f.get("/responses/" + id + "/input_items?limit=0"), 400);
            assertErrorShape(f.get("/responses/" + id + "/input_items?limit=101"), 400);
            assertErrorShape(f.get("/responses/" + id + "/input_items?limit=ten"), 400);
            assertErrorShape(f.get("/responses/" + id + "/input_items?order=sideways"), 400);

            Fixture.Reply deleted = f.delete("/responses/" + id);
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.json())
                    .isEqualTo(Sse.parse("{\"id\":\"" + id + "\",\"object\":\"response\",\"deleted\":true}"));

            assertNotFound(f.get("/responses/" + id));
            assertNotFound(f.delete("/responses/" + id));
            assertNotFound(f.get("/responses/" + id + "/input_items"));
            assertNotFound(f.get("/responses/resp_unknown"));
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void retrievesAStoredResponseAsItsEventStream(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("Hel", "lo", ", ", "wor", "ld");
            List<JsonNode> live =
                    Sse.events(f.postJson(create("Say hello", true)).bytes());
            JsonNode completed = live.get(live.size() - 1).path("response");
            String id = completed.path("id").asText();

            Fixture.Reply replay = f.get("/responses/" + id + "?stream=true");

            assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
            assertThat(replay.contentType()).startsWith("text/event-stream");
            List<JsonNode> events = Sse.events(replay.bytes());
            // The live stream's events, with its five text deltas as one.
            List<String> liveTypes = new ArrayList<>(Sse.types(live));
            liveTypes.removeAll(List.of("response.output_text.delta"));
            liveTypes.add(liveTypes.indexOf("response.output_text.done"), "response.output_text.delta");
            assertThat(Sse.types(events)).containsExactlyElementsOf(liveTypes);
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).path("sequence_number").asLong()).isEqualTo(i);
            }
            assertThat(Sse.deltaText(events)).isEqualTo("Hello, world");
            assertThat(events.get(0).path("response").path("id").asText()).isEqualTo(id);
            assertThat(events.get(events.size() - 1).path("response")).isEqualTo(completed);

            List<JsonNode> later = Sse.events(
                    f.get("/responses/" + id + "?stream=true&starting_after=3").bytes());
            assertThat(later).containsExactlyElementsOf(events.subList(4, events.size()));
            assertThat(Sse.events(f.get("/responses/" + id + "?stream=true&starting_after=99")
                            .bytes()))
                    .isEmpty();
            assertThat(f.get("/responses/" + id + "?stream=false").json()).isEqualTo(completed);

            Fixture.Reply badStream = f.get("/responses/" + id + "?stream=yes");
            assertErrorShape(badStream, 400);
            assertThat(badStream.json().at("/error/param").asText()).isEqualTo("stream");
            Fixture.Reply badStart = f.get("/responses/" + id + "?stream=true&starting_after=three");
            assertErrorShape(badStart, 400);
            assertThat(badStart.json().at("/error/param").asText()).isEqualTo("starting_after");
            assertErrorShape(f.get("/responses/" + id + "?stream=true&starting_after=-2"), 400);
            assertNotFound(f.get("/responses/resp_unknown?stream=true"));
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void continuesFromAPreviousResponse(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueText("Hi Alice.");
            f.upstream.enqueueText("Your name is Alice.");

            JsonNode first = f.postJson(create("My name is Alice.", false)).json();
            Fixture.Reply second = f.postJson("{\"model\":\"m\",\"stream\":true,\"previous_response_id\":\""
                    + first.path("id").asText() + "\",\"input\":\"What is my name?\"}");

            assertThat(second.status()).as(second.toString()).isEqualTo(200);
            List<JsonNode> events = Sse.events(second.bytes());
            JsonNode response = events.get(events.size() - 1).path("response");
            assertThat(response.path("previous_response_id").asText())
                    .isEqualTo(first.path("id").asText());
            ChatCompletionRequest upstreamRequest = f.upstream.requests().get(1);
            assertThat(upstreamRequest.messages())
                    .extracting(ChatMessage::role)
                    .containsExactly("user", "assistant", "user");
            assertThat(OrsJson.write(upstreamRequest.messages()))
                    .contains("My name is Alice.", "Hi Alice.", "What is my name?");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void anUpstreamFailureBeforeOutputKeepsItsStatus(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueFailure(429, OrsException.TOO_MANY_REQUESTS, "rate_limit_exceeded", "Slow down.");
            f.upstream.enqueueFailure(429, OrsException.TOO_MANY_REQUESTS, "rate_limit_exceeded", "Slow down.");
            f.upstream.enqueueFailure(503, OrsException.SERVER_ERROR, "upstream_unavailable", "Down.");

            Fixture.Reply streamed = f.postJson(create("hi", true));
            Fixture.Reply json = f.postJson(create("hi", false));
            Fixture.Reply unavailable = f.postJson(create("hi", true));

            assertErrorShape(streamed, 429);
            assertThat(streamed.json().at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(streamed.json().at("/error/message").asText()).isEqualTo("Slow down.");
            assertErrorShape(json, 429);
            assertThat(json.json().at("/error/type").asText()).isEqualTo("too_many_requests");
            assertErrorShape(unavailable, 503);
            assertThat(f.store.saves.get()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void anErrorThatSaysWhenToRetryCarriesRetryAfter(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            OrsException busy = OrsException.tooManyRequests("too_many_streams", "Busy.", Duration.ofMillis(1500));
            f.upstream.enqueueFailure(busy);
            f.upstream.enqueueFailure(busy);

            Fixture.Reply streamed = f.postJson(create("hi", true));
            Fixture.Reply json = f.postJson(create("hi", false));

            for (Fixture.Reply reply : List.of(streamed, json)) {
                assertErrorShape(reply, 429);
                assertThat(reply.json().at("/error/code").asText()).isEqualTo("too_many_streams");
                assertThat(reply.header("Retry-After")).as(reply.toString()).hasValue("2");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void anUpstreamFailureAfterOutputEndsTheStreamWithErrorAndFailed(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            f.upstream.enqueueFailureAfter(
                    ScriptedUpstream.partialTextChunks("Hel", "lo"),
                    new OrsException(
                            new ErrorPayload(OrsException.SERVER_ERROR, "upstream_error", "The upstream broke.", null),
                            502));

            Fixture.Reply reply = f.postJson(create("hi", true));

            assertThat(reply.status()).isEqualTo(200);
            List<JsonNode> events = Sse.events(reply.bytes());
            List<String> types = Sse.types(events);
            assertThat(types).contains("response.output_text.delta").endsWith("error", "response.failed");
            assertThat(Sse.deltaText(events)).isEqualTo("Hello");
            JsonNode error = events.get(events.size() - 2);
            SpecSchemas.assertValid("ErrorPayload", error.path("error"));
            JsonNode failed = events.get(events.size() - 1).path("response");
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            SpecSchemas.assertValidResponse(failed);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void aClientThatDisconnectsCancelsTheUpstream(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.keepAliveInterval(Duration.ofMillis(50)))) {
            ScriptedUpstream.Script stall =
                    f.upstream.enqueueStallAfter(ScriptedUpstream.partialTextChunks("Hel", "lo"));

            HttpResponse<InputStream> response =
                    f.open(f.post("/responses", create("hi", true)).build());
            assertThat(response.statusCode()).isEqualTo(200);
            InputStream body = response.body();
            String seen = readUntil(body, "\"delta\":\"lo\"");
            assertThat(seen).contains("event: response.output_text.delta");
            assertThat(stall.cancelled()).isFalse();

            body.close();

            assertThat(stall.awaitCancelled(Fixture.TIMEOUT))
                    .as("the upstream sees the cancel")
                    .isTrue();
            assertThat(f.store.saves.get()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void keepAliveCommentsCommitTheStreamWhileTheUpstreamIsSilent(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.keepAliveInterval(Duration.ofMillis(50)))) {
            ScriptedUpstream.Script stall = f.upstream.enqueueStallAfter(List.of());

            HttpResponse<InputStream> response =
                    f.open(f.post("/responses", create("hi", true)).build());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
            String seen = readUntil(response.body(), ": keep-alive\n\n: keep-alive\n\n");
            assertThat(seen).startsWith(": keep-alive\n\n");
            response.body().close();
            assertThat(stall.awaitCancelled(Fixture.TIMEOUT)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void servesHealthWithoutAuthentication(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.apiKey("sk-one"))) {
            Fixture.Reply health = f.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json()).isEqualTo(Sse.parse("{\"status\":\"ok\"}"));
            assertThat(health.contentType()).startsWith("application/json");

            Fixture.Reply post = f.send(f.post("/health", "{}").build());
            assertErrorShape(post, 405);
            assertThat(post.header("Allow")).contains("GET, HEAD");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void answersWrongMethodsAndUnknownPaths(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container)) {
            Fixture.Reply getCollection = f.get("/responses");
            assertErrorShape(getCollection, 405);
            assertThat(getCollection.header("Allow")).contains("POST");
            assertThat(getCollection.json().at("/error/code").asText()).isEqualTo("method_not_allowed");

            Fixture.Reply put = f.send(f.request("/responses/resp_1")
                    .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                    .build());
            assertErrorShape(put, 405);
            assertThat(put.header("Allow")).contains("GET, DELETE");
            // Its body was not read: the connection is not reused for the next request.
            assertThat(put.header("Connection")).contains("close");

            Fixture.Reply postItems =
                    f.send(f.post("/responses/resp_1/input_items", "{}").build());
            assertErrorShape(postItems, 405);
            assertThat(postItems.header("Allow")).contains("GET");

            Fixture.Reply unknown = f.get("/chat/completions");
            assertErrorShape(unknown, 404);
            assertThat(unknown.json().at("/error/code").asText()).isEqualTo("not_found");
            assertErrorShape(f.get("/responses/resp_1/output_items"), 404);
            assertErrorShape(f.get("/"), 404);
            assertThat(f.upstream.requestCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.class)
    void rejectsABodyOverTheLimit(ServletContainer container) throws Exception {
        try (Fixture f = Fixture.start(container, c -> c.maxRequestBytes(64 * 1024))) {
            String big = create("x".repeat(100 * 1024), false);

            Fixture.Reply declared = f.postJson(big);
            assertErrorShape(declared, 413);
            assertThat(declared.json().at("/error/code").asText()).isEqualTo("request_too_large");

            // Without a Content-Length (chunked): the limit is found while reading.
            Fixture.Reply chunked = f.send(f.request("/responses")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                    .build());
            assertErrorShape(chunked, 413);

            // Just under the limit is fine.
            f.upstream.enqueueText("ok");
            assertThat(f.postJson(create("x".repeat(60 * 1024), false)).status())
                    .isEqualTo(200);
            assertThat(f.upstream.requestCount()).isEqualTo(1);
        }
    }

    static void assertErrorShape(Fixture.Reply reply, int status) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode body = reply.json();
        assertThat(body.has("error")).as(reply.toString()).isTrue();
        SpecSchemas.assertValid("ErrorPayload", body.get("error"));
        assertThat(body.path("error").path("message").asText())
                .doesNotContain("Exception", "java.", "dev.orsgateway", "\tat ");
    }

    static void assertNotFound(Fixture.Reply reply) {
        assertErrorShape(reply, 404);
        assertThat(reply.json().at("/error/type").asText()).isEqualTo("not_found");
    }

    private static List<String> texts(JsonNode page) {
        List<String> texts = new ArrayList<>();
        for (JsonNode item : page.path("data")) {
            texts.add(item.at("/content/0/text").asText());
        }
        return texts;
    }

    /** Reads {@code in} until {@code marker} has been seen (bounded by the fixture's timeout). */
    static String readUntil(InputStream in, String marker) throws Exception {
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            byte[] buffer = new byte[1024];
            try {
                while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        throw new AssertionError("the stream ended before " + marker + ": " + seen);
                    }
                    seen.write(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return seen.toString(StandardCharsets.UTF_8);
        });
        return read.get(Fixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
