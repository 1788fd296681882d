package dev.orsgateway.server.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.json.SseEncoder;
import dev.orsgateway.core.model.CompactRequest;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Routes a request to its endpoint and answers it: {@code POST /responses} asynchronously (a JSON body or an event
 * stream), the other endpoints synchronously (they only read the store). Paths are relative to the servlet's mount.
 */
public final class OrsHandler {
    private static final String RESPONSES = "/responses";
    private static final String INPUT_ITEMS = "input_items";
    private static final String COMPACT = "compact";
    private static final String MODELS = "/models";
    private static final List<String> HEALTH_METHODS = List.of("GET", "HEAD");
    private static final byte[] HEALTH_BODY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    /**
     * How much of a body over the limit is read and dropped before the connection is closed: more than clients send
     * in practice before they look at the answer, and a bound, so that no client keeps the server reading for ever.
     */
    static final long DISCARD_LIMIT = 64L * 1024 * 1024;

    private final OrsGateway gateway;
    private final long maxRequestBytes;
    private final KeyRing keys;
    private final String healthPath;
    private final long keepAliveNanos;
    private final ScheduledExecutorService ticker;
    private final WebSocketTransport webSocket;
    private final long writeTimeoutNanos;

    /**
     * A handler over {@code gateway}; {@code ticker} runs keep-alive and write timeout checks (null when both are off);
     * {@code webSocket} serves upgrade requests on {@code /responses} (null: none); an event stream whose write stays
     * blocked for {@code writeTimeoutNanos} (zero: no limit) is aborted.
     */
    public OrsHandler(
            OrsGateway gateway,
            long maxRequestBytes,
            KeyRing keys,
            String healthPath,
            long keepAliveNanos,
            ScheduledExecutorService ticker,
            WebSocketTransport webSocket,
            long writeTimeoutNanos) {
        this.gateway = gateway;
        this.maxRequestBytes = maxRequestBytes;
        this.keys = keys;
        this.healthPath = healthPath;
        this.keepAliveNanos = keepAliveNanos;
        this.ticker = ticker;
        this.webSocket = webSocket;
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    /** The routes, by path shape. */
    private enum Route {
        CREATE(List.of("POST")),
        COMPACT(List.of("POST")),
        RESPONSE(List.of("GET", "DELETE")),
        INPUT_ITEMS(List.of("GET")),
        MODELS(List.of("GET"));

        final List<String> methods;

        Route(List<String> methods) {
            this.methods = methods;
        }
    }

    private record Target(Route route, String id) {}

    /** Who calls: the owner of their responses, and their key (both null without authentication). */
    private record Caller(String owner, ApiKeys.Key key) {
        static final Caller ANONYMOUS = new Caller(null, null);
    }

    /** Answers {@code request}. */
    public void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        RequestLog log = new RequestLog(method, request.getRequestURI());
        String path = relativePath(request);
        try {
            if (healthPath != null && healthPath.equals(path)) {
                health(method, path, response, log);
                return;
            }
            Caller caller = authenticate(request, log);
            String owner = caller.owner();
            Target target = route(path);
            if (target == null) {
                throw HttpErrors.unknownPath(method, path);
            }
            if (target.route() == Route.CREATE
                    && "GET".equals(method)
                    && webSocket != null
                    && WebSocketTransport.isUpgrade(request)) {
                // The spec's WebSocket mode: the same resource, authenticated as any request (above).
                webSocket.upgrade(request, response, owner, caller.key(), log);
                return;
            }
            if (!target.route().methods.contains(method)) {
                if ("OPTIONS".equals(method)) {
                    response.setHeader("Allow", allow(target.route().methods));
                    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                    log.finishedWith(HttpServletResponse.SC_NO_CONTENT);
                    return;
                }
                throw HttpErrors.methodNotAllowed(method, path, target.route().methods);
            }
            if (target.route() != Route.MODELS) {
                log.responseId(target.id());
            }
            switch (target.route()) {
                case CREATE -> create(request, response, caller, log, false);
                case COMPACT -> create(request, response, caller, log, true);
                case RESPONSE -> {
                    if ("GET".equals(method)) {
                        retrieve(target.id(), request, owner, response, log);
                    } else {
                        delete(target.id(), owner, response, log);
                    }
                }
                case INPUT_ITEMS -> inputItems(target.id(), request, owner, response, log);
                case MODELS -> models(target.id(), caller.key(), request, response, log);
            }
        } catch (OrsException e) {
            answerError(request, response, log, e, path);
        } catch (RuntimeException e) {
            log.unexpected(e);
            answerError(request, response, log, HttpErrors.serverError(e), path);
        }
    }

    private void answerError(
            HttpServletRequest request, HttpServletResponse response, RequestLog log, OrsException e, String path)
            throws IOException {
        log.error(e, false);
        if (request.isAsyncStarted() || response.isCommitted()) {
            return; // the asynchronous part answers for itself
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.httpStatus() == 401) {
            headers.put("WWW-Authenticate", "Bearer");
        }
        if (e.httpStatus() == 405) {
            Target target = route(path);
            List<String> methods = target != null ? target.route().methods : HEALTH_METHODS;
            headers.put("Allow", allow(methods));
        }
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            // The body was not read, and containers differ in what they do with it: Jetty may close the connection
            // once the answer is out when the body's bytes arrive after it, and a client that reused the connection
            // would get no answer to its next request. Saying so lets the client open a new one.
            headers.put("Connection", "close");
            if (request.isAsyncSupported()) {
                // Closing on the unread body resets the connection, which can destroy the answer before a client
                // that is still sending reads it: answer, then read and drop the body, as for a 413.
                Exchange exchange = Exchange.start(request, response, log);
                exchange.holdCompletion();
                Responses.sendError(exchange, e, headers);
                discardBody(request, exchange);
                return;
            }
        }
        Responses.writeError(response, e, headers);
        log.finishedWith(Responses.statusOf(e));
    }

    /**
     * Reads and drops the rest of the body of an answered request, up to {@link #DISCARD_LIMIT} bytes, then lets the
     * exchange complete (which closes the connection); see {@link BodyReader}.
     */
    private static void discardBody(HttpServletRequest request, Exchange exchange) {
        try {
            ServletInputStream in = request.getInputStream();
            in.setReadListener(BodyReader.discarding(in, DISCARD_LIMIT, new BodyReader.Handler() {
                @Override
                public void body(byte[] bytes, int length) {}

                @Override
                public void discarded() {
                    exchange.releaseCompletion();
                }
            }));
        } catch (IOException | RuntimeException e) {
            exchange.releaseCompletion();
        }
    }

    // ---- routing

    /** The path below the servlet's mount: the path info of a {@code /prefix/*} mapping, else the servlet path. */
    private static String relativePath(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null) {
            path = request.getServletPath();
        }
        if (path == null || path.isEmpty()) {
            return "/";
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static Target route(String path) {
        if (path.equals(RESPONSES)) {
            return new Target(Route.CREATE, null);
        }
        if (path.equals(MODELS)) {
            return new Target(Route.MODELS, null);
        }
        if (path.startsWith(MODELS + "/") && path.length() > MODELS.length() + 1) {
            return new Target(Route.MODELS, path.substring(MODELS.length() + 1)); // OpenRouter's names have slashes
        }
        if (!path.startsWith(RESPONSES + "/")) {
            return null;
        }
        String rest = path.substring(RESPONSES.length() + 1);
        if (rest.equals(COMPACT)) {
            return new Target(Route.COMPACT, null);
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return rest.isEmpty() ? null : new Target(Route.RESPONSE, rest);
        }
        String id = rest.substring(0, slash);
        if (!id.isEmpty() && rest.substring(slash + 1).equals(INPUT_ITEMS)) {
            return new Target(Route.INPUT_ITEMS, id);
        }
        return null;
    }

    private static String allow(List<String> methods) {
        return String.join(", ", methods);
    }

    /** The caller of {@code request}, who has a request left of their per-minute limit. */
    private Caller authenticate(HttpServletRequest request, RequestLog log) {
        ApiKeys apiKeys = keys.current();
        if (apiKeys.isEmpty()) {
            return Caller.ANONYMOUS;
        }
        String header = request.getHeader("Authorization");
        Optional<String> token = ApiKeys.bearerToken(header);
        if (token.isEmpty()) {
            throw header == null ? HttpErrors.missingApiKey() : HttpErrors.invalidApiKey();
        }
        ApiKeys.Key key = apiKeys.find(token.get()).orElseThrow(HttpErrors::invalidApiKey);
        log.key(key);
        key.admitRequest();
        return new Caller(key.owner(token.get()), key);
    }

    /**
     * Refuses a create or compact request of {@code key} for {@code model} (null: the gateway's default) that the key
     * may not make: a model it may not use, or tokens it has not left.
     */
    private void admit(ApiKeys.Key key, String model) {
        if (key != null) {
            key.admitModel(model != null ? model : gateway.defaultModel());
            key.admitTokens();
        }
    }

    // ---- synchronous endpoints

    private void health(String method, String path, HttpServletResponse response, RequestLog log) throws IOException {
        if (!HEALTH_METHODS.contains(method)) {
            throw HttpErrors.methodNotAllowed(method, path, HEALTH_METHODS);
        }
        response.setHeader("Cache-Control", "no-store");
        if ("HEAD".equals(method)) {
            response.setStatus(200);
            response.setContentType(Responses.JSON);
            response.setContentLength(HEALTH_BODY.length);
        } else {
            Responses.writeJson(response, 200, HEALTH_BODY, Map.of());
        }
        log.finishedWith(200);
    }

    /**
     * {@code GET /models} (OpenAI's list shape) and {@code GET /models/{id}}: the models the gateway's routes serve. A
     * model a pattern route serves is found by id even when no upstream lists it. A key with an allow-list sees its
     * models only.
     */
    private void models(
            String id, ApiKeys.Key key, HttpServletRequest request, HttpServletResponse response, RequestLog log)
            throws IOException {
        Exchange exchange = Exchange.start(request, response, log);
        CompletableFuture<byte[]> body = gateway.models().thenApply(all -> {
            List<ModelInfo> models = key == null
                    ? all
                    : all.stream().filter(model -> key.allows(model.id())).toList();
            if (id != null && key != null && !key.allows(id)) {
                key.admitModel(id); // throws: the same 404 as for a create
            }
            if (id == null) {
                Map<String, Object> list = new LinkedHashMap<>();
                list.put("object", "list");
                list.put("data", models);
                return OrsJson.writeBytes(list);
            }
            for (ModelInfo model : models) {
                if (model.id().equals(id)) {
                    return OrsJson.writeBytes(model);
                }
            }
            return gateway.router()
                    .route(id)
                    .map(route -> OrsJson.writeBytes(
                            new ModelInfo(id, 0, route.targets().get(0).upstream())))
                    .orElseThrow(() -> OrsException.notFound(
                            "model_not_found", "model", "The model '" + HttpErrors.clip(id) + "' is not served here"));
        });
        answerWhenDone(exchange, log, body, bytes -> bytes);
    }

    /**
     * {@code GET /responses/{id}}: the stored response as JSON, or with {@code stream=true} (what OpenAI's SDKs send for
     * {@code retrieve(..., stream=True)}) as its event stream, from event {@code starting_after + 1} on.
     */
    private void retrieve(
            String id, HttpServletRequest request, String owner, HttpServletResponse response, RequestLog log)
            throws IOException {
        boolean stream = booleanParameter(request, "stream");
        long startingAfter = startingAfter(request);
        if (!stream) {
            Response found = gateway.retrieve(id, owner).orElseThrow(() -> HttpErrors.responseNotFound(id));
            Responses.writeJson(response, 200, OrsJson.writeBytes(found), Map.of());
            log.finishedWith(200);
            return;
        }
        List<ResponseEvent> events =
                gateway.retrieveEvents(id, startingAfter, owner).orElseThrow(() -> HttpErrors.responseNotFound(id));
        try (SseEncoder encoder = new SseEncoder()) {
            for (ResponseEvent event : events) {
                encoder.event(event);
            }
            encoder.raw(SseSubscriber.DONE);
            response.setStatus(200);
            response.setContentType(SseSubscriber.SSE_HEAD.contentType());
            SseSubscriber.SSE_HEAD.headers().forEach(response::setHeader);
            response.setContentLength(encoder.size());
            encoder.writeTo(response.getOutputStream());
        }
        log.finishedWith(200);
    }

    private static boolean booleanParameter(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        if (value == null || value.isEmpty()) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw HttpErrors.invalidType(
                        name, name + " must be 'true' or 'false', got '" + HttpErrors.clip(value) + "'.");
        };
    }

    private static long startingAfter(HttpServletRequest request) {
        String value = request.getParameter("starting_after");
        if (value == null || value.isEmpty()) {
            return -1;
        }
        long after;
        try {
            after = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw HttpErrors.invalidType(
                    "starting_after",
                    "starting_after must be an event's sequence number (an integer), got '" + HttpErrors.clip(value)
                            + "'.");
        }
        if (after < -1) {
            throw OrsException.invalidRequest(
                    "starting_after",
                    "integer_below_min_value",
                    "starting_after must be -1 or more, got " + after + ".");
        }
        return after;
    }

    private void delete(String id, String owner, HttpServletResponse response, RequestLog log) throws IOException {
        if (!gateway.delete(id, owner)) {
            throw HttpErrors.responseNotFound(id);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", "response");
        body.put("deleted", true);
        Responses.writeJson(response, 200, OrsJson.writeBytes(body), Map.of());
        log.finishedWith(200);
    }

    private void inputItems(
            String id, HttpServletRequest request, String owner, HttpServletResponse response, RequestLog log)
            throws IOException {
        PageRequest page = pageRequest(request);
        ItemPage items = gateway.listInputItems(id, page, owner).orElseThrow(() -> HttpErrors.responseNotFound(id));
        Responses.writeJson(response, 200, OrsJson.writeBytes(items), Map.of());
        log.finishedWith(200);
    }

    /** OpenAI's paging parameters: {@code after}, {@code before}, {@code limit} (1–100, 20), {@code order} (desc). */
    static PageRequest pageRequest(HttpServletRequest request) {
        String limitText = request.getParameter("limit");
        int limit = 20;
        if (limitText != null && !limitText.isEmpty()) {
            try {
                limit = Integer.parseInt(limitText.strip());
            } catch (NumberFormatException e) {
                throw HttpErrors.invalidType(
                        "limit",
                        "limit must be an integer between 1 and 100, got '" + HttpErrors.clip(limitText) + "'.");
            }
            if (limit < 1) {
                throw OrsException.invalidRequest(
                        "limit", "integer_below_min_value", "limit must be between 1 and 100, got " + limit + ".");
            }
            if (limit > 100) {
                throw OrsException.invalidRequest(
                        "limit", "integer_above_max_value", "limit must be between 1 and 100, got " + limit + ".");
            }
        }
        String order = request.getParameter("order");
        boolean ascending = false;
        if (order != null && !order.isEmpty()) {
            switch (order.toLowerCase(Locale.ROOT)) {
                case "asc" -> ascending = true;
                case "desc" -> ascending = false;
                default ->
                    throw HttpErrors.invalidValue(
                            "order", "order must be 'asc' or 'desc', got '" + HttpErrors.clip(order) + "'.");
            }
        }
        return new PageRequest(
                blankToNull(request.getParameter("after")),
                blankToNull(request.getParameter("before")),
                limit,
                ascending);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    // ---- POST /responses

    /** A create ({@code compact} false) or compact request: the body is read without blocking, then answered. */
    private void create(
            HttpServletRequest request, HttpServletResponse response, Caller caller, RequestLog log, boolean compact)
            throws IOException {
        String contentType = request.getContentType();
        if (!isJson(contentType)) {
            throw HttpErrors.unsupportedMediaType(contentType);
        }
        long contentLength = request.getContentLengthLong();
        if (!request.isAsyncSupported()) {
            throw new IllegalStateException("OrsServlet must be registered with asyncSupported=true");
        }
        Exchange exchange = Exchange.start(request, response, log);
        if (contentLength > maxRequestBytes) {
            refuseTooLarge(exchange, log);
            discardBody(request, exchange);
            return;
        }
        BodyReader.Handler handler = new BodyReader.Handler() {
            @Override
            public void body(byte[] bytes, int length) {
                if (compact) {
                    onCompactBody(exchange, bytes, length, caller, log);
                } else {
                    onBody(exchange, bytes, length, caller, log);
                }
            }

            @Override
            public void tooLarge() {
                refuseTooLarge(exchange, log);
            }

            @Override
            public void discarded() {
                exchange.releaseCompletion();
            }

            @Override
            public void failed(Throwable t) {
                exchange.abort("ReadListener.onError", t);
            }
        };
        try {
            ServletInputStream in = request.getInputStream();
            in.setReadListener(new BodyReader(in, maxRequestBytes, DISCARD_LIMIT, contentLength, handler));
        } catch (IOException | RuntimeException e) {
            OrsException error = HttpErrors.serverError(e);
            log.error(error, true);
            log.unexpected(e);
            Responses.sendError(exchange, error);
        }
    }

    /**
     * Answers 413 at once, and completes (closes the connection) only once the body has been discarded: see {@link
     * BodyReader}.
     */
    private void refuseTooLarge(Exchange exchange, RequestLog log) {
        OrsException error = HttpErrors.tooLarge(maxRequestBytes);
        log.error(error, false);
        exchange.holdCompletion();
        Responses.sendError(exchange, error, Map.of("Connection", "close"));
    }

    private void onBody(Exchange exchange, byte[] bytes, int length, Caller caller, RequestLog log) {
        String owner = caller.owner();
        try {
            CreateResponseRequest request = RequestParser.parse(bytes, length, gateway.requestLimits());
            admit(caller.key(), request.model());
            if (request.isStreaming()) {
                log.streaming();
                Flow.Publisher<ResponseEvent> events = gateway.respond(request, owner, null, log.watch());
                SseSubscriber subscriber;
                try {
                    subscriber = new SseSubscriber(exchange, log, keepAliveNanos, ticker, writeTimeoutNanos);
                } catch (RuntimeException e) {
                    // The response holds a place among those in progress until its stream ends: end it unopened.
                    events.subscribe(new CancelAtOnce());
                    throw e;
                }
                events.subscribe(subscriber);
            } else {
                CompletableFuture<Response> future = gateway.complete(request, owner, log.watch());
                answerWhenDone(exchange, log, future, created -> {
                    log.ended(created);
                    return OrsJson.writeBytes(created);
                });
            }
        } catch (OrsException e) {
            log.error(e, false);
            Responses.sendError(exchange, e);
        } catch (RuntimeException e) {
            OrsException error = HttpErrors.serverError(e);
            log.error(error, true);
            log.unexpected(e);
            Responses.sendError(exchange, error);
        }
    }

    private void onCompactBody(Exchange exchange, byte[] bytes, int length, Caller caller, RequestLog log) {
        try {
            CompactRequest request = RequestParser.parseCompact(bytes, length, gateway.requestLimits());
            admit(caller.key(), request.model());
            answerWhenDone(exchange, log, gateway.compact(request, caller.owner()), compacted -> {
                log.used(compacted.usage());
                return OrsJson.writeBytes(compacted);
            });
        } catch (OrsException e) {
            log.error(e, false);
            Responses.sendError(exchange, e);
        } catch (RuntimeException e) {
            OrsException error = HttpErrors.serverError(e);
            log.error(error, true);
            log.unexpected(e);
            Responses.sendError(exchange, error);
        }
    }

    /** Answers with {@code future}'s value as JSON, or with its failure; a client that leaves cancels it. */
    private static <T> void answerWhenDone(
            Exchange exchange, RequestLog log, CompletableFuture<T> future, Function<T, byte[]> json) {
        exchange.onAbort(() -> future.cancel(true));
        future.whenComplete((value, failure) -> {
            if (failure == null) {
                Responses.sendJson(exchange, json.apply(value));
                return;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof OrsException ors) {
                log.error(ors, true);
                Responses.sendError(exchange, ors);
            } else {
                OrsException error = HttpErrors.serverError(cause);
                log.error(error, true);
                log.unexpected(cause);
                Responses.sendError(exchange, error);
            }
        });
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** {@code application/json}, with no charset or a UTF-8 one. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                String charset = parameter.substring(eq + 1).strip().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Cancels its subscription at once: ends a stream nobody will read, without its upstream call. */
    private static final class CancelAtOnce implements Flow.Subscriber<ResponseEvent> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
        }

        @Override
        public void onNext(ResponseEvent item) {}

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}
    }
}
