package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.examples.scripted.Script;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
                if (event.path("type").asText().equals("response.completed")) {
                    terminal = event;
                }
            }
        }
        assertThat(terminal).as(reply.body()).isNotNull();
        return terminal.path("response");
    }
}
