package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.RequestLimits;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.ScriptedUpstream;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.transcoder.ChatTranscoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each {@link RequestLimits} bound over HTTP: a request one over it is a 400 in the spec's error shape with its code
 * and {@code param}, and nothing reaches the upstream; the same request at the bound is served. The bounds are set
 * small here so that the requests stay small; the WebSocket transport and the compact endpoint check them too.
 */
class RequestLimitsTest {
    private static final int ITEMS = 3;
    private static final int DEPTH = 6;
    private static final int STRING = 1000;
    private static final int INLINE = 2000;
    private static final int TOOLS = 2;
    private static final int TOOL_BYTES = 600;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static final ScriptedUpstream upstream = new ScriptedUpstream();
    private static ServletContainer.Running server;
    private static HttpClient client;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        OrsGateway gateway = OrsGateway.builder()
                .transcoder(ChatTranscoder.create())
                .upstream(upstream)
                .idGenerator(IdGenerator.sequential())
                .requestLimits(RequestLimits.builder()
                        .maxInputItems(ITEMS)
                        .maxNestingDepth(DEPTH)
                        .maxStringLength(STRING)
                        .maxInlineDataLength(INLINE)
                        .maxTools(TOOLS)
                        .maxToolBytes(TOOL_BYTES)
                        .build())
                .build();
        server = ServletContainer.JETTY.start(new OrsServlet(gateway, OrsServletConfig.defaults()), "/v1/*");
        base = server.base().resolve("/v1");
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A request over one bound and the same request at it. */
    record Limit(String name, String over, String atBound, String code, String param) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> limits() {
        return Stream.of(
                        new Limit(
                                "input items",
                                request(r -> items(r, ITEMS + 1)),
                                request(r -> items(r, ITEMS)),
                                "array_above_max_length",
                                "input"),
                        new Limit(
                                "nesting depth",
                                request(r -> schemaNested(r, DEPTH - 3)),
                                request(r -> schemaNested(r, DEPTH - 4)),
                                "nesting_too_deep",
                                "text.format.schema.p.p.p"),
                        new Limit(
                                "string length",
                                request(r -> r.put("input", "x".repeat(STRING + 1))),
                                request(r -> r.put("input", "x".repeat(STRING))),
                                "string_above_max_length",
                                "input"),
                        new Limit(
                                "instructions length",
                                request(r -> r.put("instructions", "x".repeat(STRING + 1))),
                                request(r -> r.put("instructions", "x".repeat(STRING))),
                                "string_above_max_length",
                                "instructions"),
                        new Limit(
                                "inline image",
                                request(r -> image(r, INLINE + 1)),
                                request(r -> image(r, INLINE)),
                                "string_above_max_length",
                                "input[0].content[0].image_url"),
                        new Limit(
                                "inline file",
                                request(r -> file(r, INLINE + 1)),
                                request(r -> file(r, INLINE)),
                                "string_above_max_length",
                                "input[0].content[0].file_data"),
                        new Limit(
                                "inline audio",
                                request(r -> audio(r, INLINE + 1)),
                                request(r -> audio(r, INLINE)),
                                "string_above_max_length",
                                "input[0].content[0].input_audio.data"),
                        new Limit(
                                "tool count",
                                request(r -> tools(r, TOOLS + 1, 0)),
                                request(r -> tools(r, TOOLS, 0)),
                                "array_above_max_length",
                                "tools"),
                        new Limit(
                                "tool size",
                                request(r -> tools(r, 1, TOOL_BYTES + 1)),
                                request(r -> tools(r, 1, TOOL_BYTES)),
                                "tool_above_max_size",
                                "tools[0]"),
                        new Limit(
                                "metadata pairs (the spec's 16)",
                                request(r -> metadata(r, 17, 1, 1)),
                                request(r -> metadata(r, 16, 1, 1)),
                                "object_above_max_properties",
                                "metadata"),
                        new Limit(
                                "metadata key (the spec's 64)",
                                request(r -> metadata(r, 1, 65, 1)),
                                request(r -> metadata(r, 1, 64, 1)),
                                "string_above_max_length",
                                "metadata"),
                        new Limit(
                                "metadata value (the spec's 512)",
                                request(r -> metadata(r, 1, 1, 513)),
                                request(r -> metadata(r, 1, 1, 512)),
                                "string_above_max_length",
                                "metadata.k"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limits")
    void overTheBoundIsA400NamingTheField(Limit limit) {
        int before = upstream.requestCount();
        Reply refused = post("/responses", limit.over());
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        JsonNode error = refused.json().get("error");
        SpecSchemas.assertValid("ErrorPayload", error);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request");
        assertThat(error.get("code").asText()).isEqualTo(limit.code());
        assertThat(error.get("param").asText()).isEqualTo(limit.param());
        assertThat(error.get("message").asText()).contains("limit");
        assertThat(upstream.requestCount()).isEqualTo(before);

        upstream.enqueueCompletion(upstream.completion("ok"));
        Reply served = post("/responses", limit.atBound());
        assertThat(served.status()).as(served.text()).isEqualTo(200);
        assertThat(served.json().get("status").asText()).isEqualTo("completed");
    }

    @Test
    void theCompactEndpointChecksTheLimitsToo() {
        Reply refused = post("/responses/compact", request(r -> items(r, ITEMS + 1)));
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("array_above_max_length");
        assertThat(refused.json().at("/error/param").asText()).isEqualTo("input");
    }

    @Test
    void aWebSocketTurnOverALimitIsRefusedAndTheSocketServesTheNext() {
        URI ws = URI.create("ws://" + base.getHost() + ":" + base.getPort() + base.getPath() + "/responses");
        try (WsClient socket = WsClient.connect(client, ws, Map.of(), true)) {
            ObjectNode over = OrsJson.mapper().createObjectNode().put("type", "response.create");
            over.setAll((ObjectNode) parse(request(r -> r.put("input", "x".repeat(STRING + 1)))));
            JsonNode error = WsClient.assertError(socket.create(over.toString()), 400, "string_above_max_length");
            assertThat(error.at("/error/param").asText()).isEqualTo("input");

            upstream.enqueueText("ok");
            ObjectNode fits = OrsJson.mapper().createObjectNode().put("type", "response.create");
            fits.setAll((ObjectNode) parse(request(r -> r.put("input", "x".repeat(STRING)))));
            List<JsonNode> turn = socket.create(fits.toString());
            assertThat(turn.get(turn.size() - 1).get("type").asText()).isEqualTo("response.completed");
        }
    }

    @Test
    void theDefaultsAreTheSpecsOwnBoundsAndGenerous() {
        RequestLimits limits = RequestLimits.defaults();
        assertThat(limits.maxStringLength()).isEqualTo(10 * 1024 * 1024);
        assertThat(limits.maxInlineDataLength()).isEqualTo(32 * 1024 * 1024);
        assertThat(limits.maxMetadataPairs()).isEqualTo(16);
        assertThat(limits.maxMetadataKeyLength()).isEqualTo(64);
        assertThat(limits.maxMetadataValueLength()).isEqualTo(512);
    }

    // ---- requests

    private interface Shape {
        void apply(ObjectNode request);
    }

    private static String request(Shape shape) {
        ObjectNode request = OrsJson.mapper()
                .createObjectNode()
                .put("model", "m")
                .put("input", "hi")
                .put("store", false);
        shape.apply(request);
        return request.toString();
    }

    private static void items(ObjectNode request, int count) {
        ArrayNode input = request.putArray("input");
        for (int i = 0; i < count; i++) {
            input.addObject().put("role", "user").put("content", "item " + i);
        }
    }

    /** A json_schema text format whose schema nests {@code levels} objects below it. */
    private static void schemaNested(ObjectNode request, int levels) {
        ObjectNode format = request.putObject("text").putObject("format");
        format.put("type", "json_schema").put("name", "n");
        ObjectNode node = format.putObject("schema");
        for (int i = 0; i < levels; i++) {
            node = node.putObject("p");
        }
    }

    private static ObjectNode userParts(ObjectNode request) {
        ObjectNode message = request.putArray("input").addObject().put("role", "user");
        return message.putArray("content").addObject();
    }

    private static void image(ObjectNode request, int length) {
        String prefix = "data:image/png;base64,";
        userParts(request).put("type", "input_image").put("image_url", prefix + "A".repeat(length - prefix.length()));
    }

    private static void file(ObjectNode request, int length) {
        userParts(request).put("type", "input_file").put("filename", "a.pdf").put("file_data", "A".repeat(length));
    }

    private static void audio(ObjectNode request, int length) {
        ObjectNode part = userParts(request).put("type", "input_audio");
        part.putObject("input_audio").put("data", "A".repeat(length)).put("format", "wav");
    }

    /** {@code count} function tools; with {@code bytes} > 0 the first is exactly that many bytes of JSON. */
    private static void tools(ObjectNode request, int count, int bytes) {
        ArrayNode tools = request.putArray("tools");
        for (int i = 0; i < count; i++) {
            ObjectNode tool = tools.addObject().put("type", "function").put("name", "f" + i);
            tool.putObject("parameters").put("type", "object");
            if (i == 0 && bytes > 0) {
                tool.put("description", "");
                int padding = bytes - tool.toString().getBytes(StandardCharsets.UTF_8).length;
                tool.put("description", "d".repeat(padding));
                assertThat(tool.toString().getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
            }
        }
    }

    private static void metadata(ObjectNode request, int pairs, int keyLength, int valueLength) {
        ObjectNode metadata = request.putObject("metadata");
        for (int i = 0; i < pairs; i++) {
            String key = pairs == 1 ? (keyLength == 1 ? "k" : "k".repeat(keyLength)) : "k" + i;
            metadata.put(key, "v".repeat(valueLength));
        }
    }

    // ---- HTTP

    private static JsonNode parse(String json) {
        try {
            return OrsJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Reply(int status, String text) {
        JsonNode json() {
            return parse(text);
        }
    }

    private static Reply post(String path, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
