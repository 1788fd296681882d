package dev.orsgateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.InMemoryResponseStore;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.routing.RetryPolicy;
import dev.orsgateway.core.routing.Route;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.testing.ScriptedUpstream;
import dev.orsgateway.core.upstream.Redactor;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Routing, fallback and retries through the gateway, with two in-process scripted upstreams: which upstream a model
 * reaches and under which name, which failures move on to the next target and which do not, and what is stored.
 */
@Timeout(30)
class RoutingTest {
    private static final RetryPolicy NO_BACKOFF =
            new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(20));

    private final ScriptedUpstream a = new ScriptedUpstream();
    private final ScriptedUpstream b = new ScriptedUpstream();
    private final InMemoryResponseStore store = new InMemoryResponseStore();

    private OrsGateway gateway(RetryPolicy retry, Route... routes) {
        Router.Builder router =
                Router.builder().upstream("a", a).upstream("b", b).retry(retry);
        for (Route route : routes) {
            router.route(route);
        }
        return OrsGateway.builder()
                .router(router.build())
                .store(store)
                .transcoder(new GatewayTest.EchoTranscoder())
                .idGenerator(IdGenerator.sequential())
                .build();
    }

    private OrsGateway failover() {
        return gateway(NO_BACKOFF, Route.forModel("m").to("a").to("b", "m-on-b").build());
    }

    private static CreateResponseRequest request(String model) {
        return CreateResponseRequest.builder().model(model).input("hi").build();
    }

    @Test
    void modelsReachTheirRoutesUpstreamUnderTheNameTheRouteGives() {
        OrsGateway gateway = gateway(
                NO_BACKOFF,
                Route.forModel("fast").to("b", "llama3.2:3b").build(),
                Route.forModel("gpt-*").to("a").build());
        a.enqueueText("from a");
        b.enqueueText("from b");

        Response fromA = stream(gateway, request("gpt-4o")).join();
        Response fromB = stream(gateway, request("fast")).join();

        assertThat(text(fromA)).isEqualTo("from a");
        assertThat(a.lastRequest().model()).isEqualTo("gpt-4o");
        assertThat(text(fromB)).isEqualTo("from b");
        assertThat(b.lastRequest().model()).isEqualTo("llama3.2:3b");
        assertThat(fromB.model()).isEqualTo("fast"); // the client's name, not the upstream's
        assertThat(store.find(fromA.id()).orElseThrow().upstream()).isEqualTo("a");
        assertThat(store.find(fromB.id()).orElseThrow().upstream()).isEqualTo("b");
    }

    @Test
    void thePreviewIsWhatTheRoutesFirstTargetReceives() {
        OrsGateway gateway = gateway(
                NO_BACKOFF,
                Route.forModel("fast").to("b", "llama3.2:3b").to("a").build());

        assertThat(gateway.previewUpstreamRequest(request("fast"), null).model())
                .isEqualTo("llama3.2:3b");
        assertThat(a.requestCount() + b.requestCount()).isZero();
    }

    @Test
    void aModelNoRouteServesIsA404BeforeAnyUpstreamCall() {
        OrsGateway gateway = gateway(NO_BACKOFF, Route.forModel("gpt-*").to("a").build());

        assertThatThrownBy(() -> gateway.respond(request("llama3"))).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.error().code()).isEqualTo("model_not_found");
            assertThat(e.error().param()).isEqualTo("model");
            assertThat(e.getMessage()).contains("'llama3'", "gpt-*");
        });
        assertThat(a.requestCount()).isZero();
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void a503BeforeAnyOutputFallsBackToTheNextTarget() {
        OrsGateway gateway = failover();
        a.enqueueFailure(503, "server_error", "upstream_error", "overloaded");
        b.enqueueText("fallback answer");

        Response response = stream(gateway, request("m")).join();

        assertThat(text(response)).isEqualTo("fallback answer");
        assertThat(response.model()).isEqualTo("m");
        assertThat(a.requestCount()).isEqualTo(1);
        assertThat(b.lastRequest().model()).isEqualTo("m-on-b");
        assertThat(store.find(response.id()).orElseThrow().upstream()).isEqualTo("b");
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void aFailureAfterOutputBeganIsNeverRetried() {
        OrsGateway gateway = failover();
        a.enqueueFailureAfter(
                ScriptedUpstream.partialTextChunks("partial "),
                new OrsException(new ErrorPayload("server_error", "upstream_error", "broke", null), 502));

        Events events = new Events();
        gateway.respond(request("m")).subscribe(events);
        events.done.join();

        assertThat(events.types()).endsWith("response.output_text.delta", "error", "response.failed");
        assertThat(b.requestCount()).isZero();
        Response failed = ((ResponseEvent.Lifecycle) events.events.get(events.events.size() - 1)).response();
        assertThat(store.find(failed.id()).orElseThrow().upstream()).isEqualTo("a");
    }

    @Test
    void aClientErrorIsAnsweredAtOnceWithoutFallback() {
        OrsGateway gateway = failover();
        a.enqueueFailure(400, "invalid_request", "context_length_exceeded", "too long");

        assertThatThrownBy(() -> stream(gateway, request("m")).join())
                .cause()
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        assertThat(b.requestCount()).isZero();
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void anAttemptThatSendsNothingWithinTheFirstByteTimeoutIsAbandonedForTheNext() throws Exception {
        OrsGateway gateway = gateway(
                NO_BACKOFF,
                Route.forModel("m")
                        .to("a")
                        .to("b")
                        .firstByteTimeout(Duration.ofMillis(200))
                        .build());
        ScriptedUpstream.Script stalled = a.enqueueStallAfter(List.of());
        b.enqueueText("on time");

        Response response = stream(gateway, request("m")).join();

        assertThat(text(response)).isEqualTo("on time");
        assertThat(stalled.awaitCancelled(Duration.ofSeconds(5))).isTrue();
        assertThat(store.find(response.id()).orElseThrow().upstream()).isEqualTo("b");
    }

    @Test
    void whenEveryTargetStallsTheClientGetsA504() {
        OrsGateway gateway = gateway(
                NO_BACKOFF,
                Route.forModel("m")
                        .to("a")
                        .firstByteTimeout(Duration.ofMillis(100))
                        .build(),
                Route.forModel("n").to("b").build());
        a.enqueueStallAfter(List.of());

        assertThatThrownBy(() -> stream(gateway, request("m")).join())
                .cause()
                .isInstanceOfSatisfying(OrsException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(504);
                    assertThat(e.error().code()).isEqualTo("upstream_timeout");
                    assertThat(e.getMessage()).contains("first-byte timeout (100 ms)");
                });
    }

    @Test
    void aRetryWaitsAtLeastTheUpstreamsRetryAfter() {
        OrsGateway gateway = gateway(
                new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(20)),
                Route.forModel("m").to("a").build());
        a.enqueueFailure(OrsException.tooManyRequests("rate_limit_exceeded", "slow down", Duration.ofMillis(400)));
        a.enqueueText("second try");

        long start = System.nanoTime();
        Response response = stream(gateway, request("m")).join();
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(text(response)).isEqualTo("second try");
        assertThat(a.requestCount()).isEqualTo(2);
        assertThat(waitedMillis).isGreaterThanOrEqualTo(400);
    }

    @Test
    void aProvidersRetryAfterHeadersAreHonouredAsTheTransportsReportThem() {
        OrsGateway gateway = gateway(
                new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(20)),
                Route.forModel("m").to("a").build());
        // What a transport makes of OpenAI's 429: the headers are kept on the error, not as its own delay.
        a.enqueueFailure(new UpstreamErrors("a", new Redactor(List.of()))
                .fromHttp(
                        429,
                        "application/json",
                        "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}",
                        name -> name.equals("retry-after-ms") ? "350" : name.equals("retry-after") ? "1" : null));
        a.enqueueText("after the wait");

        long start = System.nanoTime();
        Response response = stream(gateway, request("m")).join();
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(text(response)).isEqualTo("after the wait");
        assertThat(waitedMillis).isGreaterThanOrEqualTo(350);
    }

    @Test
    void retryAfterIsReadFromSecondsMillisecondsOrAnHttpDate() {
        assertThat(RoutedCall.retryAfter(withHeaders(Map.of("Retry-After", "7"))))
                .contains(Duration.ofSeconds(7));
        assertThat(RoutedCall.retryAfter(withHeaders(Map.of("retry-after-ms", "1500", "retry-after", "9"))))
                .contains(Duration.ofMillis(1500));
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
        assertThat(RoutedCall.retryAfter(withHeaders(Map.of("retry-after", inAMinute)))
                        .orElseThrow())
                .isBetween(Duration.ofSeconds(55), Duration.ofSeconds(61));
        assertThat(RoutedCall.retryAfter(withHeaders(Map.of("retry-after", "soon"))))
                .isEmpty();
        assertThat(RoutedCall.retryAfter(withHeaders(Map.of()))).isEmpty();
        assertThat(RoutedCall.retryAfter(OrsException.tooManyRequests("c", "m", Duration.ofSeconds(3))))
                .contains(Duration.ofSeconds(3));
    }

    private static OrsException withHeaders(Map<String, String> headers) {
        return new OrsException(new ErrorPayload("too_many_requests", "rate_limited", "slow down", null, headers), 429);
    }

    @Test
    void aRetryAfterBeyondTheDeadlineEndsTheAttemptsAtOnceWithTheRateLimit() {
        OrsGateway gateway = gateway(
                new RetryPolicy(3, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(2)),
                Route.forModel("m").to("a").build());
        a.enqueueFailure(OrsException.tooManyRequests("rate_limit_exceeded", "slow down", Duration.ofSeconds(60)));

        assertThatThrownBy(() -> stream(gateway, request("m")).join())
                .cause()
                .isInstanceOfSatisfying(OrsException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(429);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(60));
                });
        assertThat(a.requestCount()).isEqualTo(1);
    }

    @Test
    void everyTargetIsTriedInEachRoundAndTheLastFailureIsTheAnswer() {
        OrsGateway gateway = gateway(
                new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(20)),
                Route.forModel("m").to("a").to("b").build());
        a.enqueueFailure(502, "server_error", "upstream_unreachable", "refused");
        b.enqueueFailure(503, "server_error", "upstream_error", "b down");
        a.enqueueFailure(502, "server_error", "upstream_unreachable", "refused again");
        b.enqueueFailure(500, "server_error", "upstream_error", "b still down");

        assertThatThrownBy(() -> stream(gateway, request("m")).join())
                .cause()
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.getMessage()).isEqualTo("b still down"));
        assertThat(a.requestCount()).isEqualTo(2);
        assertThat(b.requestCount()).isEqualTo(2);
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void aNonStreamedCallFallsBackToo() {
        OrsGateway gateway = failover();
        a.enqueueFailure(502, "server_error", "upstream_unreachable", "refused");
        b.enqueueCompletion(b.completion("whole answer"));

        Response response = gateway.complete(request("m")).join();

        assertThat(text(response)).isEqualTo("whole answer");
        assertThat(b.lastRequest().model()).isEqualTo("m-on-b");
        assertThat(store.find(response.id()).orElseThrow().upstream()).isEqualTo("b");
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void aConversationMayContinueOnAnotherUpstreamThanItBeganOn() {
        OrsGateway gateway = gateway(
                NO_BACKOFF,
                Route.forModel("big").to("a").build(),
                Route.forModel("small").to("b").build());
        a.enqueueText("first answer");
        b.enqueueText("second answer");

        Response first = stream(gateway, request("big")).join();
        Response second = stream(
                        gateway,
                        CreateResponseRequest.builder()
                                .model("small")
                                .previousResponseId(first.id())
                                .input("and then?")
                                .build())
                .join();

        assertThat(text(second)).isEqualTo("second answer");
        // b received the whole history that a served: the echo transcoder writes one message per item.
        assertThat(b.lastRequest().messages()).hasSize(3);
        assertThat(store.find(second.id()).orElseThrow().upstream()).isEqualTo("b");
    }

    @Test
    void theModelListHasEveryExactRouteAndWhatPatternRoutesUpstreamsList() {
        ChatCompletionsUpstream listing = new Listing(CompletableFuture.completedFuture(List.of(
                new ModelInfo("llama3.2", 1, "library"),
                new ModelInfo("qwen3", 2, null),
                new ModelInfo("fast", 3, null))));
        ChatCompletionsUpstream failing =
                new Listing(CompletableFuture.failedFuture(new IllegalStateException("down")));
        Router router = Router.builder()
                .upstream("ollama", listing)
                .upstream("openai", failing)
                .route(Route.forModel("fast").to("ollama", "llama3.2:3b").build())
                .route(Route.forModel("gpt-*").to("openai").build())
                .route(Route.forModel("*").to("openai").to("ollama").build()) // openai cannot list: ollama can
                .build();
        OrsGateway gateway = OrsGateway.builder()
                .router(router)
                .transcoder(new GatewayTest.EchoTranscoder())
                .build();

        List<ModelInfo> models = gateway.models().join();

        assertThat(models)
                .containsExactly(
                        new ModelInfo("fast", 0, "ollama"),
                        new ModelInfo("llama3.2", 1, "library"),
                        new ModelInfo("qwen3", 2, "ollama"));
    }

    // ---- helpers

    private static CompletableFuture<Response> stream(OrsGateway gateway, CreateResponseRequest request) {
        Events events = new Events();
        gateway.respond(request).subscribe(events);
        return events.done.thenApply(ignored -> {
            ResponseEvent last = events.events.get(events.events.size() - 1);
            return ((ResponseEvent.Lifecycle) last).response();
        });
    }

    private static String text(Response response) {
        return Gateway.outputText(response);
    }

    /** An upstream that only lists models. */
    private record Listing(CompletableFuture<List<ModelInfo>> models) implements ChatCompletionsUpstream {
        @Override
        public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String describe() {
            return "listing";
        }

        @Override
        public CompletableFuture<List<ModelInfo>> listModels() {
            return models;
        }
    }

    /** Collects a stream's events; {@code done} completes (or fails) with the stream. */
    static final class Events implements Flow.Subscriber<ResponseEvent> {
        final List<ResponseEvent> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        Flow.Subscription subscription() {
            return subscription;
        }

        @Override
        public void onNext(ResponseEvent event) {
            events.add(event);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error instanceof CompletionException ? error.getCause() : error);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        List<String> types() {
            return events.stream().map(ResponseEvent::type).toList();
        }
    }
}
