package dev.orsgateway.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputImage;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.inputitems.InputItemListPage;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.Script;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java}) as a real client of the running gateway, with
 * {@code responseValidation(true)}: every response and every streamed event must parse into the SDK's typed models
 * and pass their strict validation. The bytes the server sends are also checked against the spec by
 * {@link LiveGateway}.
 */
@Timeout(60)
class OpenAiJavaSdkTest {

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withScriptedUpstream();

    private static final String MODEL = "scripted-model";
    private static final String IMAGE =
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42"
                    + "mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    private static OpenAIClient client;

    @BeforeAll
    static void client() {
        client = strictClient(gateway.baseUrl());
    }

    /** The SDK as the tests use it: strict validation, no retries. */
    static OpenAIClient strictClient(String baseUrl) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl)
                .apiKey("test")
                // Strict: the SDK validates every response and event it parses, and fails on anything missing.
                .responseValidation(true)
                // A failure must surface, not be retried away.
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void theModelListAndOneModelParseStrictly() {
        List<String> ids = new ArrayList<>();
        client.models().list().autoPager().forEach(model -> ids.add(model.id() + "@" + model.ownedBy()));

        // One upstream serving every model: the list is what the upstream itself lists.
        assertThat(ids).containsExactly("scripted@scripted");
        com.openai.models.models.Model one = client.models().retrieve("any-model-name");
        assertThat(one.id()).isEqualTo("any-model-name");
        assertThat(one.ownedBy()).isEqualTo("default");
    }

    @Test
    void createReturnsWhatTheModelSaid() {
        gateway.upstream().enqueue(Script.text("Hello", " from", " the", " scripted", " model."));

        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Say hello")
                        .build());

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(outputText(response)).isEqualTo("Hello from the scripted model.");
        assertThat(response.usage()).isPresent();
        assertThat(response.model().asString()).isEqualTo(MODEL);
        RecordedRequest upstream = single(gateway.upstreamRequests());
        assertThat(upstream.json().at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(upstream.json().at("/messages/0/content").asText()).isEqualTo("Say hello");
    }

    @Test
    void createStreamingDeliversTypedEventsThatAddUpToTheText() {
        gateway.upstream().enqueue(Script.text("Streaming", " works", " word", " by", " word."));

        StringBuilder text = new StringBuilder();
        List<String> types = new ArrayList<>();
        AtomicReference<Response> completed = new AtomicReference<>();
        // A malformed event throws out of the stream (from the SDK's parsing or validation) and fails the test.
        try (StreamResponse<ResponseStreamEvent> stream = client.responses()
                .createStreaming(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Stream something")
                        .build())) {
            stream.stream().forEach(event -> {
                types.add(type(event));
                event.outputTextDelta().ifPresent(delta -> text.append(delta.delta()));
                event.completed().ifPresent(done -> completed.set(done.response()));
            });
        }

        assertThat(text).hasToString("Streaming works word by word.");
        assertThat(types).first().isEqualTo("response.created");
        assertThat(types).last().isEqualTo("response.completed");
        assertThat(types).contains("response.output_text.delta", "response.output_text.done");
        Response response = completed.get();
        assertThat(response).isNotNull();
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(outputText(response)).isEqualTo("Streaming works word by word.");
        assertThat(response.usage()).isPresent();
        // The SDK saw every event the server sent: none was dropped on the way.
        WireRecorder.Exchange exchange = single(gateway.exchanges());
        WireRules.SseStream onTheWire = WireRules.sse(exchange, new ArrayList<>());
        assertThat(types)
                .containsExactlyElementsOf(onTheWire.events().stream()
                        .map(event -> event.path("type").asText())
                        .toList());
    }

    @Test
    void retrieveReturnsTheStoredResponse() {
        gateway.upstream().enqueue(Script.text("Stored", " answer."));
        Response created = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Remember this")
                        .build());

        Response retrieved = client.responses().retrieve(created.id());

        assertThat(retrieved.id()).isEqualTo(created.id());
        assertThat(retrieved.status()).contains(ResponseStatus.COMPLETED);
        assertThat(outputText(retrieved)).isEqualTo("Stored answer.");
    }

    @Test
    void retrieveStreamingReplaysTheStoredResponseAsTypedEvents() {
        gateway.upstream().enqueue(Script.text("Replayed", " in", " order."));
        Response created = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Remember this")
                        .build());

        StringBuilder text = new StringBuilder();
        List<String> types = new ArrayList<>();
        AtomicReference<Response> completed = new AtomicReference<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().retrieveStreaming(created.id())) {
            stream.stream().forEach(event -> {
                types.add(type(event));
                event.outputTextDelta().ifPresent(delta -> text.append(delta.delta()));
                event.completed().ifPresent(done -> completed.set(done.response()));
            });
        }

        assertThat(text).hasToString("Replayed in order.");
        assertThat(types)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        assertThat(completed.get().id()).isEqualTo(created.id());
        assertThat(outputText(completed.get())).isEqualTo("Replayed in order.");
    }

    @Test
    void deleteRemovesTheResponse() {
        gateway.upstream().enqueue(Script.text("Soon", " gone."));
        Response created = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("Forget this")
                        .build());

        client.responses().delete(created.id());

        assertThatThrownBy(() -> client.responses().retrieve(created.id()))
                .isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertThat(((NotFoundException) e).statusCode()).isEqualTo(404));
    }

    @Test
    void inputItemsListsTheInputNewestFirst() {
        gateway.upstream().enqueue(Script.text("Listed."));
        Response created = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .inputOfResponse(List.of(
                                message(EasyInputMessage.Role.SYSTEM, "Be brief."),
                                message(EasyInputMessage.Role.USER, "first"),
                                message(EasyInputMessage.Role.ASSISTANT, "second"),
                                message(EasyInputMessage.Role.USER, "third")))
                        .build());

        InputItemListPage page = client.responses().inputItems().list(created.id());

        assertThat(page.hasMore()).contains(false);
        assertThat(page.data()).hasSize(4);
        assertThat(page.data().stream().map(OpenAiJavaSdkTest::messageText).toList())
                .containsExactly("third", "second", "first", "Be brief.");
        assertThat(page.response().firstId())
                .isEqualTo(page.data().get(0).asResponseInputMessageItem().id());
        assertThat(page.response().lastId())
                .isEqualTo(page.data().get(3).asResponseInputMessageItem().id());
    }

    @Test
    void toolCallRoundTripThroughPreviousResponseId() {
        gateway.upstream()
                .enqueue(Script.toolCalls(Script.call("get_weather", "{\"location\":\"Paris\"}")
                        .withId("call_paris")
                        .inFragments("{\"loca", "tion\":\"Pa", "ris\"}")));
        gateway.upstream().enqueue(Script.text("It", " is", " 21", " degrees", " in", " Paris."));
        FunctionTool weather = FunctionTool.builder()
                .name("get_weather")
                .description("Get the current weather for a location")
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty(
                                "properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                        .build())
                .strict(false)
                .build();

        // Turn 1, streamed: the function call arrives as typed events.
        AtomicReference<Response> first = new AtomicReference<>();
        StringBuilder arguments = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses()
                .createStreaming(ResponseCreateParams.builder()
                        .model(MODEL)
                        .input("What is the weather in Paris?")
                        .addTool(weather)
                        .build())) {
            stream.stream().forEach(event -> {
                event.functionCallArgumentsDelta().ifPresent(delta -> arguments.append(delta.delta()));
                event.completed().ifPresent(done -> first.set(done.response()));
            });
        }
        assertThat(arguments).hasToString("{\"location\":\"Paris\"}");
        ResponseFunctionToolCall call = first.get().output().stream()
                .flatMap(item -> item.functionCall().stream())
                .collect(single());
        assertThat(call.callId()).isEqualTo("call_paris");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"location\":\"Paris\"}");

        // Turn 2: the tool's output, continuing from turn 1 by id.
        Response second = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .previousResponseId(first.get().id())
                        .inputOfResponse(List.of(
                                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                        .callId(call.callId())
                                        .output("{\"temperature\":21}")
                                        .build())))
                        .addTool(weather)
                        .build());

        assertThat(second.status()).contains(ResponseStatus.COMPLETED);
        assertThat(second.previousResponseId()).contains(first.get().id());
        assertThat(outputText(second)).isEqualTo("It is 21 degrees in Paris.");
        List<RecordedRequest> upstream = gateway.upstreamRequests();
        assertThat(upstream).hasSize(2);
        JsonNode messages = upstream.get(1).json().path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).at("/tool_calls/0/id").asText()).isEqualTo("call_paris");
        assertThat(messages.get(1).at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo("call_paris");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("{\"temperature\":21}");
    }

    @Test
    void imageInputReachesTheUpstreamAsAnImageUrlPart() {
        // No script: the demo model answers, and says that it saw an image.
        Response response = client.responses()
                .create(ResponseCreateParams.builder()
                        .model(MODEL)
                        .inputOfResponse(List.of(ResponseInputItem.ofMessage(ResponseInputItem.Message.builder()
                                .role(ResponseInputItem.Message.Role.USER)
                                .addInputTextContent("What is in this image?")
                                .addContent(ResponseInputImage.builder()
                                        .detail(ResponseInputImage.Detail.AUTO)
                                        .imageUrl(IMAGE)
                                        .build())
                                .build())))
                        .build());

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(outputText(response)).isEqualTo("You said: What is in this image? (with an image)");
        JsonNode content = single(gateway.upstreamRequests()).json().at("/messages/0/content");
        assertThat(content).hasSize(2);
        assertThat(content.get(0).path("type").asText()).isEqualTo("text");
        assertThat(content.get(0).path("text").asText()).isEqualTo("What is in this image?");
        assertThat(content.get(1).path("type").asText()).isEqualTo("image_url");
        assertThat(content.get(1).at("/image_url/url").asText()).isEqualTo(IMAGE);
        assertThat(content.get(1).at("/image_url/detail").asText()).isEqualTo("auto");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static ResponseInputItem message(EasyInputMessage.Role role, String text) {
        return ResponseInputItem.ofEasyInputMessage(
                EasyInputMessage.builder().role(role).content(text).build());
    }

    /** The text of all output_text parts of all assistant messages, as the SDK reconstructs them. */
    private static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        for (ResponseOutputItem item : response.output()) {
            for (ResponseOutputMessage.Content content :
                    item.message().map(ResponseOutputMessage::content).orElse(List.of())) {
                content.outputText().map(ResponseOutputText::text).ifPresent(text::append);
            }
        }
        return text.toString();
    }

    /** The text of a listed input message: a user or system message, or an assistant message of the history. */
    private static String messageText(ResponseItem item) {
        if (item.isResponseOutputMessage()) {
            return item.asResponseOutputMessage().content().stream()
                    .map(content -> content.asOutputText().text())
                    .collect(Collectors.joining());
        }
        return item.asResponseInputMessageItem().content().stream()
                .map(content -> content.asInputText().text())
                .collect(Collectors.joining());
    }

    /** The event's type, from the JSON the SDK parsed it from. */
    private static String type(ResponseStreamEvent event) {
        JsonValue json = event._json().orElseThrow(() -> new AssertionError("an event without its JSON: " + event));
        return json.convert(JsonNode.class).path("type").asText();
    }

    private static <T> T single(List<T> list) {
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    private static <T> java.util.stream.Collector<T, ?, T> single() {
        return Collectors.collectingAndThen(Collectors.toList(), OpenAiJavaSdkTest::single);
    }
}
