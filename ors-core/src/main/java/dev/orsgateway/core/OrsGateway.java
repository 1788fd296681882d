package dev.orsgateway.core;

import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.internal.CompactionCipher;
import dev.orsgateway.core.internal.Compactor;
import dev.orsgateway.core.internal.Gateway;
import dev.orsgateway.core.internal.ModelList;
import dev.orsgateway.core.internal.ResponseReplay;
import dev.orsgateway.core.model.CompactRequest;
import dev.orsgateway.core.model.CompactResponse;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseObserver;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.ResponseTranscoder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * The Open Responses API, in-process: creates responses through a Chat Completions upstream, keeps them in a
 * {@link ResponseStore} so that {@code previous_response_id} replays whole conversations, and retrieves, lists and
 * deletes them. Thread-safe; build one and share it.
 *
 * <pre>{@code
 * OrsGateway gateway = OrsGateway.builder()
 *         .upstream(JdkHttpChatCompletionsUpstream.builder().baseUrl("http://localhost:11434/v1").build())
 *         .transcoder(ChatTranscoder.create())
 *         .store(SqliteResponseStore.builder().file(Path.of("ors.db")).build())
 *         .build();
 * Response response = gateway.complete(CreateResponseRequest.builder().model("llama3.2").input("Hi").build()).join();
 * }</pre>
 *
 * <p>Requests are validated, and {@code previous_response_id} resolved, before any upstream call: an invalid request
 * throws {@link OrsException} (400; 404 {@code previous_response_not_found} for an unknown id) from the calling
 * method. Every method that takes an {@code owner} scopes stored responses to it: a response stored under one owner
 * is not found (404) under another. {@code owner} is whatever identifies the caller (e.g. a hash of its API key), or
 * null when there is no authentication.
 */
public final class OrsGateway {
    /** The default of {@link Builder#maxConcurrentResponses}. */
    public static final int DEFAULT_MAX_CONCURRENT_RESPONSES = 10_000;

    private final Gateway gateway;
    private final RequestLimits requestLimits;

    private OrsGateway(Gateway gateway, RequestLimits requestLimits) {
        this.gateway = gateway;
        this.requestLimits = requestLimits;
    }

    /** A builder; {@link Builder#upstream} (or {@link Builder#router}) and {@link Builder#transcoder} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Streams a response: {@code response.created}, {@code response.in_progress}, the output item events and one
     * terminal event. The upstream call starts when the publisher is subscribed (once); cancelling the subscription
     * cancels it and stores nothing. The response is stored, unless {@code store} is false, before its terminal
     * event is delivered, so the next request can continue from it at once. An upstream failure before any output
     * arrives is signalled as {@code onError} with an {@link OrsException} carrying the upstream's status; after
     * output began, it ends the stream with {@code error} and {@code response.failed} events.
     *
     * <p>Demand bounds what a subscriber holds: the stream asks the upstream for a few dozen chunks ahead of the
     * subscriber's {@code request(n)}, so one that stops requesting stops the upstream after that prefetch (the
     * transport then stops reading its socket and TCP flow control holds the provider back). Nothing else ends such a
     * stream: it keeps its upstream call and connection (with OkHttp, a thread) until the subscriber cancels or
     * requests again. A subscriber that may stall (a network client, say) must cancel on its own timeout, as the
     * servlet does with its write timeout.
     */
    public Flow.Publisher<ResponseEvent> respond(CreateResponseRequest request, String owner) {
        return gateway.respond(request, owner);
    }

    /**
     * {@link #respond(CreateResponseRequest, String)} on a connection that keeps {@code cache} (the spec's WebSocket
     * mode): a {@code previous_response_id} naming the cache's latest response continues from it in memory, without
     * the store, so {@code store: false} chains continue on that connection; other ids are read from the store. The
     * response becomes the cache's latest before its terminal event is delivered, if it completed (or ended
     * incomplete). A continuation that fails, whether refused here, by the upstream or with {@code response.failed},
     * evicts its {@code previous_response_id}; see {@link ConnectionCache}.
     */
    public Flow.Publisher<ResponseEvent> respond(CreateResponseRequest request, String owner, ConnectionCache cache) {
        return gateway.respond(
                request, owner, Objects.requireNonNull(cache, "cache").memory());
    }

    /**
     * {@link #respond(CreateResponseRequest, String, ConnectionCache)} (with {@code cache} null: none) that also
     * reports this response's course to {@code watch}, beside the gateway's {@link Builder#observer observer}: for a
     * transport's own per-request record, such as the upstream that served it. Failures of {@code watch} are logged
     * and ignored.
     */
    public Flow.Publisher<ResponseEvent> respond(
            CreateResponseRequest request, String owner, ConnectionCache cache, ResponseObserver.Watch watch) {
        return gateway.respond(
                request, owner, cache == null ? null : cache.memory(), Objects.requireNonNull(watch, "watch"));
    }

    /** {@link #respond(CreateResponseRequest, String)} without an owner. */
    public Flow.Publisher<ResponseEvent> respond(CreateResponseRequest request) {
        return respond(request, null);
    }

    /**
     * Streams a response to {@code listener}, event by event, and completes with the final response (completed,
     * incomplete or failed) once its terminal event was handled: the simplest way to stream in-process. The future
     * fails with an {@link OrsException} when the upstream fails before any output; cancelling it cancels the
     * upstream call. The listener runs on the thread that delivers the event; it must not block for long.
     */
    public CompletableFuture<Response> respond(
            CreateResponseRequest request, String owner, Consumer<? super ResponseEvent> listener) {
        return gateway.respond(request, owner, listener);
    }

    /**
     * Creates a response without streaming, through a non-streaming upstream call. The future fails with an
     * {@link OrsException} when the upstream fails, or when the response cannot be stored (500, code
     * {@code storage_error}); the response is stored (unless {@code store} is false) before the future completes.
     * Cancelling the future (or completing it in any other way, e.g. {@code orTimeout}) before the upstream answered
     * cancels the upstream call, and nothing is stored.
     */
    public CompletableFuture<Response> complete(CreateResponseRequest request, String owner) {
        return gateway.complete(request, owner);
    }

    /**
     * {@link #complete(CreateResponseRequest, String)} that also reports this response's course to {@code watch},
     * beside the gateway's {@link Builder#observer observer}; see {@link #respond(CreateResponseRequest, String,
     * ConnectionCache, ResponseObserver.Watch)}.
     */
    public CompletableFuture<Response> complete(
            CreateResponseRequest request, String owner, ResponseObserver.Watch watch) {
        return gateway.complete(request, owner, Objects.requireNonNull(watch, "watch"));
    }

    /** {@link #complete(CreateResponseRequest, String)} without an owner. */
    public CompletableFuture<Response> complete(CreateResponseRequest request) {
        return complete(request, null);
    }

    /**
     * The chat request the upstream would receive for {@code request}, history included (the first target of its
     * route, model renamed as that target says): for logging, debugging and tests. Validates like {@link #respond}.
     */
    public ChatCompletionRequest previewUpstreamRequest(CreateResponseRequest request, String owner) {
        return gateway.prepare(request, owner).call().firstRequest();
    }

    /**
     * Compacts a context window ({@code POST /responses/compact}): the model summarizes the older part of
     * {@code previous_response_id}'s chain and {@code input}; the result is a {@code compaction} item sealing that
     * summary (only a gateway with the same {@link Builder#compactionKey key} can read it back), followed by the most
     * recent items as they were. Send the output back as input to continue from it. Nothing is stored. Fails with an
     * {@link OrsException} as {@link #complete} does; a missing {@code model} is a 400.
     */
    public CompletableFuture<CompactResponse> compact(CompactRequest request, String owner) {
        return gateway.compact(request, owner);
    }

    /** {@link #compact(CompactRequest, String)} without an owner. */
    public CompletableFuture<CompactResponse> compact(CompactRequest request) {
        return compact(request, null);
    }

    /** The stored response {@code id}, if it exists and belongs to {@code owner}. */
    public Optional<Response> retrieve(String id, String owner) {
        return gateway.retrieve(id, owner);
    }

    /**
     * The stored response {@code id} as the event stream that carried it, if it exists and belongs to {@code owner}:
     * created, in progress, each output item opened, its content in one delta per part and closed, then the terminal
     * event with the response as stored. Only events numbered above {@code startingAfter} are kept (-1: all).
     */
    public Optional<List<ResponseEvent>> retrieveEvents(String id, long startingAfter, String owner) {
        return gateway.retrieve(id, owner).map(stored -> ResponseReplay.events(stored, startingAfter));
    }

    /** Deletes response {@code id} if it exists and belongs to {@code owner}; returns whether it did. */
    public boolean delete(String id, String owner) {
        return gateway.delete(id, owner);
    }

    /** A page of the input items of response {@code id}, if it exists and belongs to {@code owner}. */
    public Optional<ItemPage> listInputItems(String id, PageRequest page, String owner) {
        return gateway.listInputItems(id, page, owner);
    }

    /** Responses in progress now: open streams and pending non-streamed calls. */
    public int responsesInProgress() {
        return gateway.inProgress();
    }

    /**
     * The models this gateway serves, for {@code GET /models}: every route's exact model name, and for a route with a
     * pattern ({@code *} for all) the models its first upstream able to list them lists, where the route sends them.
     * An upstream that fails to list its models (or takes over 10 s) is passed over, with a warning; the future itself
     * does not fail.
     */
    public CompletableFuture<List<ModelInfo>> models() {
        return ModelList.of(gateway.router(), Duration.ofSeconds(10));
    }

    /** The upstreams' description, for logs. */
    public String upstreamDescription() {
        return gateway.router().describe();
    }

    /** The model that serves requests naming none, or null when such requests are refused. */
    public String defaultModel() {
        return gateway.defaultModel();
    }

    /** The router in front of the upstreams (one route to the one upstream when built with {@link Builder#upstream}). */
    public Router router() {
        return gateway.router();
    }

    /**
     * The bounds on what clients send, which transports check on each request's JSON (see {@link RequestLimits}).
     */
    public RequestLimits requestLimits() {
        return requestLimits;
    }

    /** Builds an {@link OrsGateway}. */
    public static final class Builder {
        private Router router;
        private ResponseStore store;
        private ResponseTranscoder transcoder;
        private IdGenerator ids = IdGenerator.random();
        private Clock clock = Clock.systemUTC();
        private String defaultModel;
        private int maxConcurrentResponses = DEFAULT_MAX_CONCURRENT_RESPONSES;
        private Duration retryAfter = Duration.ofSeconds(1);
        private byte[] compactionKey;
        private String compactionPrompt = Compactor.DEFAULT_PROMPT;
        private int compactionKeepRecentItems = Compactor.DEFAULT_KEEP_RECENT_ITEMS;
        private ResponseObserver observer = ResponseObserver.NONE;
        private RequestLimits requestLimits = RequestLimits.defaults();

        private Builder() {}

        /**
         * The one Chat Completions provider, serving every model, each request tried once: {@code
         * router(Router.single(upstream))}. This or {@link #router} is required.
         */
        public Builder upstream(ChatCompletionsUpstream upstream) {
            this.router = Router.single(Objects.requireNonNull(upstream, "upstream"));
            return this;
        }

        /**
         * Several providers: each request goes to the route its model matches, with fallbacks and retries. This or
         * {@link #upstream} is required; the last one set wins.
         */
        public Builder router(Router router) {
            this.router = Objects.requireNonNull(router, "router");
            return this;
        }

        /** Where responses are kept; an in-memory store by default. */
        public Builder store(ResponseStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The transcoder (required): {@code ChatTranscoder.create()} from {@code ors-transcoder}. */
        public Builder transcoder(ResponseTranscoder transcoder) {
            this.transcoder = Objects.requireNonNull(transcoder, "transcoder");
            return this;
        }

        /** Makes response and item ids, for the gateway and its transcoder; random by default. */
        public Builder idGenerator(IdGenerator ids) {
            this.ids = Objects.requireNonNull(ids, "ids");
            return this;
        }

        /** Gives {@code created_at} and {@code completed_at}; the system clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The model used when a request names none; by default such requests are rejected (400). */
        public Builder defaultModel(String model) {
            this.defaultModel = model;
            return this;
        }

        /**
         * The most responses in progress at once (open streams and pending non-streamed calls); one more is refused
         * at once with a 429 {@code too_many_requests} (code {@code concurrency_limit}) and a {@code Retry-After}
         * of {@link #retryAfter}, never queued. {@value #DEFAULT_MAX_CONCURRENT_RESPONSES} by default.
         */
        public Builder maxConcurrentResponses(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrentResponses must be at least 1");
            }
            this.maxConcurrentResponses = max;
            return this;
        }

        /** The {@code Retry-After} of a request over {@link #maxConcurrentResponses}; one second by default. */
        public Builder retryAfter(Duration delay) {
            this.retryAfter = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * The 32-byte key that seals and opens compaction items (AES-256-GCM). Items sealed with one key are refused
         * (400) by a gateway with another, so keep it across restarts and share it between instances. Without one, a
         * random key is made at start and compaction items do not survive a restart.
         */
        public Builder compactionKey(byte[] key) {
            Objects.requireNonNull(key, "key");
            if (key.length != CompactionCipher.KEY_BYTES) {
                throw new IllegalArgumentException("a compaction key has " + CompactionCipher.KEY_BYTES + " bytes");
            }
            this.compactionKey = key.clone();
            return this;
        }

        /** The instruction the model writes a compaction summary to; a default asking for goals, facts and state. */
        public Builder compactionPrompt(String prompt) {
            Objects.requireNonNull(prompt, "prompt");
            if (prompt.isBlank()) {
                throw new IllegalArgumentException("the compaction prompt must not be blank");
            }
            this.compactionPrompt = prompt;
            return this;
        }

        /**
         * How many of the most recent items a compaction keeps verbatim (2
         * by default); the first item of a window is always summarized, and tool calls stay with their outputs.
         */
        public Builder compactionKeepRecentItems(int items) {
            if (items < 0) {
                throw new IllegalArgumentException("compactionKeepRecentItems must not be negative");
            }
            this.compactionKeepRecentItems = items;
            return this;
        }

        /**
         * Follows every response for metrics and traces (e.g. {@code ors-micrometer}'s); none by default. Its failures
         * are logged and ignored.
         */
        public Builder observer(ResponseObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * The bounds on what clients send (item and tool counts, nesting, string and inline data lengths, tool and
         * metadata sizes), checked by the servlet on every request over HTTP and WebSocket; {@link
         * RequestLimits#defaults()} by default.
         */
        public Builder requestLimits(RequestLimits limits) {
            this.requestLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Builds the gateway. */
        public OrsGateway build() {
            if (router == null) {
                throw new IllegalStateException(
                        "an upstream is required: OrsGateway.builder().upstream(...) or .router(...)");
            }
            if (transcoder == null) {
                throw new IllegalStateException(
                        "a transcoder is required: OrsGateway.builder().transcoder(ChatTranscoder.create())");
            }
            ResponseStore effectiveStore = store != null ? store : new InMemoryResponseStore();
            return new OrsGateway(
                    new Gateway(
                            router,
                            effectiveStore,
                            transcoder,
                            ids,
                            clock,
                            defaultModel,
                            maxConcurrentResponses,
                            retryAfter,
                            new Compactor(
                                    compactionKey != null
                                            ? new CompactionCipher(compactionKey)
                                            : CompactionCipher.random(),
                                    compactionPrompt,
                                    compactionKeepRecentItems),
                            observer),
                    requestLimits);
        }
    }
}
