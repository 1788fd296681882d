package dev.orsgateway.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.model.CompactRequest;
import dev.orsgateway.core.model.CompactResponse;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseError;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.model.Usage;
import dev.orsgateway.core.routing.Route;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.routing.Target;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseObserver;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.ResponseTranscoder;
import dev.orsgateway.core.spi.StoredResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The orchestration behind {@link dev.orsgateway.core.OrsGateway}: hydrate, translate, call, transcode, persist. */
public final class Gateway {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Router router;
    private final ResponseStore store;
    private final ResponseTranscoder transcoder;
    private final IdGenerator ids;
    private final Clock clock;
    private final String defaultModel;
    private final int maxConcurrentResponses;
    private final Duration retryAfter;
    private final Compactor compactor;
    private final ResponseObserver observer;
    private final AtomicInteger inProgress = new AtomicInteger();

    /** A gateway over the given parts, with at most {@code maxConcurrentResponses} responses in progress. */
    public Gateway(
            Router router,
            ResponseStore store,
            ResponseTranscoder transcoder,
            IdGenerator ids,
            Clock clock,
            String defaultModel,
            int maxConcurrentResponses,
            Duration retryAfter,
            Compactor compactor,
            ResponseObserver observer) {
        this.router = router;
        this.store = store;
        this.transcoder = transcoder;
        this.ids = ids;
        this.clock = clock;
        this.defaultModel = defaultModel;
        this.maxConcurrentResponses = maxConcurrentResponses;
        this.retryAfter = retryAfter;
        this.compactor = compactor;
        this.observer = observer;
    }

    /** Responses in progress now (streams open and non-streamed calls pending). */
    public int inProgress() {
        return inProgress.get();
    }

    /** The model of requests that name none, or null. */
    public String defaultModel() {
        return defaultModel;
    }

    /** The router in front of the upstreams. */
    public Router router() {
        return router;
    }

    /**
     * A request made ready for the upstream.
     *
     * @param request the request, with the default model filled in
     * @param history the replayed chain of its {@code previous_response_id}, oldest first (empty without one)
     * @param inputItems its input items with ids assigned, as they will be stored
     * @param chatRequest what the upstream receives (before a route's rename)
     * @param initial the response as {@code response.created} shows it
     * @param call the way to the upstream: the route the model matched and the attempts made on it
     */
    public record Prepared(
            CreateResponseRequest request,
            List<Item> history,
            List<Item> inputItems,
            ChatCompletionRequest chatRequest,
            Response initial,
            RoutedCall call) {}

    /** Validates {@code request}, replays its chain and translates it; throws {@link OrsException} when invalid. */
    public Prepared prepare(CreateResponseRequest request, String owner) {
        return prepare(request, owner, null);
    }

    /** {@link #prepare(CreateResponseRequest, String)}, resolving the chain from {@code memory} first (may be null). */
    private Prepared prepare(CreateResponseRequest request, String owner, ConnectionMemory memory) {
        if (request == null) {
            throw OrsException.invalidRequest(null, "the request body is required");
        }
        if (request.model() == null && defaultModel != null) {
            request = request.toBuilder().model(defaultModel).build();
        }
        if (Boolean.TRUE.equals(request.background())) {
            throw OrsException.invalidRequest(
                    "background", "unsupported_parameter", "background mode is not supported by this gateway");
        }
        List<Item> history = history(request.previousResponseId(), owner, memory);
        List<Item> input = request.input() == null ? List.of() : resolveReferences(request.input(), history);
        List<Item> inputItems = normalizedForStorage(input);
        CreateResponseRequest resolved = request.input() == null
                ? request
                : request.toBuilder().input(inputItems).build();
        // The model reads a compaction item as the summary it seals; what is stored keeps the item as it came.
        List<Item> modelInput = compactor.expand(inputItems, i -> "input[" + i + "].encrypted_content");
        ChatCompletionRequest chatRequest = transcoder.toChatRequest(
                modelInput == inputItems
                        ? resolved
                        : resolved.toBuilder().input(modelInput).build(),
                compactor.expand(history, i -> "previous_response_id"));
        Route route = route(chatRequest.model());
        Response initial = Response.builder()
                .echo(resolved)
                .id(ids.newId("resp"))
                .createdAt(clock.instant().getEpochSecond())
                .build();
        return new Prepared(
                resolved,
                history,
                inputItems,
                chatRequest,
                initial,
                new RoutedCall(router, route, chatRequest, initial.id()));
    }

    /** Streams a response; see {@link dev.orsgateway.core.OrsGateway#respond}. */
    public Flow.Publisher<ResponseEvent> respond(CreateResponseRequest request, String owner) {
        return respond(request, owner, null, ResponseObserver.Watch.NONE);
    }

    /** {@link #respond(CreateResponseRequest, String, ConnectionMemory, ResponseObserver.Watch)} without a call watch. */
    public Flow.Publisher<ResponseEvent> respond(CreateResponseRequest request, String owner, ConnectionMemory memory) {
        return respond(request, owner, memory, ResponseObserver.Watch.NONE);
    }

    /**
     * Streams a response for a connection that keeps {@code memory} (null: none): its {@code previous_response_id} is
     * looked up there before the store, the response becomes its latest once it completes, and a continuation that
     * fails, in any way, evicts its {@code previous_response_id} (the spec's WebSocket rules). {@code callWatch}
     * follows this response beside the observer's watch.
     */
    public Flow.Publisher<ResponseEvent> respond(
            CreateResponseRequest request, String owner, ConnectionMemory memory, ResponseObserver.Watch callWatch) {
        String previousId = request == null ? null : request.previousResponseId();
        Prepared prepared;
        try {
            prepared = prepare(streaming(request, true), owner, memory);
            admit();
        } catch (RuntimeException e) {
            evict(memory, previousId);
            throw e;
        }
        try {
            boolean prewarm = Prewarm.isRequested(prepared.request());
            ResponseObserver.Watch watch = prewarm ? ResponseObserver.Watch.NONE : watch(prepared, true, callWatch);
            prepared.call().watch(watch);
            ResponseTranscoder.Session session = prewarm
                    ? Prewarm.session(prepared.initial(), clock)
                    : transcoder.open(prepared.request(), prepared.history(), prepared.initial(), ids, clock);
            ResponseStream.Builder stream = ResponseStream.builder(
                            session, prewarm ? Prewarm.reply(prepared.request().model()) : prepared.call().stream())
                    .onTerminate(inProgress::decrementAndGet)
                    .watch(watch)
                    .onUpstreamFailure(prepared.call()::failedBeforeOutput);
            Function<ResponseEvent, CompletableFuture<List<ResponseEvent>>> terminal =
                    prepared.request().isStored() ? event -> persist(prepared, event, owner) : null;
            if (memory != null) {
                terminal = remembering(terminal, prepared, owner, memory);
                stream.onError(error -> evict(memory, previousId));
            }
            if (terminal != null) {
                stream.terminalHook(terminal);
            }
            return stream.build();
        } catch (RuntimeException e) {
            inProgress.decrementAndGet();
            evict(memory, previousId);
            throw e;
        }
    }

    /**
     * Wraps the terminal hook ({@code persist}, or null when nothing is stored) so that the event finally delivered
     * decides what {@code memory} keeps: a completed or incomplete response becomes the latest, with the conversation
     * it ends; a failed one (a storage failure included) evicts the response it continued.
     */
    private static Function<ResponseEvent, CompletableFuture<List<ResponseEvent>>> remembering(
            Function<ResponseEvent, CompletableFuture<List<ResponseEvent>>> persist,
            Prepared prepared,
            String owner,
            ConnectionMemory memory) {
        return event -> {
            CompletableFuture<List<ResponseEvent>> delivered =
                    persist != null ? persist.apply(event) : CompletableFuture.completedFuture(List.of(event));
            return delivered.thenApply(events -> {
                Response response = ((ResponseEvent.Lifecycle) events.get(events.size() - 1)).response();
                if (ResponseStatus.FAILED.equals(response.status())) {
                    evict(memory, prepared.request().previousResponseId());
                } else {
                    List<Item> conversation = new ArrayList<>(prepared.history().size()
                            + prepared.inputItems().size()
                            + response.output().size());
                    conversation.addAll(prepared.history());
                    conversation.addAll(prepared.inputItems());
                    conversation.addAll(response.output());
                    memory.remember(
                            response.id(),
                            new ResponseStore.Continuation(owner, response.status(), conversation, null));
                }
                return events;
            });
        };
    }

    private static void evict(ConnectionMemory memory, String previousResponseId) {
        if (memory != null && previousResponseId != null) {
            memory.evict(previousResponseId);
        }
    }

    /** Streams to a listener; see {@link dev.orsgateway.core.OrsGateway#respond(CreateResponseRequest, String, Consumer)}. */
    public CompletableFuture<Response> respond(
            CreateResponseRequest request, String owner, Consumer<? super ResponseEvent> listener) {
        Flow.Publisher<ResponseEvent> events = respond(request, owner);
        ListenerSubscriber subscriber = new ListenerSubscriber(listener);
        events.subscribe(subscriber);
        return subscriber.result;
    }

    /** Creates a response without streaming; see {@link dev.orsgateway.core.OrsGateway#complete}. */
    public CompletableFuture<Response> complete(CreateResponseRequest request, String owner) {
        return complete(request, owner, ResponseObserver.Watch.NONE);
    }

    /** {@link #complete(CreateResponseRequest, String)}, followed by {@code callWatch} beside the observer's watch. */
    public CompletableFuture<Response> complete(
            CreateResponseRequest request, String owner, ResponseObserver.Watch callWatch) {
        Prepared prepared = prepare(streaming(request, false), owner);
        admit();
        ResponseObserver.Watch watch = watch(prepared, false, callWatch);
        prepared.call().watch(watch);
        CompletableFuture<ChatCompletion> call;
        try {
            call = prepared.call().complete();
        } catch (RuntimeException e) {
            inProgress.decrementAndGet();
            watch.end(null, e);
            throw e;
        }
        // The answer is seen before the stages that transcode and store it: dependents of one future run in no
        // promised order (in fact the last added first), so a separate whenComplete would see it after the store.
        CompletableFuture<ChatCompletion> answered = call.whenComplete((completion, error) -> {
            if (error == null) {
                watch.firstOutput();
            } else if (!call.isCancelled()) {
                prepared.call().failedBeforeOutput(error);
            }
        });
        CompletableFuture<Response> result = answered.thenApply(completion -> transcoder.toResponse(
                        prepared.request(), prepared.history(), prepared.initial(), completion, ids, clock))
                .thenCompose(response -> {
                    if (!prepared.request().isStored()) {
                        return CompletableFuture.completedFuture(response);
                    }
                    return saveAsync(prepared, response, owner).handle((saved, error) -> {
                        if (error != null) {
                            // As a stream turns this into a storage_error: without it the future failed with the
                            // store's raw exception, where callers expect an OrsException to answer with.
                            throw storageError(response, error);
                        }
                        return response;
                    });
                });
        // A dependent stage does not pass a cancel back to its source: without this, a caller that cancels (or
        // times out) the returned future left the upstream call running, holding its connection until the call
        // timeout. When the result is done before the call, it was completed from outside: cancel the call (a
        // no-op once the call is done).
        result.whenComplete((response, error) -> {
            inProgress.decrementAndGet();
            call.cancel(true);
            watch.end(response, error == null || result.isCancelled() ? null : unwrap(error));
        });
        return result;
    }

    /**
     * Compacts a context window ({@code previous_response_id}'s chain, then {@code input}): the model summarizes the
     * older part, which becomes a sealed {@code compaction} item, followed by the most recent items as they are.
     */
    public CompletableFuture<CompactResponse> compact(CompactRequest request, String owner) {
        if (request == null) {
            throw OrsException.invalidRequest(null, "the request body is required");
        }
        if (request.model() == null || request.model().isBlank()) {
            throw OrsException.invalidRequest(
                    "model", "missing_required_parameter", "model is required to compact a context window");
        }
        List<Item> history = history(request.previousResponseId(), owner, null);
        List<Item> input = request.input() == null ? List.of() : resolveReferences(request.input(), history);
        List<Item> window = new ArrayList<>(history);
        window.addAll(normalizedForStorage(input));
        if (window.isEmpty()) {
            throw OrsException.invalidRequest(
                    "input", "There is nothing to compact: give input items, a previous_response_id, or both.");
        }
        int offset = history.size();
        Compactor.Split split = compactor.split(window);
        String summaryRequest = compactor.summaryRequest(
                split.older(),
                i -> i < offset ? "previous_response_id" : "input[" + (i - offset) + "].encrypted_content");
        CreateResponseRequest summarize = CreateResponseRequest.builder()
                .model(request.model())
                .instructions(request.instructions())
                .input(List.of(new Item.Message(
                        null,
                        null,
                        MessageRole.USER,
                        List.of(new ContentPart.InputText(summaryRequest)),
                        null,
                        Map.of())))
                .promptCacheKey(request.promptCacheKey())
                .store(false)
                .build();
        return complete(summarize, owner).thenApply(summary -> {
            String text = outputText(summary);
            if (text.isBlank()) {
                throw new OrsException(
                        new ErrorPayload(
                                "server_error",
                                "upstream_bad_response",
                                "The model wrote no summary to compact the context window into.",
                                null),
                        502);
            }
            long now = clock.instant().getEpochSecond();
            List<Item> output = new ArrayList<>(split.recent().size() + 1);
            output.add(compactor.seal(ids.newId("cmp"), text, summary.model(), now));
            output.addAll(split.recent());
            log.debug(
                    "compacted {} items into a summary of {} chars, kept {}",
                    split.older().size(),
                    text.length(),
                    split.recent().size());
            Usage usage = summary.usage() != null ? summary.usage() : new Usage(0, 0, 0, null, null);
            return new CompactResponse(ids.newId("resp"), now, output, usage, Map.of());
        });
    }

    static String outputText(Response response) {
        StringBuilder text = new StringBuilder();
        for (Item item : response.output()) {
            if (item instanceof Item.Message message) {
                for (ContentPart part : message.content()) {
                    if (part instanceof ContentPart.OutputText output) {
                        text.append(output.text());
                    }
                }
            }
        }
        return text.toString();
    }

    /** The stored response {@code id} if {@code owner} may see it. */
    public Optional<Response> retrieve(String id, String owner) {
        return find(id, owner).map(StoredResponse::response);
    }

    /** Deletes {@code id} if {@code owner} may see it. */
    public boolean delete(String id, String owner) {
        return find(id, owner).isPresent() && store.delete(id);
    }

    /** Lists the input items of {@code id} if {@code owner} may see it. */
    public Optional<ItemPage> listInputItems(String id, PageRequest page, String owner) {
        return find(id, owner).flatMap(found -> store.inputItems(id, page));
    }

    private Optional<StoredResponse> find(String id, String owner) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        return store.find(id).filter(stored -> Objects.equals(stored.owner(), owner));
    }

    private static CreateResponseRequest streaming(CreateResponseRequest request, boolean stream) {
        if (request == null || Objects.equals(request.stream(), stream) || (!stream && request.stream() == null)) {
            return request;
        }
        return request.toBuilder().stream(stream).build();
    }

    private List<Item> history(String previousResponseId, String owner, ConnectionMemory memory) {
        if (previousResponseId == null) {
            return List.of();
        }
        if (memory != null) {
            ConnectionMemory.Lookup local = memory.lookup(previousResponseId);
            if (local instanceof ConnectionMemory.Lookup.Evicted) {
                throw notFound(previousResponseId);
            }
            if (local instanceof ConnectionMemory.Lookup.Found found) {
                if (!Objects.equals(found.continuation().owner(), owner)) {
                    throw notFound(previousResponseId);
                }
                return found.continuation().items();
            }
        }
        ResponseStore.Continuation previous = store.continuation(previousResponseId)
                .filter(found -> Objects.equals(found.owner(), owner))
                .orElseThrow(() -> notFound(previousResponseId));
        if (ResponseStatus.FAILED.equals(previous.status())) {
            // A failed response's output may be half-written; replaying it would feed the model a broken turn.
            throw OrsException.invalidRequest(
                    "previous_response_id",
                    "previous_response_failed",
                    "response " + previousResponseId + " failed and cannot be continued; continue from its"
                            + " previous response instead");
        }
        if (previous.missingAncestorId() != null) {
            throw OrsException.notFound(
                    "previous_response_not_found",
                    "previous_response_id",
                    "response " + previous.missingAncestorId() + ", an ancestor of " + previousResponseId
                            + ", no longer exists");
        }
        return previous.items();
    }

    /** The route serving {@code model}; a 404 {@code model_not_found} when none does. */
    private Route route(String model) {
        return router.route(model).orElseThrow(() -> {
            StringBuilder served = new StringBuilder();
            for (Route route : router.routes()) {
                served.append(served.length() == 0 ? "" : ", ").append(route.pattern());
            }
            return OrsException.notFound(
                    "model_not_found",
                    "model",
                    "The model '" + model + "' is not served by this gateway (it serves: " + served + ")");
        });
    }

    /** Takes a place among the responses in progress, or refuses at once: no request waits in a queue. */
    private void admit() {
        if (inProgress.incrementAndGet() > maxConcurrentResponses) {
            inProgress.decrementAndGet();
            throw OrsException.tooManyRequests(
                    "concurrency_limit",
                    "the gateway is serving its limit of " + maxConcurrentResponses
                            + " concurrent responses; retry shortly",
                    retryAfter);
        }
    }

    private static OrsException notFound(String id) {
        return OrsException.notFound(
                "previous_response_not_found", "previous_response_id", "no response with id '" + id + "' was found");
    }

    private static List<Item> resolveReferences(List<Item> input, List<Item> history) {
        boolean any = input.stream().anyMatch(Item.ItemReference.class::isInstance);
        if (!any) {
            return input;
        }
        Map<String, Item> byId = new HashMap<>();
        for (Item item : history) {
            if (item.id() != null) {
                byId.put(item.id(), item);
            }
        }
        List<Item> resolved = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            Item item = input.get(i);
            if (item instanceof Item.ItemReference reference) {
                Item target = byId.get(reference.id());
                if (target == null) {
                    throw OrsException.invalidRequest(
                            "input[" + i + "].id",
                            "item_not_found",
                            "item_reference '" + reference.id()
                                    + "' names no item of the previous_response_id conversation");
                }
                resolved.add(target);
            } else {
                resolved.add(item);
            }
        }
        return resolved;
    }

    /**
     * Gives every input item an id (stored items need one for listing, cursors and references) and a status
     * ({@code completed} where the client sent none), as OpenAI stores and lists input items; strict clients such
     * as openai-java reject listed items without a status.
     */
    private List<Item> normalizedForStorage(List<Item> input) {
        List<Item> result = new ArrayList<>(input.size());
        for (Item item : input) {
            result.add(normalized(item));
        }
        return result;
    }

    private Item normalized(Item item) {
        if (item instanceof Item.Message m && (m.id() == null || m.status() == null)) {
            return new Item.Message(
                    idOr(m.id(), "msg"), statusOr(m.status()), m.role(), m.content(), m.phase(), m.extra());
        }
        if (item instanceof Item.FunctionCall c && (c.id() == null || c.status() == null)) {
            return new Item.FunctionCall(
                    idOr(c.id(), "fc"), c.callId(), c.name(), c.arguments(), statusOr(c.status()), c.extra());
        }
        if (item instanceof Item.FunctionCallOutput o && (o.id() == null || o.status() == null)) {
            return new Item.FunctionCallOutput(
                    idOr(o.id(), "fco"), o.callId(), o.output(), statusOr(o.status()), o.extra());
        }
        if (item instanceof Item.CustomToolCall c && (c.id() == null || c.status() == null)) {
            return new Item.CustomToolCall(
                    idOr(c.id(), "ctc"),
                    c.callId(),
                    c.namespace(),
                    c.name(),
                    c.input(),
                    statusOr(c.status()),
                    c.extra());
        }
        if (item instanceof Item.CustomToolCallOutput o && (o.id() == null || o.status() == null)) {
            return new Item.CustomToolCallOutput(
                    idOr(o.id(), "ctco"), o.callId(), o.output(), statusOr(o.status()), o.extra());
        }
        if (item instanceof Item.Reasoning r && r.id() == null) {
            return new Item.Reasoning(
                    ids.newId("rs"), r.summary(), r.content(), r.encryptedContent(), r.status(), r.extra());
        }
        if (item instanceof Item.Compaction c && c.id() == null) {
            return new Item.Compaction(ids.newId("cmp"), c.encryptedContent(), c.createdBy(), c.extra());
        }
        if (item instanceof Item.Unknown u && u.id() == null) {
            // OpenAI's tool items the transcoder maps (a tool_search_output, a shell_call_output, ...) often come
            // without an id, which every stored item needs.
            Map<String, JsonNode> fields = new LinkedHashMap<>();
            fields.put("id", TextNode.valueOf(ids.newId(UNKNOWN_ITEM_PREFIXES.getOrDefault(u.type(), "item"))));
            fields.putAll(u.fields());
            return new Item.Unknown(u.type(), fields);
        }
        return item;
    }

    private static final Map<String, String> UNKNOWN_ITEM_PREFIXES = Map.of(
            "tool_search_call", "tsc",
            "tool_search_output", "tso",
            "local_shell_call", "lsh",
            "local_shell_call_output", "lsho",
            "shell_call", "sh",
            "shell_call_output", "sho",
            "apply_patch_call", "apc",
            "apply_patch_call_output", "apco");

    private String idOr(String id, String prefix) {
        return id != null ? id : ids.newId(prefix);
    }

    private static String statusOr(String status) {
        return status != null ? status : ItemStatus.COMPLETED;
    }

    private ResponseObserver.Watch watch(Prepared prepared, boolean streaming, ResponseObserver.Watch callWatch) {
        ResponseObserver.Watch observed = SafeWatch.start(
                observer,
                new ResponseObserver.Start(
                        prepared.initial().id(), prepared.request().model(), streaming));
        return SafeWatch.both(observed, callWatch);
    }

    private CompletableFuture<Void> saveAsync(Prepared prepared, Response response, String owner) {
        prepared.call().watch().storing();
        long startNanos = System.nanoTime();
        CompletableFuture<Void> saved;
        try {
            Target served = prepared.call().served();
            saved = store.saveAsync(new StoredResponse(
                    response, prepared.inputItems(), owner, served == null ? null : served.upstream()));
        } catch (RuntimeException e) {
            saved = CompletableFuture.failedFuture(e);
        }
        return saved.whenComplete((ok, error) -> {
            prepared.call().watch().stored(System.nanoTime() - startNanos, error == null ? null : unwrap(error));
            if (error == null) {
                log.debug("response {}: stored ({})", response.id(), response.status());
            } else {
                log.error("response {}: could not be stored", response.id(), unwrap(error));
            }
        });
    }

    /**
     * Stores the response of a terminal event; the event is delivered once the store has it, so a client can continue
     * from it at once. When storing fails, an {@code error} event and {@code response.failed} take its place.
     */
    private CompletableFuture<List<ResponseEvent>> persist(Prepared prepared, ResponseEvent event, String owner) {
        Response response = ((ResponseEvent.Lifecycle) event).response();
        return saveAsync(prepared, response, owner).handle((saved, error) -> {
            if (error == null) {
                return List.of(event);
            }
            OrsException failure = storageError(response, error);
            Response failed = response.toBuilder()
                    .status(ResponseStatus.FAILED)
                    .completedAt(null)
                    .error(new ResponseError("storage_error", failure.getMessage()))
                    .build();
            long sequence = event.sequenceNumber();
            return List.of(
                    new ResponseEvent.Error(sequence, failure.error()), new ResponseEvent.Failed(sequence + 1, failed));
        });
    }

    private static OrsException storageError(Response response, Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof OrsException ors) {
            return ors; // the store's own answer, e.g. 503 store_overloaded with its Retry-After
        }
        return new OrsException(
                new ErrorPayload(
                        OrsException.SERVER_ERROR,
                        "storage_error",
                        "the response could not be stored: " + cause.getMessage(),
                        null),
                500,
                cause);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Hands every event to a listener and completes with the terminal event's response. */
    private static final class ListenerSubscriber implements Flow.Subscriber<ResponseEvent> {
        private final Consumer<? super ResponseEvent> listener;
        private final CompletableFuture<Response> result = new CompletableFuture<>();
        private volatile Response terminal;

        ListenerSubscriber(Consumer<? super ResponseEvent> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            result.whenComplete((response, error) -> {
                if (result.isCancelled()) {
                    subscription.cancel();
                }
            });
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ResponseEvent event) {
            if (event.isTerminal()) {
                terminal = ((ResponseEvent.Lifecycle) event).response();
            }
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            if (terminal != null) {
                result.complete(terminal);
            } else {
                result.completeExceptionally(
                        OrsException.serverError("the event stream ended without a terminal event", null));
            }
        }
    }
}
