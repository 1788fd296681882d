package dev.orsgateway.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.Tool;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.upstream.okhttp.OkHttpChatCompletionsUpstream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A two-turn conversation with a function tool, in-process: the model asks for {@code get_weather}, this program
 * runs it, and the second turn sends only the tool's output with {@code previous_response_id}: the gateway replays
 * the first turn from its SQLite store.
 *
 * <p>Environment: {@code UPSTREAM_URL} (a Chat Completions URL, or {@code demo} for the built-in scripted model;
 * default {@code demo}), {@code OPENAI_API_KEY} (optional), {@code MODEL} (default {@code gpt-4o-mini}).
 */
public final class InProcessExample {
    private InProcessExample() {}

    /** Runs the conversation and prints it. */
    public static void main(String[] args) throws Exception {
        String upstreamUrl = System.getenv().getOrDefault("UPSTREAM_URL", "demo");
        String model = System.getenv().getOrDefault("MODEL", "gpt-4o-mini");
        Path database = Files.createTempDirectory("ors-example").resolve("ors.db");
        try (ScriptedChatServer demo = "demo".equals(upstreamUrl) ? ScriptedChatServer.start() : null) {
            String url = demo != null ? demo.baseUrl().toString() : upstreamUrl;
            try (OkHttpChatCompletionsUpstream upstream = OkHttpChatCompletionsUpstream.builder()
                            .baseUrl(url)
                            .apiKey(System.getenv("OPENAI_API_KEY"))
                            .build();
                    JdbcResponseStore store = JdbcResponseStore.open(database)) {
                OrsGateway gateway = OrsGateway.builder()
                        .transcoder(ChatTranscoder.create())
                        .upstream(upstream)
                        .store(store)
                        .build();
                run(gateway, model, System.out);
            }
        }
    }

    /** The conversation itself: returns the final answer. */
    static String run(OrsGateway gateway, String model, PrintStream out) throws Exception {
        JsonNode parameters = OrsJson.mapper()
                .readTree("{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},"
                        + "\"required\":[\"location\"]}");
        List<Tool> tools = List.of(Tool.Function.of("get_weather", "Current weather for a city", parameters));

        // Turn 1, streamed: print text as it arrives, collect the final response.
        Response first = stream(
                gateway,
                CreateResponseRequest.builder()
                        .model(model)
                        .input("What is the weather in Paris?")
                        .tools(tools)
                        .build(),
                out);
        Item.FunctionCall call = first.output().stream()
                .filter(Item.FunctionCall.class::isInstance)
                .map(Item.FunctionCall.class::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the model did not call get_weather"));
        out.println("[tool call] " + call.name() + " " + call.arguments());

        // Run the tool, then turn 2: only the output, the gateway replays turn 1.
        String result = getWeather(OrsJson.mapper().readTree(call.arguments()));
        Response second = gateway.complete(CreateResponseRequest.builder()
                        .model(model)
                        .previousResponseId(first.id())
                        .input(List.of(Item.FunctionCallOutput.of(call.callId(), result)))
                        .tools(tools)
                        .build())
                .join();
        String answer = second.output().stream()
                .filter(Item.Message.class::isInstance)
                .map(item -> ((Item.Message) item).text())
                .findFirst()
                .orElse("");
        out.println("[answer] " + answer);
        return answer;
    }

    private static Response stream(OrsGateway gateway, CreateResponseRequest request, PrintStream out) {
        return gateway.respond(request, null, event -> {
                    if (event instanceof ResponseEvent.OutputTextDelta delta) {
                        out.print(delta.delta());
                    }
                })
                .join();
    }

    private static String getWeather(JsonNode arguments) {
        String location = arguments.path("location").asText("somewhere");
        return OrsJson.write(Map.of("location", location, "temperature_c", 18, "sky", "cloudy"));
    }
}
