package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.UpstreamFixtures;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.Script;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chat-stream shapes of real providers that differ from OpenAI's, through the whole HTTP path (client, standalone
 * server, scripted upstream sending the provider's chunks as they are): each becomes the response OpenAI's shape
 * would have.
 */
@Timeout(60)
class ProviderQuirksTest {

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withScriptedUpstream();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static final String WEATHER_TOOL = "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"unit\":{\"type\":\"string\"}}}}]";

    @Test
    void toolCallArgumentsSentAsAnObjectBecomeTheSameFunctionCall() throws Exception {
        // Some Ollama-compatible servers put the arguments object itself where OpenAI puts its JSON text.
        gateway.upstream()
                .enqueue(Script.dataLine("{\"id\":\"chatcmpl-812\",\"object\":\"chat.completion.chunk\","
                                + "\"created\":1764079466,\"model\":\"qwen2.5:7b\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{"
                                + "\"id\":\"call_x7k2m9qa\",\"index\":0,\"type\":\"function\",\"function\":{"
                                + "\"name\":\"get_weather\",\"arguments\":{\"city\":\"Toronto\",\"unit\":\"celsius\"}}}]},"
                                + "\"finish_reason\":null}]}")
                        .finishReason("tool_calls"));

        JsonNode response = create(
                "{\"model\":\"qwen2.5:7b\",\"input\":\"Weather in Toronto?\"," + WEATHER_TOOL + ",\"stream\":true}");

        JsonNode call = response.at("/output/0");
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("call_id").asText()).isEqualTo("call_x7k2m9qa");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"city\":\"Toronto\",\"unit\":\"celsius\"}");
    }

    @Test
    void usageSentInsideTheChoiceIsTheResponsesUsage() throws Exception {
        // Moonshot puts the usage of a stream in its last choice instead of the chunk.
        gateway.upstream()
                .enqueue(Script.dataLine("{\"id\":\"chatcmpl-6a1f\",\"object\":\"chat.completion.chunk\","
                                + "\"created\":1764079520,\"model\":\"moonshot-v1-8k\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"role\":\"assistant\",\"content\":\"Hello.\"},\"finish_reason\":null}]}")
                        .thenDataLine("{\"id\":\"chatcmpl-6a1f\",\"object\":\"chat.completion.chunk\","
                                + "\"created\":1764079520,\"model\":\"moonshot-v1-8k\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{},\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":19,"
                                + "\"completion_tokens\":13,\"total_tokens\":32}}]}"));

        JsonNode response = create("{\"model\":\"moonshot-v1-8k\",\"input\":\"Hi\",\"stream\":true}");

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Hello.");
        assertThat(response.at("/usage/input_tokens").asInt()).isEqualTo(19);
        assertThat(response.at("/usage/output_tokens").asInt()).isEqualTo(13);
        assertThat(response.at("/usage/total_tokens").asInt()).isEqualTo(32);
    }

    // ---- recorded-style fixtures (ors-core's fixtures/upstream; its README names the report behind each)

    @Test
    void azureContentFilterChunksWithoutChoicesOrDeltaAreSkipped() throws Exception {
        JsonNode response = replay("azure/content-filter.sse", "gpt-4o");

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("output")).hasSize(1);
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Hello there.");
        assertThat(response.path("model").asText()).isEqualTo("gpt-4o");
    }

    @Test
    void azureNullDeltaOnTheFinishChunkStillFinishes() throws Exception {
        JsonNode response = replay("azure/null-delta.sse", "gpt-4.1-mini");

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Done.");
    }

    @Test
    void emptyFinishReasonOnEveryChunkIsNoFinish() throws Exception {
        JsonNode response = replay("ollama/empty-finish-reason.sse", "mistral:latest");

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo(" Hello there!");
    }

    @Test
    void parallelCallsThatAllSayIndexZeroStaySeparateCalls() throws Exception {
        JsonNode response = replay("ollama/parallel-calls-same-index.sse", "qwen2.5-coder:7b", WEATHER_TOOL);

        assertThat(calls(response))
                .containsExactly(
                        "call_k3v9x2mq get_weather {\"city\":\"Paris\"}",
                        "call_p8w4n7rz get_weather {\"city\":\"Tokyo\"}");
    }

    @Test
    void geminiToolCallsWithoutIndexAreKeyedByTheirIds() throws Exception {
        JsonNode response = replay("gemini/tool-calls-no-index.sse", "gemini-3-flash-preview", WEATHER_TOOL);

        assertThat(calls(response))
                .containsExactly(
                        "call_297140 get_weather {\"city\":\"Paris\"}", "call_297141 get_weather {\"city\":\"Tokyo\"}");
        assertThat(response.at("/usage/input_tokens").asInt()).isEqualTo(61);
        assertThat(response.at("/usage/output_tokens").asInt()).isEqualTo(24);
    }

    @Test
    void geminisThoughtSignaturesGoBackOnItsCallsWhenTheConversationContinues() throws Exception {
        // Gemini 3 signs the first of parallel calls and answers 400 when the next turn lacks it (openai/codex#7519).
        JsonNode signature = OrsJson.mapper()
                .readTree(
                        "{\"google\":{\"thought_signature\":\"CiQB0e2Kb3mQvX9pLr4TzW8sYcN1aHd7fJkE2uGq6oBxV5tMnS0=\"}}");
        JsonNode first = replay("gemini/tool-calls-no-index.sse", "gemini-3-flash-preview", WEATHER_TOOL);
        assertThat(first.at("/output/0/ors:extra_content")).isEqualTo(signature);
        assertThat(first.at("/output/1").has("ors:extra_content")).isFalse();
        String id = first.path("id").asText();
        HttpResponse<String> stored = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses/" + id))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
        assertThat(OrsJson.mapper().readTree(stored.body()).at("/output/0/ors:extra_content"))
                .isEqualTo(signature);

        gateway.upstream().enqueue(Script.text("18 degrees in Paris, 22 in Tokyo."));
        HttpResponse<String> reply = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"gemini-3-flash-preview\",\"previous_response_id\":\"" + id + "\","
                                        + WEATHER_TOOL + ",\"input\":["
                                        + "{\"type\":\"function_call_output\",\"call_id\":\"call_297140\",\"output\":\"18C\"},"
                                        + "{\"type\":\"function_call_output\",\"call_id\":\"call_297141\",\"output\":\"22C\"}]}",
                                UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        List<RecordedRequest> requests = gateway.upstreamRequests();
        JsonNode calls = requests.get(requests.size() - 1).json().at("/messages/1/tool_calls");
        assertThat(calls.get(0).get("extra_content")).isEqualTo(signature);
        assertThat(calls.get(1).has("extra_content")).isFalse();
        assertThat(calls.toString()).doesNotContain("ors:");
    }

    @Test
    void anEmptyToolCallIdIsNoIdAndTheGatewayMakesOne() throws Exception {
        JsonNode response = replay("gemini/empty-tool-call-id.sse", "gemini-2.0-flash", WEATHER_TOOL);

        JsonNode call = response.at("/output/0");
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("call_id").asText()).startsWith("call_");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void mistralSendsWholeCallsWithTheFinishInOneChunk() throws Exception {
        JsonNode response = replay("mistral/tool-calls-one-chunk.sse", "mistral-large-latest", WEATHER_TOOL);

        // Mistral's 9-character ids are kept: Mistral refuses any other shape when the calls are sent back.
        assertThat(calls(response))
                .containsExactly(
                        "D681PevKs get_weather {\"city\": \"Paris\"}", "x7Qm2RtLw get_weather {\"city\": \"Tokyo\"}");
        assertThat(response.at("/usage/input_tokens").asInt()).isEqualTo(91);
        assertThat(response.at("/usage/output_tokens").asInt()).isEqualTo(42);
    }

    @Test
    void aToolCallHeaderRepeatedInEveryChunkIsOneCall() throws Exception {
        JsonNode response = replay("fireworks/repeated-tool-call-header.sse", "glm-5p2", WEATHER_TOOL);

        assertThat(calls(response)).containsExactly("chatcmpl-tool-aa62 get_weather {\"city\": \"Paris\"}");
    }

    @Test
    void anEmptyNameOnContinuationFragmentsKeepsTheCallsName() throws Exception {
        JsonNode response = replay("lmstudio/empty-name-fragments.sse", "qwen/qwen3-4b", WEATHER_TOOL);

        assertThat(calls(response)).containsExactly("365174485 get_weather {\"city\":\"Paris\"}");
    }

    @Test
    void tgiEosTokenFinishWithoutDoneCompletes() throws Exception {
        JsonNode response = replay("tgi/eos-token-no-done.sse", "llama-3-8b");

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Deep learning.");
    }

    @Test
    void chunksWithoutIdCreatedOrIndexAreRead() throws Exception {
        JsonNode response = replay("localai/sparse-chunks.sse", "ggml-gpt4all-j");

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("1 2 3");
        assertThat(response.at("/usage/total_tokens").asInt()).isZero();
    }

    @Test
    void dataFieldsWithoutASpaceAreRead() throws Exception {
        JsonNode response = replay("proxy/data-without-space.sse", "Ling-flash-2.0");

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Spring says hi.");
    }

    @Test
    void aSingleChoiceIsTheAnswerWhateverItsIndex() throws Exception {
        JsonNode response = replay("foundry-local/choice-index-per-chunk.sse", "qwen2.5-1.5b");

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Why not, maybe.");
    }

    @Test
    void crlfLineEndingsAndPingCommentsAreRead() throws Exception {
        JsonNode response = replay("sse-starlette/crlf-ping.sse", "qwen2.5-7b");

        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Line endings.");
    }

    @Test
    void theLastTokenAndALengthFinishInOneChunkThenTheUsageChunk() throws Exception {
        JsonNode response = replay("vllm/finish-with-last-token.sse", "llama-3.1-8b");

        assertThat(response.path("status").asText()).isEqualTo("incomplete");
        assertThat(response.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("One two three");
        assertThat(response.at("/usage/input_tokens").asInt()).isEqualTo(26);
        assertThat(response.at("/usage/output_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void aRepeatedFinishChunkCarryingTheUsageEndsOneMessage() throws Exception {
        JsonNode response = replay("openrouter/duplicate-finish.sse", "openai/gpt-oss-120b:free");

        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("output")).hasSize(1);
        assertThat(response.at("/output/0/content/0/text").asText()).isEqualTo("Sure.");
        assertThat(response.at("/usage/total_tokens").asInt()).isEqualTo(15);
    }

    @Test
    void integerIdsAreReadAsText() throws Exception {
        JsonNode response = replay("nvidia/numeric-ids.sse", "z-ai/glm4.7", WEATHER_TOOL);

        assertThat(calls(response)).containsExactly("908172635 get_weather {\"city\":\"Paris\"}");
    }

    /** Sends the fixture as the upstream's whole answer to a streamed request for {@code model}. */
    private static JsonNode replay(String fixture, String model, String... fields) throws Exception {
        gateway.upstream().enqueue(Script.raw(UpstreamFixtures.text(fixture)).withoutDone());
        StringBuilder body = new StringBuilder("{\"model\":\"" + model + "\",\"input\":\"Go\",\"stream\":true");
        for (String field : fields) {
            body.append(',').append(field);
        }
        return create(body.append('}').toString());
    }

    /** Each function_call of the output as "call_id name arguments". */
    private static List<String> calls(JsonNode response) {
        List<String> calls = new ArrayList<>();
        for (JsonNode item : response.path("output")) {
            assertThat(item.path("type").asText()).isEqualTo("function_call");
            calls.add(item.path("call_id").asText() + " " + item.path("name").asText() + " "
                    + item.path("arguments").asText());
        }
        return calls;
    }

    /** Streams {@code body} and returns the terminal event's response. */
    private static JsonNode create(String body) throws Exception {
        HttpResponse<String> reply = HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        JsonNode terminal = null;
        for (String line : reply.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode event = OrsJson.mapper().readTree(line.substring("data: ".length()));
                if (TERMINAL.contains(event.path("type").asText())) {
                    terminal = event;
                }
            }
        }
        assertThat(terminal).as(reply.body()).isNotNull();
        return terminal.path("response");
    }

    private static final List<String> TERMINAL =
            List.of("response.completed", "response.incomplete", "response.failed");
}
