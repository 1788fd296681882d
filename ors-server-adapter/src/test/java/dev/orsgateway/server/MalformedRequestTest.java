package dev.orsgateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that must be refused, each with its exact status, error code and {@code param}, in the spec's error shape,
 * and with nothing reaching the upstream or the store. One container of each kind serves the whole table.
 */
class MalformedRequestTest {
    private static final int LIMIT = 256 * 1024;
    private static final String JSON = "application/json";
    private static final Map<ServletContainer, Fixture> FIXTURES = new EnumMap<>(ServletContainer.class);

    /**
     * One malformed request.
     *
     * @param name what is wrong
     * @param method the HTTP method
     * @param path the path below {@code /v1}
     * @param contentType the content type, or null for none
     * @param body the body, or null for none
     * @param chunked whether to send the body without a Content-Length
     * @param status the expected status
     * @param code the expected error code
     * @param param the expected param, or null
     */
    record Case(
            String name,
            String method,
            String path,
            String contentType,
            byte[] body,
            boolean chunked,
            int status,
            String code,
            String param) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case post(String name, String body, int status, String code, String param) {
        return new Case(name, "POST", "/responses", JSON, utf8(body), false, status, code, param);
    }

    private static Case postBytes(String name, String contentType, byte[] body, int status, String code) {
        return new Case(name, "POST", "/responses", contentType, body, false, status, code, null);
    }

    private static Case call(String name, String method, String path, int status, String code) {
        return new Case(name, method, path, null, null, false, status, code, null);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A request whose input string holds these raw bytes. */
    private static byte[] jsonWith(int... raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("{\"model\":\"m\",\"input\":\"caf"));
        for (int b : raw) {
            out.write(b);
        }
        out.writeBytes(utf8("\"}"));
        return out.toByteArray();
    }

    private static String withInput(String input) {
        return "{\"model\":\"m\",\"input\":" + input + "}";
    }

    private static String withField(String field) {
        return "{\"model\":\"m\",\"input\":\"hi\"," + field + "}";
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // Not JSON, or not a JSON object.
        cases.add(post("truncated JSON", "{\"model\":\"m\",\"input\":", 400, "invalid_json", null));
        cases.add(post("trailing comma", "{\"model\":\"m\",\"input\":\"hi\",}", 400, "invalid_json", null));
        cases.add(post("a second value after the object", withInput("\"hi\"") + " {}", 400, "invalid_json", null));
        cases.add(post("single quotes", "{'model':'m'}", 400, "invalid_json", null));
        cases.add(post("nesting deeper than the parser allows", "[".repeat(5000), 400, "invalid_json", null));
        cases.add(post("empty body", "", 400, "empty_body", null));
        cases.add(post("whitespace body", " \n\t ", 400, "empty_body", null));
        cases.add(post("an array body", "[{\"model\":\"m\"}]", 400, "invalid_type", null));
        cases.add(post("a string body", "\"hello\"", 400, "invalid_type", null));
        cases.add(post("a null body", "null", 400, "invalid_type", null));
        cases.add(postBytes("malformed UTF-8", JSON, jsonWith(0xC3, 0x28), 400, "invalid_json"));
        cases.add(postBytes("overlong UTF-8", JSON, jsonWith(0xC0, 0xAF), 400, "invalid_json"));
        cases.add(postBytes("a lone continuation byte", JSON, jsonWith(0x80), 400, "invalid_json"));
        // Content types.
        cases.add(postBytes("text/plain", "text/plain", utf8(withInput("\"hi\"")), 415, "unsupported_media_type"));
        cases.add(postBytes("no Content-Type", null, utf8(withInput("\"hi\"")), 415, "unsupported_media_type"));
        cases.add(postBytes(
                "form encoding",
                "application/x-www-form-urlencoded",
                utf8("model=m&input=hi"),
                415,
                "unsupported_media_type"));
        cases.add(postBytes(
                "a charset other than UTF-8",
                "application/json; charset=ISO-8859-1",
                utf8(withInput("\"hi\"")),
                415,
                "unsupported_media_type"));
        // Wrong JSON types, with the JSON path of the value.
        cases.add(post(
                "temperature as a string", withField("\"temperature\":\"hot\""), 400, "invalid_type", "temperature"));
        cases.add(post("stream as a string", withField("\"stream\":\"yes\""), 400, "invalid_type", "stream"));
        cases.add(post("store as a string", withField("\"store\":\"no\""), 400, "invalid_type", "store"));
        cases.add(post("input as a number", withInput("42"), 400, "invalid_type", "input"));
        cases.add(post("tools as an object", withField("\"tools\":{}"), 400, "invalid_type", "tools"));
        cases.add(post("metadata as an array", withField("\"metadata\":[]"), 400, "invalid_type", "metadata"));
        cases.add(post(
                "function_call arguments as an object",
                withInput("[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":{}}]"),
                400,
                "invalid_type",
                "input[0].arguments"));
        cases.add(post(
                "max_output_tokens beyond an int",
                withField("\"max_output_tokens\":99999999999999"),
                400,
                "invalid_value",
                "max_output_tokens"));
        // Values the model cannot hold.
        cases.add(post(
                "an unknown role",
                withInput("[{\"type\":\"message\",\"role\":\"robot\",\"content\":\"hi\"}]"),
                400,
                "invalid_value",
                "input[0].role"));
        cases.add(post("a null input item", withInput("[null]"), 400, "invalid_value", "input[0]"));
        cases.add(post(
                "a null content part",
                withInput("[{\"type\":\"message\",\"role\":\"user\",\"content\":[null]}]"),
                400,
                "invalid_value",
                "input[0].content[0]"));
        cases.add(post("a null tool", withField("\"tools\":[null]"), 400, "invalid_value", "tools[0]"));
        cases.add(post("a null include entry", withField("\"include\":[null]"), 400, "invalid_value", "include[0]"));
        cases.add(post(
                "an unknown tool_choice",
                withField("\"tool_choice\":\"sometimes\""),
                400,
                "invalid_value",
                "tool_choice"));
        cases.add(post(
                "a tool_choice without type",
                withField("\"tool_choice\":{\"name\":\"f\"}"),
                400,
                "invalid_value",
                "tool_choice"));
        cases.add(post(
                "a tool_choice forcing a hosted tool",
                withField("\"tool_choice\":{\"type\":\"web_search_preview\"}"),
                400,
                "unsupported_tool_type",
                "tool_choice.type"));
        cases.add(post(
                "a message without content",
                withInput("[{\"type\":\"message\",\"role\":\"user\"}]"),
                400,
                "invalid_value",
                "input[0]"));
        cases.add(post(
                "an item without type or role", withInput("[{\"content\":\"x\"}]"), 400, "invalid_value", "input[0]"));
        // The translator's and the gateway's own checks.
        cases.add(post(
                "an unknown item type",
                withInput("[{\"type\":\"web_search_call\",\"id\":\"ws_1\"}]"),
                400,
                "unsupported_item_type",
                "input[0]"));
        cases.add(post(
                "temperature out of range",
                withField("\"temperature\":3"),
                400,
                "decimal_above_max_value",
                "temperature"));
        cases.add(post(
                "top_logprobs out of range",
                withField("\"top_logprobs\":21"),
                400,
                "integer_above_max_value",
                "top_logprobs"));
        cases.add(post(
                "an orphan function_call_output",
                withInput("[{\"type\":\"function_call_output\",\"call_id\":\"call_x\",\"output\":\"4\"}]"),
                400,
                "tool_call_not_found",
                "input[0].call_id"));
        cases.add(post(
                "an unknown text format",
                withField("\"text\":{\"format\":{\"type\":\"xml\"}}"),
                400,
                "unsupported_value",
                "text.format.type"));
        cases.add(post("no model", "{\"input\":\"hi\"}", 400, "missing_required_parameter", "model"));
        cases.add(post("no input", "{\"model\":\"m\"}", 400, "missing_required_parameter", "input"));
        cases.add(post(
                "an unknown previous_response_id",
                withField("\"previous_response_id\":\"resp_missing\""),
                404,
                "previous_response_not_found",
                "previous_response_id"));
        // Size.
        String huge = withInput("\"" + "x".repeat(LIMIT) + "\"");
        cases.add(post("a body over the limit", huge, 413, "request_too_large", null));
        cases.add(new Case(
                "a chunked body over the limit",
                "POST",
                "/responses",
                JSON,
                utf8(huge),
                true,
                413,
                "request_too_large",
                null));
        // Ids and paths.
        cases.add(call("GET an unknown id", "GET", "/responses/resp_999", 404, "response_not_found"));
        cases.add(call("GET an id with a space", "GET", "/responses/resp%20x", 404, "response_not_found"));
        cases.add(call("GET a very long id", "GET", "/responses/" + "r".repeat(2000), 404, "response_not_found"));
        cases.add(call("DELETE an unknown id", "DELETE", "/responses/resp_999", 404, "response_not_found"));
        cases.add(call(
                "input_items of an unknown id", "GET", "/responses/resp_999/input_items", 404, "response_not_found"));
        cases.add(call("an unknown endpoint", "POST", "/responses/resp_1/cancel", 404, "not_found"));
        cases.add(call("a wrong method", "PATCH", "/responses", 405, "method_not_allowed"));
        return cases;
    }

    static Stream<Arguments> requests() {
        return Stream.of(ServletContainer.values())
                .flatMap(container -> cases().stream().map(c -> Arguments.of(container, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("requests")
    void isRefusedWithItsStatusAndNothingReachesTheUpstream(ServletContainer container, Case c) {
        Fixture f = fixture(container);

        Fixture.Reply reply = f.send(request(f, c));

        OrsServletTest.assertErrorShape(reply, c.status());
        JsonNode error = reply.json().path("error");
        assertThat(error.path("code").asText()).as(reply.toString()).isEqualTo(c.code());
        if (c.param() == null) {
            assertThat(error.path("param").isNull()).as(reply.toString()).isTrue();
        } else {
            assertThat(error.path("param").asText()).as(reply.toString()).isEqualTo(c.param());
        }
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("`", "Cannot deserialize");
        assertThat(f.upstream.requestCount())
                .as("the upstream received nothing")
                .isZero();
        assertThat(f.store.saves.get()).as("nothing was stored").isZero();
        OrsServletTest.assertNotFound(f.get("/responses/resp_1"));
    }

    /**
     * A client that writes a body far over the limit (and over the socket buffers) before it reads anything still gets
     * its 413: the servlet reads and discards the body instead of closing on unread bytes, which resets the
     * connection and loses the answer.
     */
    @ParameterizedTest(name = "{0}, chunked: {1}")
    @CsvSource({"TOMCAT, false", "TOMCAT, true", "JETTY, false", "JETTY, true"})
    void aBodyFarOverTheLimitIsReadToItsEndAndAnswered413(ServletContainer container, boolean chunked)
            throws Exception {
        Fixture f = fixture(container);
        int size = 40 * 1024 * 1024;
        byte[] block = new byte[64 * 1024];
        Arrays.fill(block, (byte) 'x');

        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) Fixture.TIMEOUT.toMillis());
            socket.connect(new InetSocketAddress("127.0.0.1", f.base.getPort()), (int) Fixture.TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            String head = "POST " + f.base.getPath() + "/responses HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n")
                    + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            for (int written = 0; written < size; written += block.length) {
                if (chunked) {
                    out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(block);
                if (chunked) {
                    out.write(CRLF);
                }
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 413 ");
            JsonNode body = Sse.parse(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertThat(body.at("/error/code").asText()).isEqualTo("request_too_large");
        }
        assertThat(f.upstream.requestCount()).isZero();
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private static HttpRequest request(Fixture f, Case c) {
        HttpRequest.Builder builder = f.request(c.path());
        if (c.contentType() != null) {
            builder.header("Content-Type", c.contentType());
        }
        HttpRequest.BodyPublisher body;
        if (c.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (c.chunked()) {
            body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body()));
        } else {
            body = HttpRequest.BodyPublishers.ofByteArray(c.body());
        }
        return builder.method(c.method(), body).build();
    }

    private static synchronized Fixture fixture(ServletContainer container) {
        return FIXTURES.computeIfAbsent(container, kind -> {
            try {
                return Fixture.start(kind, config -> config.maxRequestBytes(LIMIT));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    static synchronized void stop() {
        FIXTURES.values().forEach(Fixture::close);
        FIXTURES.clear();
    }
}
