package dev.orsgateway.examples.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every answer of the gateway must look like on the wire, checked on each {@link WireRecorder.Exchange}: Response
 * bodies against the spec's {@code ResponseResource}, every SSE frame's format and event against its event schema,
 * error bodies against {@code ErrorPayload}, and the OpenAI-shaped extras (delete, input items list) against OpenAI's
 * shapes.
 */
final class WireRules {

    private static final Pattern RESPONSE = Pattern.compile("/v1/responses/([^/]+)");
    private static final Pattern INPUT_ITEMS = Pattern.compile("/v1/responses/([^/]+)/input_items");
    private static final Set<String> TERMINAL = Set.of("response.completed", "response.failed", "response.incomplete");

    private WireRules() {}

    /** A parsed event stream. */
    record SseStream(List<JsonNode> events, JsonNode terminalEvent) {}

    /** The problems of one exchange; empty when it is fine. */
    static List<String> problems(WireRecorder.Exchange exchange) {
        List<String> problems = new ArrayList<>();
        String contentTypeSeen = String.valueOf(exchange.responseHeader("content-type"));
        boolean leftAStream =
                exchange.clientLeft && exchange.status == 200 && contentTypeSeen.startsWith("text/event-stream");
        if (!exchange.answered() && !leftAStream) {
            problems.add("no complete answer");
            return problems;
        }
        String contentType = String.valueOf(exchange.responseHeader("content-type"));
        String path = exchange.path();
        if (exchange.status >= 400) {
            JsonNode body = json(exchange, contentType, problems);
            if (body != null) {
                if (!body.path("error").isObject()) {
                    problems.add("error body without an \"error\" object: " + body);
                } else {
                    problems.addAll(SpecSchemas.errors("ErrorPayload", body.get("error")));
                }
            }
            return problems;
        }
        if (exchange.status == 101
                && exchange.method.equals("GET")
                && exchange.path().equals("/v1/responses")
                && "websocket".equalsIgnoreCase(String.valueOf(exchange.responseHeader("upgrade")))) {
            return problems; // WebSocket mode: its messages are checked by the WebSocket tests, not on this wire
        }
        if (exchange.status != 200) {
            problems.add("unexpected status " + exchange.status);
            return problems;
        }
        Matcher response = RESPONSE.matcher(path);
        Matcher inputItems = INPUT_ITEMS.matcher(path);
        if (exchange.method.equals("POST") && path.equals("/v1/responses")) {
            if (contentType.startsWith("text/event-stream")) {
                sse(exchange, problems);
            } else {
                JsonNode body = json(exchange, contentType, problems);
                if (body != null) {
                    problems.addAll(SpecSchemas.responseErrors(body));
                }
            }
        } else if (exchange.method.equals("GET") && response.matches() && contentType.startsWith("text/event-stream")) {
            // ?stream=true: the stored response replayed as its events.
            SseStream stream = sse(exchange, problems);
            if (stream.terminalEvent() != null
                    && !stream.terminalEvent().at("/response/id").asText().equals(response.group(1))) {
                problems.add("replayed " + stream.terminalEvent().at("/response/id") + " for " + path);
            }
        } else if (exchange.method.equals("GET") && response.matches()) {
            JsonNode body = json(exchange, contentType, problems);
            if (body != null) {
                problems.addAll(SpecSchemas.responseErrors(body));
                if (!body.path("id").asText().equals(response.group(1))) {
                    problems.add("retrieved " + body.path("id") + " for " + path);
                }
            }
        } else if (exchange.method.equals("DELETE") && response.matches()) {
            JsonNode body = json(exchange, contentType, problems);
            if (body != null) {
                // OpenAI's ResponseDeleted shape (not in the Open Responses spec).
                expect(problems, body.size() == 3, "delete body has other keys than id/object/deleted: " + body);
                expect(problems, body.path("id").asText().equals(response.group(1)), "deleted id: " + body);
                expect(problems, body.path("object").asText().equals("response"), "deleted object: " + body);
                expect(
                        problems,
                        body.path("deleted").isBoolean() && body.path("deleted").booleanValue(),
                        "" + body);
            }
        } else if (exchange.method.equals("GET") && inputItems.matches()) {
            JsonNode body = json(exchange, contentType, problems);
            if (body != null) {
                // OpenAI's list page: object "list", data, first_id, last_id, has_more.
                expect(problems, body.path("object").asText().equals("list"), "list object: " + body);
                expect(problems, body.path("data").isArray(), "list without data: " + body);
                expect(problems, body.path("has_more").isBoolean(), "list without has_more: " + body);
                JsonNode data = body.path("data");
                for (String cursor : List.of("first_id", "last_id")) {
                    JsonNode value = body.get(cursor);
                    if (data.isEmpty()) {
                        expect(problems, value != null && value.isNull(), cursor + " of an empty list: " + body);
                    } else {
                        String expected = data.get(cursor.equals("first_id") ? 0 : data.size() - 1)
                                .path("id")
                                .asText();
                        expect(problems, value != null && value.asText().equals(expected), cursor + ": " + body);
                    }
                }
                for (JsonNode item : data) {
                    expect(problems, item.path("id").isTextual(), "input item without an id: " + item);
                    // OpenAI lists every input item with its status; strict clients (openai-java) require it.
                    expect(problems, item.path("status").isTextual(), "input item without a status: " + item);
                    problems.addAll(SpecSchemas.inputItemErrors(item));
                }
            }
        } else if (exchange.method.equals("POST") && path.equals("/v1/responses/compact")) {
            JsonNode body = json(exchange, contentType, problems);
            if (body != null) {
                problems.addAll(SpecSchemas.errors("CompactResource", body));
            }
        } else if (exchange.method.equals("GET") && path.equals("/v1/models")) {
            // OpenAI's model list: {"object":"list","data":[{"id","object":"model","created","owned_by"}]}.
            JsonNode body = json(exchange, contentType, problems);
            if (body != null) {
                expect(problems, body.path("object").asText().equals("list"), "models object: " + body);
                expect(problems, body.path("data").isArray(), "models without data: " + body);
                body.path("data").forEach(model -> checkModel(problems, model));
            }
        } else if (exchange.method.equals("GET") && path.startsWith("/v1/models/")) {
            JsonNode body = json(exchange, contentType, problems);
            if (body != null) {
                checkModel(problems, body);
            }
        } else if (exchange.method.equals("GET") && path.equals("/v1/health")) {
            JsonNode body = json(exchange, contentType, problems);
            expect(problems, body != null && body.path("status").asText().equals("ok"), "health: " + body);
        } else {
            problems.add("no rule for this exchange");
        }
        return problems;
    }

    private static void checkModel(List<String> problems, JsonNode model) {
        expect(problems, model.path("id").isTextual(), "model without an id: " + model);
        expect(problems, model.path("object").asText().equals("model"), "model object: " + model);
        expect(problems, model.path("created").isIntegralNumber(), "model without created: " + model);
        expect(problems, model.path("owned_by").isTextual(), "model without owned_by: " + model);
    }

    /**
     * Checks an event stream frame by frame, as the README promises it: {@code event: <type>\ndata: <one-line
     * JSON>\n\n}, LF only, no {@code id:} lines, whole frames per HTTP chunk, comments allowed, then
     * {@code data: [DONE]}; every event valid against its schema, {@code event:} equal to its {@code type},
     * {@code sequence_number} strictly increasing, and exactly one terminal event, the last.
     */
    /**
     * The bytes a container writes at once from its response buffer: a frame longer than this (the standalone
     * server's Jetty output buffer, 4 KiB) leaves in more than one chunk, cut where the buffer filled.
     */
    static final int CONTAINER_BUFFER = 4096;

    /**
     * Whole frames per HTTP chunk: the servlet writes and flushes one or more whole frames at a time (the events ready
     * together), so every chunk ends where a frame ends. The one exception is a frame longer than
     * {@link #CONTAINER_BUFFER}, which the container writes out in pieces as its buffer fills: a chunk may end inside
     * it.
     */
    private static void checkChunks(List<byte[]> chunks, List<String> problems) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        List<Integer> chunkEnds = new ArrayList<>();
        for (byte[] chunk : chunks) {
            all.writeBytes(chunk);
            chunkEnds.add(all.size());
        }
        byte[] body = all.toByteArray();
        List<Integer> frameEnds = new ArrayList<>();
        for (int i = 1; i < body.length; i++) {
            if (body[i] == '\n' && body[i - 1] == '\n') {
                frameEnds.add(i + 1);
            }
        }
        int chunkStart = 0;
        for (int chunkEnd : chunkEnds) {
            int frameStart = 0;
            boolean ok = false;
            for (int frameEnd : frameEnds) {
                if (frameEnd == chunkEnd) {
                    ok = true;
                    break;
                }
                if (frameEnd > chunkEnd) {
                    // The chunk ends inside this frame: only a frame too long for the container's buffer is cut.
                    ok = frameEnd - frameStart > CONTAINER_BUFFER;
                    break;
                }
                frameStart = frameEnd;
            }
            if (!ok) {
                String text = new String(body, chunkStart, chunkEnd - chunkStart, StandardCharsets.UTF_8);
                problems.add("a chunk that ends inside a frame: " + abbreviate(text));
            }
            chunkStart = chunkEnd;
        }
    }

    static SseStream sse(WireRecorder.Exchange exchange, List<String> problems) {
        expect(
                problems,
                "no-cache".equals(exchange.responseHeader("cache-control")),
                "Cache-Control: " + exchange.responseHeader("cache-control"));
        // A client may hang up once it has the terminal event (Codex does): what it read is checked, up to the
        // last whole frame, and [DONE] is not required of it.
        boolean whole = exchange.answered();
        String body = exchange.responseText();
        if (!whole) {
            body = body.substring(0, body.lastIndexOf("\n\n") + 2);
        }
        expect(problems, body.indexOf('\r') < 0, "the stream has a CR");
        if (exchange.chunked() && whole) {
            checkChunks(exchange.chunks, problems);
        }
        List<JsonNode> events = new ArrayList<>();
        JsonNode terminal = null;
        if (!body.endsWith("\n\n")) {
            problems.add("the stream does not end with a blank line: " + abbreviate(body));
        }
        String[] frames = body.split("\n\n", -1);
        boolean done = false;
        long lastSequence = -1;
        for (int i = 0; i < frames.length - 1; i++) {
            String frame = frames[i];
            if (done) {
                problems.add("a frame after [DONE]: " + abbreviate(frame));
                continue;
            }
            String[] lines = frame.split("\n", -1);
            if (List.of(lines).stream().allMatch(line -> line.startsWith(":"))) {
                continue; // a comment, e.g. a keep-alive
            }
            if (frame.equals("data: [DONE]")) {
                done = true;
                continue;
            }
            if (lines.length != 2 || !lines[0].startsWith("event: ") || !lines[1].startsWith("data: ")) {
                problems.add("a frame that is not 'event: <type>\\ndata: <json>': " + abbreviate(frame));
                continue;
            }
            JsonNode event;
            try {
                event = OrsJson.mapper().readTree(lines[1].substring("data: ".length()));
            } catch (JsonProcessingException e) {
                problems.add("an event that is not JSON: " + abbreviate(lines[1]));
                continue;
            }
            events.add(event);
            String type = event.path("type").asText();
            expect(problems, lines[0].substring("event: ".length()).equals(type), "event: line != type: " + frame);
            try {
                List<String> errors = SpecSchemas.eventErrors(event);
                errors.forEach(error -> problems.add(type + " #" + event.path("sequence_number") + ": " + error));
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
            long sequence = event.path("sequence_number").asLong(-1);
            expect(problems, sequence > lastSequence, "sequence_number not increasing at " + abbreviate(frame));
            lastSequence = sequence;
            if (terminal != null) {
                problems.add("an event after the terminal event: " + abbreviate(frame));
            }
            if (TERMINAL.contains(type)) {
                terminal = event;
            }
        }
        expect(problems, done || !whole, "no data: [DONE]");
        expect(problems, terminal != null, whole ? "no terminal event" : "the client left before the terminal event");
        expect(
                problems,
                !events.isEmpty() && events.get(0).path("type").asText().equals("response.created"),
                "the first event is not response.created");
        return new SseStream(List.copyOf(events), terminal);
    }

    private static JsonNode json(WireRecorder.Exchange exchange, String contentType, List<String> problems) {
        if (!contentType.startsWith("application/json")) {
            problems.add("Content-Type " + contentType + ", not application/json");
        }
        try {
            JsonNode node = OrsJson.mapper().readTree(exchange.responseText());
            if (node == null || !node.isObject()) {
                problems.add("body is not a JSON object: " + abbreviate(exchange.responseText()));
                return null;
            }
            return node;
        } catch (JsonProcessingException e) {
            problems.add("body is not JSON: " + abbreviate(exchange.responseText()));
            return null;
        }
    }

    private static void expect(List<String> problems, boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
