package dev.orsgateway.upstream.okhttp;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.upstream.ChatPayloads;
import dev.orsgateway.core.upstream.Endpoint;
import dev.orsgateway.core.upstream.Redactor;
import dev.orsgateway.core.upstream.UpstreamErrors;
import dev.orsgateway.upstream.okhttp.internal.CallLimit;
import dev.orsgateway.upstream.okhttp.internal.CompletionCall;
import dev.orsgateway.upstream.okhttp.internal.OkHttpResponses;
import dev.orsgateway.upstream.okhttp.internal.SseChunkPublisher;
import dev.orsgateway.upstream.okhttp.internal.VirtualThreads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * A {@link ChatCompletionsUpstream} over OkHttp and okhttp-sse: any OpenAI-compatible {@code /chat/completions}
 * endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp, OpenRouter, Groq, ...).
 *
 * <pre>{@code
 * OkHttpChatCompletionsUpstream upstream = OkHttpChatCompletionsUpstream.builder()
 *         .baseUrl("https://api.openai.com/v1")
 *         .apiKey(System.getenv("OPENAI_API_KEY"))
 *         .build();
 * }</pre>
 *
 * <p><b>Threads.</b> okhttp-sse reads each open stream on an OkHttp dispatcher thread, from the response headers to the
 * end of the stream. On Java 17 every open upstream stream therefore holds one platform thread. When a subscriber stops
 * requesting, that thread blocks (after a small buffer of parsed chunks fills up) and stops reading the socket, so TCP
 * flow control slows the provider down: that is the backpressure, and it costs the thread while it lasts. On Java 21+
 * {@link Builder#virtualThreads(boolean)} runs the dispatcher on virtual threads, so a blocked stream costs no platform
 * thread.
 *
 * <p><b>Concurrency limits.</b> OkHttp queues calls beyond its dispatcher's limits, silently and for as long as the
 * running calls last. This class never lets it: a call (stream or not) beyond {@link Builder#maxRequestsPerHost(int)}
 * (default {@value #DEFAULT_MAX_REQUESTS_PER_HOST}) or {@link Builder#maxRequests(int)} (default
 * {@value #DEFAULT_MAX_REQUESTS}) fails at once with a 429 {@code too_many_requests} ({@code
 * upstream_concurrency_limit}, {@code Retry-After: 1}). With your own client ({@link Builder#client(OkHttpClient)}) its
 * dispatcher's limits apply the same way.
 *
 * <p>Instances are thread-safe. {@link #close()} releases the threads and connections of the client this class built
 * (not of a client passed in).
 */
public final class OkHttpChatCompletionsUpstream implements ChatCompletionsUpstream, AutoCloseable {

    /** Default connect timeout: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Default read timeout: 5 minutes. It is the longest silence allowed between two reads, so it must cover the
     * time to the first token of a slow (reasoning, or still loading) model, not the length of a stream.
     */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

    /** Default call timeout of non-streaming calls: 10 minutes from the start of the call to the end of the body. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(10);

    /** Default number of parsed chunks buffered ahead of the subscriber's demand, per stream. */
    public static final int DEFAULT_STREAM_BUFFER = 32;

    /** Default per-host call limit of the client this class builds (OkHttp's default is 5). */
    public static final int DEFAULT_MAX_REQUESTS_PER_HOST = 1024;

    /** Default total call limit of the client this class builds (OkHttp's default is 64). */
    public static final int DEFAULT_MAX_REQUESTS = 1024;

    private static final MediaType JSON = MediaType.get("application/json");

    private final Endpoint endpoint;
    private final OkHttpClient completeClient;
    private final OkHttpClient streamClient;
    private final Headers headers;
    private final UpstreamErrors errors;
    private final ChatPayloads payloads;
    private final CallLimit limit;
    private final HttpUrl url;
    private final int streamBuffer;
    private final boolean ownsClient;
    private volatile boolean closed;

    private OkHttpChatCompletionsUpstream(Builder builder) {
        if (builder.baseUrl == null) {
            throw new IllegalStateException("baseUrl is required");
        }
        this.endpoint = Endpoint.parse(builder.baseUrl);
        this.url = HttpUrl.get(endpoint.uri());
        this.streamBuffer = builder.streamBuffer;

        OkHttpClient base;
        if (builder.client != null) {
            if (builder.maxRequests != null || builder.maxRequestsPerHost != null) {
                throw new IllegalStateException(
                        "maxRequests and maxRequestsPerHost configure the client this class builds; set them on your"
                                + " client's Dispatcher instead");
            }
            if (builder.virtualThreads) {
                throw new IllegalStateException(
                        "virtualThreads(true) configures the client this class builds; give your own client a"
                                + " Dispatcher with a virtual-thread executor instead");
            }
            base = builder.client;
            this.ownsClient = false;
        } else {
            Dispatcher dispatcher =
                    builder.virtualThreads ? new Dispatcher(VirtualThreads.newExecutor()) : new Dispatcher();
            dispatcher.setMaxRequests(builder.maxRequests == null ? DEFAULT_MAX_REQUESTS : builder.maxRequests);
            dispatcher.setMaxRequestsPerHost(
                    builder.maxRequestsPerHost == null ? DEFAULT_MAX_REQUESTS_PER_HOST : builder.maxRequestsPerHost);
            base = new OkHttpClient.Builder()
                    .dispatcher(dispatcher)
                    .connectTimeout(DEFAULT_CONNECT_TIMEOUT)
                    .readTimeout(DEFAULT_READ_TIMEOUT)
                    .callTimeout(DEFAULT_CALL_TIMEOUT)
                    .build();
            this.ownsClient = true;
        }
        if (builder.connectTimeout != null || builder.readTimeout != null || builder.callTimeout != null) {
            // newBuilder() shares the connection pool and the dispatcher: no new threads or connections.
            OkHttpClient.Builder tuned = base.newBuilder();
            if (builder.connectTimeout != null) {
                tuned.connectTimeout(builder.connectTimeout);
            }
            if (builder.readTimeout != null) {
                tuned.readTimeout(builder.readTimeout);
            }
            if (builder.callTimeout != null) {
                tuned.callTimeout(builder.callTimeout);
            }
            base = tuned.build();
        }
        this.completeClient = base;
        // A call timeout would cut a long, healthy stream; the read timeout bounds silence instead.
        this.streamClient = base.newBuilder().callTimeout(Duration.ZERO).build();

        Headers.Builder headerBuilder = new Headers.Builder();
        List<String> secrets = new ArrayList<>(endpoint.secrets());
        if (builder.apiKey != null) {
            headerBuilder.set("Authorization", "Bearer " + builder.apiKey);
            secrets.add(builder.apiKey);
        }
        for (Map.Entry<String, String> header : builder.headers.entrySet()) {
            headerBuilder.set(header.getKey(), header.getValue());
            if (Redactor.isSecretHeader(header.getKey())) {
                secrets.add(header.getValue());
            }
        }
        this.headers = headerBuilder.build();
        this.errors = new UpstreamErrors(endpoint.describe(), new Redactor(secrets));
        this.payloads = new ChatPayloads(errors);
        this.limit = new CallLimit(base.dispatcher(), errors);
    }

    /**
     * A new builder.
     *
     * @return a builder with the defaults described on its methods
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether this runtime supports {@link Builder#virtualThreads(boolean)}: Java 21 or later.
     *
     * @return {@code true} on Java 21+
     */
    public static boolean virtualThreadsSupported() {
        return VirtualThreads.supported();
    }

    /**
     * The calls of this upstream in flight now (streams and non-streamed calls), for metrics and tests. A call's slot
     * is given back when OkHttp's callback for it returns, shortly after a cancel.
     *
     * @return calls taken and not yet given back
     */
    public int openCalls() {
        return limit.inFlight();
    }

    /**
     * Streams a completion: {@code POST} with {@code stream: true} (set here whatever the request says) and
     * {@code Accept: text/event-stream}.
     *
     * <p>The publisher is cold and unicast: the request is sent when it is subscribed (not before, and not at all if the
     * subscriber cancels inside {@code onSubscribe}), and a second subscriber is refused with {@code onError}. It honours
     * demand: up to {@value #DEFAULT_STREAM_BUFFER} chunks (see {@link Builder#streamBuffer(int)}) are parsed ahead of
     * demand, then the reading thread blocks until {@code request(n)} or {@code cancel()}, which stops reading the socket
     * and so pushes back on the provider through TCP. {@code cancel()} cancels the HTTP call, freeing its connection, and
     * no signal follows it. Signals arrive on an OkHttp thread or on the thread that calls {@code request}.
     *
     * <p>The stream completes at {@code data: [DONE]} (later bytes are not read), or at the end of the body when a
     * chunk carried a {@code finish_reason} (some servers omit {@code [DONE]}). It fails with an
     * {@link dev.orsgateway.core.OrsException}: the HTTP error mapping of {@link #complete}; 502
     * {@code upstream_stream_truncated} when the body ends or breaks off before either; 502 {@code upstream_bad_response}
     * for a 2xx answer that is not {@code text/event-stream} or an event that is not a chunk; 504 {@code upstream_timeout}
     * when the upstream is silent for longer than the read timeout; the provider's own error, message kept, when it sends
     * {@code {"error":{...}}} as an event.
     *
     * <p>A subscriber that stops requesting without cancelling keeps the call, its connection and its reading thread
     * for as long as it waits (no read is pending, so the read timeout does not fire): cancel abandoned streams. (The
     * gateway's stream passes its subscriber's demand on, so this holds for the gateway's subscribers too; the servlet
     * cancels a stream whose client stopped reading after its write timeout.)
     *
     * @param request the request; its {@code stream} flag is forced to {@code true}
     * @return a publisher of the parsed chunks, in order
     * @throws IllegalStateException if this upstream has been {@linkplain #close() closed}
     */
    @Override
    public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        checkOpen();
        ChatCompletionRequest streaming = request.isStreaming()
                ? request
                : request.toBuilder().stream(true).build();
        Request httpRequest = httpRequest(streaming, "text/event-stream");
        return new SseChunkPublisher(
                streamClient, httpRequest, errors, payloads, endpoint.describe(), streamBuffer, limit);
    }

    /**
     * Requests a whole completion: {@code POST} without {@code stream} (a {@code stream: true} is dropped, and with it
     * {@code stream_options}, which providers reject on non-streaming calls). The call timeout applies.
     *
     * <p>Cancelling the returned future (or completing it in any other way from outside, e.g. {@code orTimeout})
     * cancels the HTTP call; futures derived from it do not propagate a cancel back. It fails with an
     * {@link dev.orsgateway.core.OrsException}: an upstream 400, 404, 422 (or another 4xx) is an {@code invalid_request}
     * with the status and the provider's message kept; 401 and 403 keep their status and say that the upstream rejected
     * the gateway's credentials; 429 is {@code too_many_requests} with {@code retry-after} kept in
     * {@link dev.orsgateway.core.model.ErrorPayload#headers()}; a 5xx is a {@code server_error} with its status kept; a
     * connection failure is 502 {@code upstream_unreachable}; a timeout is 504 {@code upstream_timeout}.
     *
     * @param request the request
     * @return the future completion
     * @throws IllegalStateException if this upstream has been {@linkplain #close() closed}
     */
    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        checkOpen();
        ChatCompletionRequest whole = request;
        if (request.isStreaming() || request.streamOptions() != null) {
            whole = request.toBuilder().stream(request.isStreaming() ? null : request.stream())
                    .streamOptions(null)
                    .build();
        }
        return CompletionCall.start(
                completeClient, httpRequest(whole, "application/json"), errors, payloads, endpoint.describe(), limit);
    }

    /**
     * The provider's models: {@code GET} on the endpoint's {@code /models} sibling ({@link Endpoint#modelsUri()}),
     * with the same headers and credentials. Fails with an {@link dev.orsgateway.core.OrsException} as
     * {@link #complete} does; cancelling the future cancels the call.
     *
     * @return the future list
     * @throws IllegalStateException if this upstream has been {@linkplain #close() closed}
     */
    @Override
    public CompletableFuture<List<ModelInfo>> listModels() {
        checkOpen();
        Request request = new Request.Builder()
                .url(HttpUrl.get(endpoint.modelsUri()))
                .headers(headers)
                .header("Accept", "application/json")
                .get()
                .build();
        CompletableFuture<List<ModelInfo>> result = new CompletableFuture<>();
        Call call = completeClient.newCall(request);
        result.whenComplete((models, error) -> {
            if (error != null) {
                call.cancel();
            }
        });
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call failed, IOException e) {
                result.completeExceptionally(errors.beforeResponse(e));
            }

            @Override
            public void onResponse(Call answered, okhttp3.Response response) {
                try (response) {
                    if (!response.isSuccessful()) {
                        result.completeExceptionally(OkHttpResponses.error(errors, response));
                    } else {
                        result.complete(payloads.models(response.body().bytes()));
                    }
                } catch (IOException e) {
                    result.completeExceptionally(errors.bodyFailed(e));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }
        });
        return result;
    }

    /**
     * The endpoint's URL without user info, and with every query value but {@code api-version} masked.
     *
     * @return e.g. {@code https://api.openai.com/v1/chat/completions}
     */
    @Override
    public String describe() {
        return endpoint.describe();
    }

    /**
     * Cancels the calls of the client this class built and releases its threads and pooled connections; later calls
     * of {@link #stream} and {@link #complete} throw {@link IllegalStateException}. Does nothing to a client passed to {@link Builder#client(OkHttpClient)}, which stays its owner's to close.
     */
    @Override
    public void close() {
        if (!ownsClient || closed) {
            return;
        }
        closed = true;
        completeClient.dispatcher().cancelAll();
        ExecutorService executor = completeClient.dispatcher().executorService();
        executor.shutdown();
        completeClient.connectionPool().evictAll();
    }

    /**
     * The upstream's description; never credentials.
     *
     * @return e.g. {@code OkHttpChatCompletionsUpstream[https://api.openai.com/v1/chat/completions]}
     */
    @Override
    public String toString() {
        return "OkHttpChatCompletionsUpstream[" + endpoint.describe() + "]";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private Request httpRequest(ChatCompletionRequest request, String accept) {
        return new Request.Builder()
                .url(url)
                .headers(headers)
                .header("Accept", accept)
                .post(RequestBody.create(OrsJson.writeBytes(request), JSON))
                .build();
    }

    /** Configures an {@link OkHttpChatCompletionsUpstream}. Only {@link #baseUrl(String)} is required. */
    public static final class Builder {

        private String baseUrl;
        private String apiKey;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration connectTimeout;
        private Duration readTimeout;
        private Duration callTimeout;
        private OkHttpClient client;
        private boolean virtualThreads;
        private int streamBuffer = DEFAULT_STREAM_BUFFER;
        private Integer maxRequests;
        private Integer maxRequestsPerHost;

        private Builder() {}

        /**
         * The provider's base URL: {@code https://api.openai.com/v1}, {@code http://localhost:11434/v1},
         * {@code .../v1/chat/completions}, with or without a trailing slash. {@code /chat/completions} is appended
         * unless the path ends with it; a query (Azure's {@code ?api-version=...}) is kept. Required.
         *
         * @param baseUrl an http or https URL
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /**
         * The API key, sent as {@code Authorization: Bearer <key>}. Optional: local servers (Ollama, vLLM, llama.cpp)
         * need none; Azure wants {@code header("api-key", key)} instead. Never logged, and masked in upstream messages
         * that quote it.
         *
         * @param apiKey the key, or {@code null} or blank for none
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            if (apiKey == null || apiKey.isBlank()) {
                this.apiKey = null;
            } else {
                checkHeader("Authorization", "Bearer " + apiKey.strip());
                this.apiKey = apiKey.strip();
            }
            return this;
        }

        /**
         * A header sent with every call, e.g. Azure's {@code api-key} or OpenRouter's {@code HTTP-Referer} and
         * {@code X-Title}. Replaces an earlier value of the same name, and wins over the {@code Authorization} header
         * of {@link #apiKey(String)}. Values of headers whose names contain {@code key}, {@code auth}, {@code token},
         * {@code secret}, {@code cookie} or {@code pass} are treated as credentials.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException if the name or value has characters HTTP does not allow
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            checkHeader(name, value);
            headers.put(name, value);
            return this;
        }

        /**
         * Adds each entry as a {@link #header(String, String)}.
         *
         * @param headers names and values
         * @return this builder
         */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /**
         * The time allowed to connect (TCP and TLS). Default {@link #DEFAULT_CONNECT_TIMEOUT}, or the passed client's.
         *
         * @param timeout a positive duration, or zero for none
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = checkTimeout(timeout);
            return this;
        }

        /**
         * The longest silence allowed between two reads: waiting for the response headers, and between bytes of a
         * stream; for a stream, also the longest time from the call's start to the headers and between two complete
         * lines while it waits for the upstream (not while its subscriber holds it back), so an upstream trickling
         * bytes (a slowloris) is cut too. A stream may last any time as long as lines keep coming (SSE comments
         * count). Default {@link #DEFAULT_READ_TIMEOUT}, or
         * the passed client's. Exceeding it fails the call with 504 {@code upstream_timeout}.
         *
         * @param timeout a positive duration, or zero for none
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = checkTimeout(timeout);
            return this;
        }

        /**
         * The time allowed for a whole non-streaming call, from connecting to the end of the body. It does not apply to
         * streams, which the read timeout bounds instead. Default {@link #DEFAULT_CALL_TIMEOUT}, or the passed client's.
         *
         * @param timeout a positive duration, or zero for none
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = checkTimeout(timeout);
            return this;
        }

        /**
         * Your own client: its connection pool, dispatcher (and so its concurrency limits and threads), proxy, TLS
         * settings and interceptors are used as they are. Timeouts set on this builder are applied to a derived client
         * sharing its pool and dispatcher. Its dispatcher's {@code maxRequests} and {@code maxRequestsPerHost} bound
         * this upstream's calls (one more fails with a 429, see the class comment): raise them (OkHttp's default is 5
         * per host) if many streams go to one provider. {@link #close()} leaves it alone.
         *
         * @param client the client
         * @return this builder
         */
        public Builder client(OkHttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Runs the built client's dispatcher on virtual threads (Java 21+, found at run time), so that a stream held
         * back by a slow subscriber blocks a virtual thread instead of a platform thread. Not combinable with
         * {@link #client(OkHttpClient)}: give your client {@code new Dispatcher(virtualThreadExecutor)} instead.
         *
         * @param enabled whether to use virtual threads; default {@code false}
         * @return this builder
         * @throws IllegalStateException if {@code enabled} and the runtime is older than Java 21 (see
         *     {@link OkHttpChatCompletionsUpstream#virtualThreadsSupported()})
         */
        public Builder virtualThreads(boolean enabled) {
            if (enabled && !VirtualThreads.supported()) {
                throw new IllegalStateException("Virtual threads need Java 21 or later; this is Java "
                        + Runtime.version().feature());
            }
            this.virtualThreads = enabled;
            return this;
        }

        /**
         * How many parsed chunks a stream buffers ahead of its subscriber's demand before the reading thread blocks.
         * Larger smooths bursts; smaller pushes back sooner. Default {@value #DEFAULT_STREAM_BUFFER}.
         *
         * @param chunks at least 1
         * @return this builder
         */
        public Builder streamBuffer(int chunks) {
            if (chunks < 1) {
                throw new IllegalArgumentException("streamBuffer must be at least 1, got " + chunks);
            }
            this.streamBuffer = chunks;
            return this;
        }

        /**
         * The most calls (streams and non-streaming calls) the built client runs at once, to all hosts. One more fails at
         * once with a 429 and {@code Retry-After}; it is never queued. Default {@value #DEFAULT_MAX_REQUESTS}. Each open
         * stream holds a thread, so this also bounds the threads. Not combinable with {@link #client(OkHttpClient)}.
         *
         * @param calls at least 1
         * @return this builder
         */
        public Builder maxRequests(int calls) {
            this.maxRequests = checkLimit(calls);
            return this;
        }

        /**
         * The most calls the built client runs at once to this upstream's host; one more fails at once with a 429 and
         * {@code Retry-After}. Default {@value #DEFAULT_MAX_REQUESTS_PER_HOST}. Not combinable with
         * {@link #client(OkHttpClient)}.
         *
         * @param calls at least 1
         * @return this builder
         */
        public Builder maxRequestsPerHost(int calls) {
            this.maxRequestsPerHost = checkLimit(calls);
            return this;
        }

        private static int checkLimit(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("a call limit must be at least 1, got " + calls);
            }
            return calls;
        }

        /**
         * Builds the upstream.
         *
         * @return a new upstream
         * @throws IllegalStateException if no base URL was set
         * @throws IllegalArgumentException if the base URL is not an http or https URL
         */
        public OkHttpChatCompletionsUpstream build() {
            return new OkHttpChatCompletionsUpstream(this);
        }

        private static Duration checkTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative: " + timeout);
            }
            return timeout;
        }

        /** Validates with OkHttp's rules, without letting OkHttp quote a credential in its message. */
        private static void checkHeader(String name, String value) {
            try {
                new Headers.Builder().add(name, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Header " + name + " has a name or value with characters HTTP does not allow");
            }
        }
    }
}
