package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.examples.scripted.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP cases of the official Open Responses compliance suite ({@code openresponses/openresponses},
 * {@code src/lib/compliance-tests.ts}), as Java tests against the running gateway: the same request bodies, the same
 * headers, the same checks (the final response valid against {@code ResponseResource}, every streamed event valid
 * against its schema, the SSE parsed as the suite's parser does, then each case's semantic validators). The model is
 * the scripted upstream's deterministic demo model. The two compact cases are here too; the WebSocket cases are not
 * built yet.
 */
@Timeout(120)
class OfficialComplianceSuiteTest {

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withScriptedUpstream();

    /** The CLI's default model. */
    private static final String MODEL = "gpt-4o-mini";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static final Set<String> TERMINAL = Set.of("response.completed", "response.failed", "response.incomplete");

    /** A red heart icon on a white background: the suite's image. */
    private static final String HEART_PNG =
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAABmklEQ"
                    + "VR42tyWAaTyUBzFew/eG4AHz+MBSAHKBiJRGFKwIgQQJKLUIioBIhCAiCAAEizAQIAECaASqFFJq84nudjnaqvuPnxzgP9xfrq5938csPn7"
                    + "PwHTKSoViCIEAYEAMhmoKsU2mUCWEQqB5xEMIp/HaGQG2G6RSuH9HQ7H34rFrtPbdz4jl6PbwmEsl3QA1mt4vcRKk8dz9eg6IpF7tt9fzGY0"
                    + "gCgafFRFo5Blc5vLhf3eCOj1yNhM5GRMVK0aATxPZoz09YXjkQDmczJgquGQAPp9WwCNBgG027YACgUC6HRsAZRKBDAY2AJoNv/ZnwzA6WSc"
                    + "znG3p4UAymXGAEkyXrTFAh8fLAGqagQAyGaZpYsi7bHTNPz8MEj//LxuFPo+UBS8vb0KaLXubrRa7aX0RMLCykwmn0z3+XA4WACcTpCkh9MF"
                    + "AZpmuVXo+mO/w+/HZvNgbblcUCxaSo/Hyck80Yu6XXDcvfVZr79cvMZjuN2U9O9vKAqjZrfbIZ0mV4TUi9Xqz6jddNy//7+e3n8Fhf/Llo2k"
                    + "xi8AQyGRoDkmAhAAAAAASUVORK5CYII=";

    /** One case: its id, request body, whether it streams, and its semantic validators. */
    record Case(String id, String body, boolean streaming, List<Function<JsonNode, List<String>>> validators) {}

    /** What a run of a case found; the case passed when {@code errors} is empty. */
    record Result(String id, List<String> errors, JsonNode response, List<ParsedEvent> events) {
        Result {
            errors = List.copyOf(errors);
        }
    }

    /** One event as the suite's SSE parser sees it: the {@code event:} name (or the type) and the data. */
    record ParsedEvent(String event, JsonNode data) {}

    static final Case BASIC_RESPONSE = new Case(
            "basic-response",
            """
            {"model": "%s", "input": [
              {"type": "message", "role": "user", "content": "Say hello in exactly 3 words."}]}
            """.formatted(MODEL),
            false,
            List.of(OfficialComplianceSuiteTest::hasOutput, OfficialComplianceSuiteTest::completedStatus));

    static final Case ASSISTANT_PHASE = new Case(
            "assistant-phase",
            """
            {"model": "%s", "input": [
              {"type": "message", "role": "assistant", "phase": "commentary",
               "content": "I should answer with the saved number."},
              {"type": "message", "role": "assistant", "phase": "final_answer", "content": "The number is four."},
              {"type": "message", "role": "user", "content": "Repeat only the number."}]}
            """.formatted(MODEL),
            false,
            List.of(OfficialComplianceSuiteTest::hasOutput, OfficialComplianceSuiteTest::completedStatus));

    static final Case STREAMING_RESPONSE = new Case(
            "streaming-response", """
            {"model": "%s", "input": [{"type": "message", "role": "user", "content": "Count from 1 to 5."}], \
            "stream": true}
            """.formatted(MODEL), true, List.of(OfficialComplianceSuiteTest::completedStatus));

    static final Case SYSTEM_PROMPT = new Case(
            "system-prompt",
            """
            {"model": "%s", "input": [
              {"type": "message", "role": "system", "content": "You are a pirate. Always respond in pirate speak."},
              {"type": "message", "role": "user", "content": "Say hello."}]}
            """.formatted(MODEL),
            false,
            List.of(OfficialComplianceSuiteTest::hasOutput, OfficialComplianceSuiteTest::completedStatus));

    static final Case TOOL_CALLING = new Case(
            "tool-calling",
            """
            {"model": "%s", "input": [
              {"type": "message", "role": "user", "content": "What's the weather like in San Francisco?"}],
             "tools": [{"type": "function", "name": "get_weather",
               "description": "Get the current weather for a location",
               "parameters": {"type": "object", "properties": {"location": {"type": "string",
                 "description": "The city and state, e.g. San Francisco, CA"}}, "required": ["location"]}}]}
            """.formatted(MODEL),
            false,
            List.of(OfficialComplianceSuiteTest::hasOutput, response -> hasOutputType(response, "function_call")));

    static final Case IMAGE_INPUT = new Case(
            "image-input",
            """
            {"model": "%s", "input": [{"type": "message", "role": "user", "content": [
              {"type": "input_text", "text": "What do you see in this image? Answer in one sentence."},
              {"type": "input_image", "image_url": "%s"}]}]}
            """.formatted(MODEL, HEART_PNG),
            false,
            List.of(OfficialComplianceSuiteTest::hasOutput, OfficialComplianceSuiteTest::completedStatus));

    static final Case MULTI_TURN = new Case(
            "multi-turn",
            """
            {"model": "%s", "input": [
              {"type": "message", "role": "user", "content": "My name is Alice."},
              {"type": "message", "role": "assistant",
               "content": "Hello Alice! Nice to meet you. How can I help you today?"},
              {"type": "message", "role": "user", "content": "What is my name?"}]}
            """.formatted(MODEL),
            false,
            List.of(OfficialComplianceSuiteTest::hasOutput, OfficialComplianceSuiteTest::completedStatus));

    /** The suite's only local case: no request, a fixture response with both assistant phases. */
    static final String PHASE_FIXTURE = "response-output-phase-schema";

    static final List<Case> HTTP_CASES = List.of(
            BASIC_RESPONSE, ASSISTANT_PHASE, STREAMING_RESPONSE, SYSTEM_PROMPT, TOOL_CALLING, IMAGE_INPUT, MULTI_TURN);

    // ---- one test per case ------------------------------------------------------------------------------------

    @Test
    void basicResponse() {
        assertPasses(run(BASIC_RESPONSE));
    }

    @Test
    void assistantPhase() {
        Result result = assertPasses(run(ASSISTANT_PHASE));
        // Beyond the suite: both phased assistant messages reach the model as history, in order.
        JsonNode messages = single(gateway.upstreamRequests()).json().path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("content").asText()).isEqualTo("I should answer with the saved number.");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("The number is four.");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("user");
        assertThat(result.response().path("status").asText()).isEqualTo("completed");
    }

    @Test
    void responseOutputPhaseSchema() {
        Result result = assertPasses(phaseFixture());
        assertThat(result.response().path("output")).hasSize(2);
    }

    @Test
    void streamingResponse() {
        Result result = assertPasses(run(STREAMING_RESPONSE));
        assertThat(result.events()).isNotEmpty();
        assertThat(result.events().get(0).event()).isEqualTo("response.created");
        assertThat(result.events().get(result.events().size() - 1).event()).isEqualTo("response.completed");
        StringBuilder text = new StringBuilder();
        result.events().stream()
                .filter(e -> e.event().equals("response.output_text.delta"))
                .forEach(e -> text.append(e.data().path("delta").asText()));
        assertThat(text).hasToString("You said: Count from 1 to 5.");
    }

    @Test
    void systemPrompt() {
        assertPasses(run(SYSTEM_PROMPT));
        JsonNode messages = single(gateway.upstreamRequests()).json().path("messages");
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText())
                .isEqualTo("You are a pirate. Always respond in pirate speak.");
    }

    @Test
    void toolCalling() {
        Result result = assertPasses(run(TOOL_CALLING));
        JsonNode call = result.response().path("output").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"location\":\"San Francisco, CA\"}");
        // The echoed tool carries all five FunctionTool keys (checked by the schema too).
        assertThat(result.response().at("/tools/0/strict").isMissingNode()).isFalse();
    }

    @Test
    void imageInput() {
        Result result = assertPasses(run(IMAGE_INPUT));
        JsonNode content = single(gateway.upstreamRequests()).json().at("/messages/0/content");
        assertThat(content.get(1).path("type").asText()).isEqualTo("image_url");
        assertThat(content.get(1).at("/image_url/url").asText()).isEqualTo(HEART_PNG);
        assertThat(outputText(result.response()))
                .isEqualTo("You said: What do you see in this image? Answer in one sentence. (with an image)");
    }

    @Test
    void multiTurn() {
        assertPasses(run(MULTI_TURN));
        JsonNode messages = single(gateway.upstreamRequests()).json().path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
    }

    /** {@code compact-response}: a valid {@code CompactResource} whose output holds a {@code compaction} item. */
    @Test
    void compactResponse() throws Exception {
        HttpResponse<String> response = compact("""
                {"model": "%s", "prompt_cache_key": "compliance-compact",
                 "input": [{"type": "message", "role": "user", "content": "Hello, can you help me?"},
                           {"type": "message", "role": "assistant", "content": "Of course! What do you need?"}]}
                """.formatted(MODEL));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).contains("application/json");
        JsonNode compacted = OrsJson.mapper().readTree(response.body());
        SpecSchemas.assertValid("CompactResource", compacted);
        assertThat(compacted.path("object").asText()).isEqualTo("response.compaction");
        assertThat(compacted.path("output")).isNotEmpty();
        assertThat(compacted.path("output").findValuesAsText("type")).contains("compaction");
        // The demo model wrote the summary from a transcript of the first message.
        assertThat(single(gateway.upstreamRequests())
                        .json()
                        .at("/messages/0/content")
                        .asText())
                .contains("user: Hello, can you help me?");
    }

    /** {@code compact-missing-model}: 400 or 422 (the suite reads no body). */
    @Test
    void compactMissingModel() throws Exception {
        HttpResponse<String> response = compact("""
                {"input": [{"type": "message", "role": "user", "content": "Hello"}]}
                """);

        assertThat(response.statusCode()).isIn(400, 422);
        assertThat(gateway.upstreamRequests()).isEmpty();
    }

    private static HttpResponse<String> compact(String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses/compact"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer test-key")
                        .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    /** The suite fires every case at once: all cases, twice each, on 8 threads, released together. */
    @Test
    void allCasesConcurrentlyOnEightThreads() throws Exception {
        int rounds = 2;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Result>> futures = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                for (Case c : HTTP_CASES) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        return run(c);
                    }));
                }
                futures.add(pool.submit(() -> {
                    start.await();
                    return phaseFixture();
                }));
            }
            start.countDown();
            List<String> failures = new ArrayList<>();
            for (Future<Result> future : futures) {
                Result result = future.get(60, TimeUnit.SECONDS);
                if (!result.errors().isEmpty()) {
                    failures.add(result.id() + ": " + result.errors());
                }
            }
            assertThat(failures).as("failed cases").isEmpty();
            assertThat(futures).hasSize(rounds * (HTTP_CASES.size() + 1));
            assertThat(gateway.exchanges()).hasSize(rounds * HTTP_CASES.size());
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- the suite's runner -----------------------------------------------------------------------------------

    /** Runs a case as the suite's {@code runTest} does. */
    static Result run(Case c) {
        List<String> errors = new ArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer test-key")
                .POST(HttpRequest.BodyPublishers.ofString(c.body(), UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
        } catch (IOException e) {
            return new Result(c.id(), List.of(e.toString()), null, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(c.id(), List.of("interrupted"), null, List.of());
        }
        if (response.statusCode() != 200) {
            return new Result(
                    c.id(), List.of("HTTP " + response.statusCode() + ": " + response.body()), null, List.of());
        }
        String contentType = response.headers().firstValue("content-type").orElse("");
        JsonNode finalResponse;
        List<ParsedEvent> events = List.of();
        if (c.streaming()) {
            if (!contentType.startsWith("text/event-stream")) {
                errors.add("Content-Type " + contentType);
            }
            SseResult sse = parseSse(response.body());
            events = sse.events();
            errors.addAll(sse.errors());
            if (events.isEmpty()) {
                errors.add("No streaming events received");
            }
            finalResponse = sse.finalResponse();
        } else {
            if (!contentType.contains("application/json")) {
                // The suite reads the body as text then, and the schema check fails.
                errors.add("Content-Type " + contentType + " is not application/json");
            }
            finalResponse = parse(response.body(), errors);
        }
        return check(c.id(), finalResponse, events, c.validators(), errors);
    }

    /** The local fixture case: the fixture must be a valid ResponseResource with both phases. */
    static Result phaseFixture() {
        JsonNode fixture;
        try (InputStream in =
                OfficialComplianceSuiteTest.class.getResourceAsStream("/compliance/" + PHASE_FIXTURE + ".json")) {
            fixture = OrsJson.mapper().readTree(in);
        } catch (IOException e) {
            return new Result(PHASE_FIXTURE, List.of(e.toString()), null, List.of());
        }
        return check(
                PHASE_FIXTURE,
                fixture,
                List.of(),
                List.of(
                        OfficialComplianceSuiteTest::hasOutput,
                        OfficialComplianceSuiteTest::completedStatus,
                        response -> hasAssistantMessagePhase(response, "commentary"),
                        response -> hasAssistantMessagePhase(response, "final_answer")),
                new ArrayList<>());
    }

    /** The final response's schema check, then the semantic validators (only on a schema-valid response). */
    private static Result check(
            String id,
            JsonNode finalResponse,
            List<ParsedEvent> events,
            List<Function<JsonNode, List<String>>> validators,
            List<String> errors) {
        if (finalResponse == null || finalResponse.isNull()) {
            errors.add("no final response");
            return new Result(id, errors, null, events);
        }
        List<String> schemaErrors = SpecSchemas.errors("ResponseResource", finalResponse);
        errors.addAll(schemaErrors);
        if (schemaErrors.isEmpty()) {
            for (Function<JsonNode, List<String>> validator : validators) {
                errors.addAll(validator.apply(finalResponse));
            }
        }
        return new Result(id, errors, finalResponse, events);
    }

    record SseResult(List<ParsedEvent> events, List<String> errors, JsonNode finalResponse) {}

    /**
     * The suite's {@code parseSSEStream}: split on {@code \n}; {@code event:} and {@code data:} lines set the current
     * name and data (so only the last {@code data:} line of an event counts); a blank line ends an event that has
     * data; {@code [DONE]} is skipped; each event is validated against the union of the event schemas; the final
     * response is the {@code response} of the last terminal event. The suite resets its accumulators on every network
     * read; here the whole body is parsed at once, and {@link WireRules} checks that each frame travels as one chunk,
     * which is what makes the suite's reading safe. Beyond the suite: the {@code event:} name must equal the type.
     */
    static SseResult parseSse(String body) {
        List<ParsedEvent> events = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        JsonNode finalResponse = null;
        String[] lines = body.split("\n", -1);
        String currentEvent = "";
        String currentData = "";
        // The last element is what follows the last \n: the suite keeps it in its buffer, unparsed.
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            if (line.startsWith("event:")) {
                currentEvent = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                currentData = line.substring(5).trim();
            } else if (line.isEmpty() && !currentData.isEmpty()) {
                if (!currentData.equals("[DONE]")) {
                    try {
                        JsonNode parsed = OrsJson.mapper().readTree(currentData);
                        String type = parsed.path("type").asText("unknown");
                        events.add(new ParsedEvent(currentEvent.isEmpty() ? type : currentEvent, parsed));
                        errors.addAll(eventErrors(parsed));
                        if (!currentEvent.equals(type)) {
                            errors.add("event: " + currentEvent + " but type " + type);
                        }
                        if (TERMINAL.contains(type)) {
                            finalResponse = parsed.get("response");
                        }
                    } catch (JsonProcessingException e) {
                        errors.add("Failed to parse event data: " + currentData);
                    }
                }
                currentEvent = "";
                currentData = "";
            }
        }
        return new SseResult(events, errors, finalResponse);
    }

    private static List<String> eventErrors(JsonNode event) {
        String schema;
        try {
            schema = SpecSchemas.eventSchemaName(event);
        } catch (AssertionError e) {
            return List.of("Event validation failed for " + event.path("type").asText("unknown") + ": unknown type");
        }
        return SpecSchemas.errors(schema, event).stream()
                .map(error ->
                        "Event validation failed for " + event.path("type").asText() + ": " + error)
                .toList();
    }

    // ---- the suite's validators -------------------------------------------------------------------------------

    static List<String> hasOutput(JsonNode response) {
        return response.path("output").isEmpty() ? List.of("Response has no output items") : List.of();
    }

    static List<String> completedStatus(JsonNode response) {
        String status = response.path("status").asText();
        return status.equals("completed")
                ? List.of()
                : List.of("Expected status \"completed\" but got \"" + status + "\"");
    }

    static List<String> hasOutputType(JsonNode response, String type) {
        for (JsonNode item : response.path("output")) {
            if (item.path("type").asText().equals(type)) {
                return List.of();
            }
        }
        return List.of("Expected output item of type \"" + type + "\" but none found");
    }

    static List<String> hasAssistantMessagePhase(JsonNode response, String phase) {
        for (JsonNode item : response.path("output")) {
            if (item.path("type").asText().equals("message")
                    && item.path("role").asText().equals("assistant")
                    && item.path("phase").asText().equals(phase)) {
                return List.of();
            }
        }
        return List.of("Expected assistant output message with phase \"" + phase + "\" but none found");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Result assertPasses(Result result) {
        assertThat(result.errors()).as(result.id() + " errors").isEmpty();
        return result;
    }

    private static JsonNode parse(String body, List<String> errors) {
        try {
            return OrsJson.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            errors.add("body is not JSON: " + body);
            return null;
        }
    }

    private static String outputText(JsonNode response) {
        StringBuilder text = new StringBuilder();
        for (JsonNode item : response.path("output")) {
            for (JsonNode part : item.path("content")) {
                if (part.path("type").asText().equals("output_text")) {
                    text.append(part.path("text").asText());
                }
            }
        }
        return text.toString();
    }

    private static RecordedRequest single(List<RecordedRequest> requests) {
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }
}
