package dev.orsgateway.examples.scripted;

import static dev.orsgateway.examples.scripted.Script.call;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatContentPart;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatTool;
import dev.orsgateway.core.chat.ChatToolCall;
import dev.orsgateway.core.chat.ChatToolCallDelta;
import dev.orsgateway.core.chat.ChatToolChoice;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.CompletionChoice;
import dev.orsgateway.core.json.OrsJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptedChatServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ScriptedChatServer server;

    @BeforeEach
    void start() {
        server = ScriptedChatServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- scripts ---------------------------------------------------------------------------------------------

    @Test
    void streamsATextScriptAsOpenAiChunks() throws Exception {
        server.enqueue(Script.text("Hello", " world").usage(3, 2));

        HttpResponse<String> response =
                post(userRequest("Hi").stream(true).streamOptions(new ChatCompletionRequest.StreamOptions(true)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> data = dataLines(response.body());
        assertThat(data).hasSize(5).last().isEqualTo("[DONE]");
        assertThat(response.body()).startsWith("data: {").endsWith("}\n\ndata: [DONE]\n\n");

        List<ChatChunk> chunks = chunks(data);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.object()).isEqualTo(ChatChunk.OBJECT);
            assertThat(chunk.model()).isEqualTo("test-model");
            assertThat(chunk.id()).isEqualTo(chunks.get(0).id());
        });
        assertThat(delta(chunks.get(0)).role()).isEqualTo("assistant");
        assertThat(delta(chunks.get(0)).content()).isEqualTo("Hello");
        assertThat(delta(chunks.get(1)).role()).isNull();
        assertThat(delta(chunks.get(1)).content()).isEqualTo(" world");
        assertThat(chunks.get(2).choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(delta(chunks.get(2)).content()).isNull();
        assertThat(chunks.get(3).choices()).isEmpty();
        assertThat(chunks.get(3).usage()).isEqualTo(new ChatUsage(3, 2, 5));
    }

    @Test
    void oneScriptServesAStreamingAndANonStreamingRequest() throws Exception {
        Script script = Script.text("Hello", " world");
        server.enqueue(script);
        server.enqueue(script);

        List<ChatChunk> streamed = chunks(
                dataLines(post(userRequest("Say hello please").stream(true)).body()));
        assertThat(streamed).hasSize(3);
        assertThat(streamed).noneMatch(chunk -> chunk.usage() != null); // include_usage was not asked for

        HttpResponse<String> response = post(userRequest("Say hello please"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        ChatCompletion completion = OrsJson.read(response.body(), ChatCompletion.class);
        assertThat(completion.object()).isEqualTo(ChatCompletion.OBJECT);
        assertThat(completion.model()).isEqualTo("test-model");
        CompletionChoice choice = completion.choices().get(0);
        assertThat(choice.message().content().asText()).isEqualTo("Hello world");
        assertThat(choice.message().toolCalls()).isNull();
        assertThat(choice.finishReason()).isEqualTo("stop");
        assertThat(completion.usage()).isEqualTo(new ChatUsage(3, 2, 5)); // words by default
        assertThat(OrsJson.mapper()
                        .readTree(response.body())
                        .at("/choices/0/message/role")
                        .asText())
                .isEqualTo("assistant");
        assertThat(server.queuedScripts()).isZero();
    }

    @Test
    void streamsToolCallsAfterLeadingText() throws Exception {
        Script script = Script.text("Let me check. ")
                .thenToolCalls(
                        call("get_weather", "{\"location\":\"Paris\"}")
                                .withId("call_w")
                                .inFragments("{\"location\"", ":\"Paris\"}"),
                        call("get_time", "{}"));
        server.enqueue(script);
        server.enqueue(script);

        List<ChatChunk> chunks =
                chunks(dataLines(post(userRequest("Weather?").stream(true)).body()));
        // text, call 0 header + 2 fragments, call 1 header + 1 fragment, finish
        assertThat(chunks).hasSize(7);
        assertThat(delta(chunks.get(0)).content()).isEqualTo("Let me check. ");
        ChatToolCallDelta header = delta(chunks.get(1)).toolCalls().get(0);
        assertThat(header.index()).isZero();
        assertThat(header.id()).isEqualTo("call_w");
        assertThat(header.type()).isEqualTo("function");
        assertThat(header.function().name()).isEqualTo("get_weather");
        assertThat(header.function().arguments()).isEmpty();
        Map<Integer, StringBuilder> arguments = new LinkedHashMap<>();
        Map<Integer, String> ids = new LinkedHashMap<>();
        for (ChatChunk chunk : chunks) {
            if (delta(chunk) != null && delta(chunk).toolCalls() != null) {
                for (ChatToolCallDelta call : delta(chunk).toolCalls()) {
                    if (call.id() != null) {
                        ids.put(call.index(), call.id());
                    }
                    arguments
                            .computeIfAbsent(call.index(), i -> new StringBuilder())
                            .append(call.function().arguments());
                }
            }
        }
        assertThat(ids).containsExactly(Map.entry(0, "call_w"), Map.entry(1, "call_1_1"));
        assertThat(arguments.get(0)).hasToString("{\"location\":\"Paris\"}");
        assertThat(arguments.get(1)).hasToString("{}");
        assertThat(chunks.get(6).choices().get(0).finishReason()).isEqualTo("tool_calls");

        ChatCompletion completion = OrsJson.read(post(userRequest("Weather?")).body(), ChatCompletion.class);
        ChatMessage.AssistantMessage message = completion.choices().get(0).message();
        assertThat(message.content().asText()).isEqualTo("Let me check. ");
        assertThat(message.toolCalls())
                .containsExactly(
                        ChatToolCall.function("call_w", "get_weather", "{\"location\":\"Paris\"}"),
                        ChatToolCall.function("call_2_1", "get_time", "{}"));
        assertThat(completion.choices().get(0).finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void reasoningRefusalFinishReasonHeadersAndModel() throws Exception {
        server.enqueue(Script.reasoning("Thinking", " hard.")
                .thenText("Done")
                .finishReason("length")
                .header("x-request-id", "req-42")
                .model("other-model"));
        HttpResponse<String> response = post(userRequest("Go").stream(true));
        assertThat(response.headers().firstValue("x-request-id")).hasValue("req-42");
        List<ChatChunk> chunks = chunks(dataLines(response.body()));
        assertThat(delta(chunks.get(0)).reasoningContent()).isEqualTo("Thinking");
        assertThat(delta(chunks.get(0)).role()).isEqualTo("assistant");
        assertThat(delta(chunks.get(2)).content()).isEqualTo("Done");
        assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo("length");
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.model()).isEqualTo("other-model"));

        server.enqueue(Script.reasoning("Thinking", " hard.").thenText("Done"));
        ChatCompletion completion = OrsJson.read(post(userRequest("Go")).body(), ChatCompletion.class);
        assertThat(completion.choices().get(0).message().reasoningContent()).isEqualTo("Thinking hard.");
        assertThat(completion.usage().reasoningTokens()).isEqualTo(2);
        assertThat(completion.usage().completionTokens()).isEqualTo(3);

        server.enqueue(Script.refusal("I can't", " help with that."));
        completion = OrsJson.read(post(userRequest("Go")).body(), ChatCompletion.class);
        assertThat(completion.choices().get(0).message().refusal()).isEqualTo("I can't help with that.");
        assertThat(completion.choices().get(0).message().content()).isNull();
    }

    @Test
    void dataLineScriptsWriteRawEvents() throws Exception {
        String error = "{\"error\":{\"message\":\"Upstream overloaded\",\"code\":502}}";
        server.enqueue(Script.dataLine(error));
        assertThat(dataLines(post(userRequest("Hi").stream(true)).body())).containsExactly(error, "[DONE]");

        server.enqueue(Script.text("Hel").thenDataLine(error).withoutDone());
        List<String> data = dataLines(post(userRequest("Hi").stream(true)).body());
        assertThat(data).hasSize(3).element(1).isEqualTo(error);
        assertThat(data).doesNotContain("[DONE]");

        server.enqueue(Script.raw(": keep-alive\n\n").thenDataLine(error));
        assertThat(post(userRequest("Hi").stream(true)).body())
                .isEqualTo(": keep-alive\n\ndata: " + error + "\n\ndata: [DONE]\n\n");

        server.enqueue(Script.dataLine(error));
        HttpResponse<String> response = post(userRequest("Hi"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(error);
    }

    @Test
    void chunkDelayOnlySlowsTheStream() throws Exception {
        server.enqueue(Script.text("a", "b").chunkDelay(Duration.ofMillis(5)));
        server.setDemoChunkDelay(Duration.ofMillis(5));

        assertThat(chunks(dataLines(post(userRequest("Hi").stream(true)).body())))
                .hasSize(3);
        assertThat(chunks(dataLines(post(userRequest("Hi").stream(true)).body())))
                .extracting(chunk -> delta(chunk).content())
                .containsExactly("You ", "said: ", "Hi", null);
    }

    // ---- the demo model --------------------------------------------------------------------------------------

    @Test
    void demoModelEchoesTheUserWordByWord() throws Exception {
        HttpResponse<String> response = post(userRequest("hello there,  friend").stream(true)
                .streamOptions(new ChatCompletionRequest.StreamOptions(true))
                .addMessage(ChatMessage.assistant("Anything else?"))
                .addMessage(ChatMessage.user("yes:  tell me more")));

        List<ChatChunk> chunks = chunks(dataLines(response.body()));
        assertThat(chunks.subList(0, 6))
                .extracting(chunk -> delta(chunk).content())
                .containsExactly("You ", "said: ", "yes:  ", "tell ", "me ", "more");
        assertThat(chunks.get(6).choices().get(0).finishReason()).isEqualTo("stop");
        // prompt: 3 + 2 + 4 words; completion: 6 words
        assertThat(chunks.get(7).usage()).isEqualTo(new ChatUsage(9, 6, 15));
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.model()).isEqualTo("test-model"));
    }

    @Test
    void demoModelMentionsAnImage() throws Exception {
        ChatCompletionRequest.Builder request = ChatCompletionRequest.builder()
                .model("vision")
                .addMessage(ChatMessage.user(
                        ChatContentPart.text("What is"),
                        ChatContentPart.imageUrl("https://example.com/cat.png"),
                        ChatContentPart.text("this?")));
        assertThat(text(request)).isEqualTo("You said: What is this? (with an image)");

        request = ChatCompletionRequest.builder()
                .model("vision")
                .addMessage(ChatMessage.user(ChatContentPart.imageUrl("https://example.com/cat.png")));
        assertThat(text(request)).isEqualTo("You sent an image.");
    }

    @Test
    void demoModelCallsTheFirstToolWithSynthesizedArguments() throws Exception {
        JsonNode schema = OrsJson.mapper().readTree("""
                        {"type":"object","properties":{
                          "location":{"type":"string"},
                          "homeCity":{"type":"string"},
                          "unit":{"type":"string","enum":["celsius","fahrenheit"]},
                          "days":{"type":"integer"},
                          "threshold":{"type":["number","null"]},
                          "detailed":{"type":"boolean"},
                          "note":{"type":"string"},
                          "tags":{"type":"array","items":{"type":"string"}},
                          "window":{"type":"object","properties":{"from":{"type":"string"}}}
                        },"required":["location"]}
                        """);
        ChatCompletionRequest.Builder request = userRequest("What's the weather?")
                .addTool(ChatTool.function("get_weather", "Weather", schema))
                .addTool(ChatTool.function("get_time", "Time", null));
        String expected = "{\"location\":\"San Francisco, CA\",\"homeCity\":\"San Francisco, CA\","
                + "\"unit\":\"celsius\",\"days\":1,\"threshold\":1,\"detailed\":true,\"note\":\"example\","
                + "\"tags\":[],\"window\":{\"from\":\"example\"}}";

        ChatCompletion completion = OrsJson.read(post(request).body(), ChatCompletion.class);
        assertThat(completion.choices().get(0).finishReason()).isEqualTo("tool_calls");
        assertThat(completion.choices().get(0).message().content()).isNull();
        assertThat(completion.choices().get(0).message().toolCalls())
                .containsExactly(ChatToolCall.function("call_1_0", "get_weather", expected));

        List<ChatChunk> chunks = chunks(dataLines(post(request.stream(true)).body()));
        StringBuilder arguments = new StringBuilder();
        for (ChatChunk chunk : chunks.subList(1, chunks.size() - 1)) {
            String fragment = delta(chunk).toolCalls().get(0).function().arguments();
            assertThat(fragment.length()).isLessThanOrEqualTo(DemoModel.ARGUMENT_FRAGMENT_LENGTH);
            arguments.append(fragment);
        }
        assertThat(arguments).hasToString(expected);
        assertThat(delta(chunks.get(0)).toolCalls().get(0).id()).isEqualTo("call_2_0");
        assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
                .isEqualTo("tool_calls");

        // tool_choice "none" turns tools off; a named function is called instead of the first
        request.stream(false).toolChoice(ChatToolChoice.mode("none"));
        assertThat(text(request)).isEqualTo("You said: What's the weather?");
        request.toolChoice(ChatToolChoice.function("get_time"));
        completion = OrsJson.read(post(request).body(), ChatCompletion.class);
        assertThat(completion.choices().get(0).message().toolCalls().get(0).function())
                .satisfies(function -> {
                    assertThat(function.name()).isEqualTo("get_time");
                    assertThat(function.arguments()).isEqualTo("{}");
                });
    }

    @Test
    void demoModelReportsAToolResult() throws Exception {
        ChatCompletionRequest.Builder request = userRequest("What's the weather in Paris?")
                .addTool(ChatTool.function("get_weather", "Weather", null))
                .addMessage(ChatMessage.assistant(
                        List.of(ChatToolCall.function("call_1", "get_weather", "{\"location\": \"Paris\"}"))))
                .addMessage(ChatMessage.tool("call_1", "22 degrees and sunny"));

        ChatCompletion completion = OrsJson.read(post(request).body(), ChatCompletion.class);
        assertThat(completion.choices().get(0).message().content().asText())
                .isEqualTo("The tool returned: 22 degrees and sunny");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo("stop");
        // prompt: 5 user words + 1 name + 2 argument words + 4 tool words
        assertThat(completion.usage()).isEqualTo(new ChatUsage(12, 7, 19));
    }

    @Test
    void demoModelCutsAtMaxTokens() throws Exception {
        List<ChatChunk> chunks = chunks(dataLines(post(userRequest("one two three four").maxTokens(3).stream(true))
                .body()));
        assertThat(chunks).extracting(chunk -> delta(chunk).content()).containsExactly("You ", "said: ", "one ", null);
        assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo("length");

        ChatCompletion completion = OrsJson.read(
                post(userRequest("one two three four").maxTokens(100).maxCompletionTokens(4))
                        .body(),
                ChatCompletion.class);
        assertThat(completion.choices().get(0).message().content().asText()).isEqualTo("You said: one two ");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo("length");
        assertThat(completion.usage()).isEqualTo(new ChatUsage(4, 4, 8));

        completion = OrsJson.read(post(userRequest("one two").maxTokens(4)).body(), ChatCompletion.class);
        assertThat(completion.choices().get(0).finishReason()).isEqualTo("stop");
    }

    @Test
    void demoModelReasonsFirstWhenAskedTo() throws Exception {
        List<ChatChunk> chunks = chunks(dataLines(
                post(userRequest("Hi").reasoningEffort("low").stream(true)).body()));
        assertThat(delta(chunks.get(0)).reasoningContent()).isEqualTo("The ");
        StringBuilder reasoning = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (ChatChunk chunk : chunks.subList(0, chunks.size() - 1)) {
            if (delta(chunk).reasoningContent() != null) {
                assertThat(text).isEmpty();
                reasoning.append(delta(chunk).reasoningContent());
            } else {
                text.append(delta(chunk).content());
            }
        }
        assertThat(reasoning).hasToString("The user wrote something, so I will repeat it back.");
        assertThat(text).hasToString("You said: Hi");

        ChatCompletion completion =
                OrsJson.read(post(userRequest("Hi").reasoningEffort("none")).body(), ChatCompletion.class);
        assertThat(completion.choices().get(0).message().reasoningContent()).isNull();

        completion = OrsJson.read(
                post(userRequest("Weather?")
                                .reasoningEffort("high")
                                .addTool(ChatTool.function("get_weather", null, null)))
                        .body(),
                ChatCompletion.class);
        assertThat(completion.choices().get(0).message().reasoningContent())
                .isEqualTo("The user asked something the tool get_weather can answer, so I will call it.");
        assertThat(completion
                        .choices()
                        .get(0)
                        .message()
                        .toolCalls()
                        .get(0)
                        .function()
                        .arguments())
                .isEqualTo("{}");
        assertThat(completion.usage().reasoningTokens()).isEqualTo(14);
    }

    // ---- failures --------------------------------------------------------------------------------------------

    @Test
    void httpErrorScriptsReturnStatusBodyAndHeaders() throws Exception {
        String body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\"}}";
        server.enqueue(Script.httpError(429, body, Map.of("Retry-After", "7")));
        server.enqueue(Script.httpError(502, "<html><body>Bad gateway</body></html>", "text/html"));

        HttpResponse<String> limited = post(userRequest("Hi").stream(true));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).isEqualTo(body);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("7");
        assertThat(limited.headers().firstValue("content-type")).hasValue("application/json");

        HttpResponse<String> html = post(userRequest("Hi"));
        assertThat(html.statusCode()).isEqualTo(502);
        assertThat(html.body()).isEqualTo("<html><body>Bad gateway</body></html>");
        assertThat(html.headers().firstValue("content-type")).hasValue("text/html");

        assertThat(server.takeRequest().awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.COMPLETED);
    }

    @Test
    void dieAfterClosesTheConnectionWithoutDone() throws Exception {
        // A plain socket shows the bytes exactly: a normal stream ends its chunked body, a dying one does not.
        server.enqueue(Script.text("a", "b"));
        assertThat(rawExchange(userRequest("Hi").stream(true))).endsWith("data: [DONE]\n\n\r\n0\r\n\r\n");
        server.takeRequest();

        server.enqueue(Script.dieAfter(2));
        String raw = rawExchange(userRequest("Hi").stream(true));
        assertThat(raw).startsWith("HTTP/1.1 200").doesNotContain("[DONE]").doesNotEndWith("0\r\n\r\n");
        assertThat(dataLines(raw)).hasSize(2);
        assertThat(chunks(dataLines(raw)))
                .extracting(chunk -> delta(chunk).content())
                .containsExactly("This ", "answer ");
        assertThat(server.takeRequest().awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.DIED);

        // An HTTP client sees the truncated body as an error.
        server.enqueue(Script.dieAfter(2));
        assertThatThrownBy(() -> {
                    HttpResponse<InputStream> response = CLIENT.send(
                            request(userRequest("Hi").stream(true)), HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream body = response.body()) {
                        assertThat(new String(body.readAllBytes(), UTF_8)).doesNotContain("[DONE]");
                    }
                })
                .isInstanceOf(IOException.class);
        assertThat(server.takeRequest().awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.DIED);

        // A non-streaming request gets no answer at all.
        server.enqueue(Script.text("x").dyingAfter(0));
        assertThat(rawExchange(userRequest("Hi"))).isEmpty();
        assertThat(server.takeRequest().awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.DIED);
    }

    @Test
    void aClientCancellingAStalledStreamIsSeenAsADisconnect() throws Exception {
        server.enqueue(Script.stallAfter(1));

        HttpResponse<InputStream> response =
                CLIENT.send(request(userRequest("Hi").stream(true)), HttpResponse.BodyHandlers.ofInputStream());
        InputStream body = response.body();
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, UTF_8));
        assertThat(reader.readLine()).startsWith("data: {");
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.outcome()).isEmpty(); // still stalled
        assertThat(server.openConnections()).isEqualTo(1);

        body.close(); // the consumer cancels

        assertThat(server.awaitClientDisconnect(WAIT)).isTrue();
        assertThat(recorded.awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.CLIENT_DISCONNECTED);
        assertThat(server.clientDisconnects()).isEqualTo(1);
        assertThat(server.connectionsClosedByClient()).isEqualTo(1);
        assertThat(server.awaitClientDisconnect(Duration.ofMillis(50))).isFalse(); // consumed

        // the server still answers afterwards
        assertThat(text(userRequest("Still there?"))).isEqualTo("You said: Still there?");
    }

    @Test
    void closeReturnsPromptlyWithAStalledStreamOpen() throws Exception {
        server.enqueue(Script.text("a", "b").stallingAfter(1));
        HttpResponse<InputStream> response =
                CLIENT.send(request(userRequest("Hi").stream(true)), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), UTF_8));
        assertThat(reader.readLine()).startsWith("data: {");
        RecordedRequest recorded = server.takeRequest();

        assertTimeoutPreemptively(Duration.ofSeconds(5), server::close);

        assertThat(recorded.awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.SERVER_CLOSED);
        assertThat(server.openConnections()).isZero();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            List<String> rest = new ArrayList<>();
            try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    rest.add(line);
                }
            } catch (IOException expected) {
                // the connection was cut
            }
            assertThat(rest).doesNotContain("data: [DONE]");
        });
        assertThat(server.clientDisconnects()).isZero();
    }

    @Test
    void aHeldStreamGoesOnWhenReleased() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.enqueue(Script.text("a ", "b").holdingAfter(1, release));
        HttpResponse<InputStream> response =
                CLIENT.send(request(userRequest("Hi").stream(true)), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), UTF_8));
        assertThat(reader.readLine()).startsWith("data: {");
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.outcome()).isEmpty(); // held

        release.countDown();

        List<String> rest = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            rest.add(line);
        }
        assertThat(rest).contains("data: [DONE]");
        assertThat(String.join("\n", rest)).contains("\"b\"");
        assertThat(recorded.awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.COMPLETED);

        // Held without a stream: the answer comes once released.
        CountDownLatch later = new CountDownLatch(1);
        server.enqueue(Script.text("c").holdingAfter(0, later));
        var pending = CLIENT.sendAsync(request(userRequest("Hi")), HttpResponse.BodyHandlers.ofString());
        RecordedRequest held = server.takeRequest();
        assertThat(held.outcome()).isEmpty();
        later.countDown();
        assertThat(pending.get(5, TimeUnit.SECONDS).body()).contains("\"c\"");
    }

    @Test
    void stallingNonStreamingRequestEndsWhenTheServerCloses() throws Exception {
        server.enqueue(Script.stallAfter(0));
        var pending = CLIENT.sendAsync(request(userRequest("Hi")), HttpResponse.BodyHandlers.ofString());
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.outcome()).isEmpty();

        assertTimeoutPreemptively(Duration.ofSeconds(5), server::close);

        assertThat(recorded.awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.SERVER_CLOSED);
        assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> assertThatThrownBy(pending::join).hasCauseInstanceOf(IOException.class));
    }

    // ---- recording and routing -------------------------------------------------------------------------------

    @Test
    void recordsRequestsWithTheirHeaders() throws Exception {
        ChatCompletionRequest.Builder first = userRequest("First").temperature(0.5);
        CLIENT.send(
                HttpRequest.newBuilder(server.chatCompletionsUrl())
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer sk-test")
                        .header("X-Trace", "one")
                        .header("X-Trace", "two")
                        .POST(HttpRequest.BodyPublishers.ofString(OrsJson.write(first.build())))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                OrsJson.write(userRequest("Second").build())))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.sequence()).isEqualTo(1);
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.path()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.header("authorization")).isEqualTo("Bearer sk-test");
        assertThat(recorded.header("CONTENT-TYPE")).isEqualTo("application/json");
        assertThat(recorded.headers().get("x-trace")).containsExactly("one", "two");
        assertThat(recorded.header("x-missing")).isNull();
        assertThat(recorded.json().get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(recorded.chatRequest()).isEqualTo(first.build());
        assertThat(recorded.isStreaming()).isFalse();
        assertThat(recorded.awaitOutcome(WAIT)).isEqualTo(RecordedRequest.Outcome.COMPLETED);

        RecordedRequest second = server.takeRequest();
        assertThat(second.path()).isEqualTo("/chat/completions");
        assertThat(second.chatRequest().messages()).containsExactly(ChatMessage.user("Second"));
        assertThat(server.takeRequest(Duration.ofMillis(20))).isNull();
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(server.requests()).containsExactly(recorded, second);
    }

    @Test
    void rejectsWhatIsNotAChatRequestWithoutUsingAScript() throws Exception {
        server.enqueue(Script.text("kept"));

        HttpResponse<String> badJson = send(HttpRequest.newBuilder(server.chatCompletionsUrl())
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(OrsJson.mapper().readTree(badJson.body()).at("/error/type").asText())
                .isEqualTo("invalid_request_error");

        HttpResponse<String> unknown =
                send(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/models"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(unknown.statusCode()).isEqualTo(404);

        HttpResponse<String> get = send(HttpRequest.newBuilder(server.chatCompletionsUrl()));
        assertThat(get.statusCode()).isEqualTo(405);

        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(server.requests().get(0).body()).isEqualTo("{not json");
        assertThat(server.requests().get(0).json()).isNull();
        assertThat(server.queuedScripts()).isEqualTo(1);
        assertThat(text(userRequest("Hi"))).isEqualTo("kept");
    }

    @Test
    void reportsItsAddresses() {
        assertThat(server.port()).isPositive();
        assertThat(server.baseUrl()).hasToString("http://127.0.0.1:" + server.port() + "/v1");
        assertThat(server.chatCompletionsUrl())
                .hasToString("http://127.0.0.1:" + server.port() + "/v1/chat/completions");
    }

    @Test
    void aTakenPortIsAnError() {
        assertThatThrownBy(() -> ScriptedChatServer.start(server.port()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(String.valueOf(server.port()));
    }

    @Test
    void wordDeltasJoinBackToTheText() {
        assertThat(DemoModel.wordDeltas("You said:  a\nb ")).containsExactly("You ", "said:  ", "a\n", "b ");
        assertThat(DemoModel.wordDeltas(" lead")).containsExactly(" lead");
        assertThat(String.join("", DemoModel.fragments("{\"k\":\"\uD83D\uDE00\uD83D\uDE00\"}", 3)))
                .isEqualTo("{\"k\":\"\uD83D\uDE00\uD83D\uDE00\"}");
        assertThat(DemoModel.fragments("abcdefg", 3)).containsExactly("abc", "def", "g");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static ChatCompletionRequest.Builder userRequest(String text) {
        return ChatCompletionRequest.builder().model("test-model").addMessage(ChatMessage.user(text));
    }

    private HttpRequest request(ChatCompletionRequest.Builder request) {
        return HttpRequest.newBuilder(server.chatCompletionsUrl())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(OrsJson.write(request.build())))
                .build();
    }

    private HttpResponse<String> post(ChatCompletionRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request(request), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The text of a non-streaming answer. */
    private String text(ChatCompletionRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = post(request.stream(false));
        assertThat(response.statusCode()).isEqualTo(200);
        return OrsJson.read(response.body(), ChatCompletion.class)
                .choices()
                .get(0)
                .message()
                .content()
                .asText();
    }

    /** Sends a request over a plain socket; everything the server sent until it closed the connection. */
    private String rawExchange(ChatCompletionRequest.Builder request) throws IOException {
        byte[] body = OrsJson.writeBytes(request.build());
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(US_ASCII));
            out.write(body);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), UTF_8);
        }
    }

    /** The payloads of the {@code data:} lines of an SSE body. */
    private static List<String> dataLines(String body) {
        List<String> data = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
            }
        }
        return data;
    }

    /** The chunks among SSE payloads, without {@code [DONE]}. */
    private static List<ChatChunk> chunks(List<String> data) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (String payload : data) {
            if (!payload.equals("[DONE]")) {
                try {
                    chunks.add(OrsJson.read(payload, ChatChunk.class));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return chunks;
    }

    private static ChatDelta delta(ChatChunk chunk) {
        return chunk.choices().isEmpty() ? null : chunk.choices().get(0).delta();
    }
}
