package dev.orsgateway.core.routing;

import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Several Chat Completions upstreams behind one gateway: each request goes to the {@link Route} its model matches,
 * whose targets are tried in order under the {@link RetryPolicy} until one starts answering.
 *
 * <p>A route naming the model exactly wins over patterns; patterns are tried in the order they were added; a
 * request no route serves is refused (404 {@code model_not_found}) before any upstream call.
 *
 * <pre>{@code
 * Router router = Router.builder()
 *         .upstream("openai", openai)
 *         .upstream("ollama", ollama)
 *         .route(Route.forModel("gpt-*").to("openai").to("ollama", "llama3.2").build())
 *         .route(Route.forModel("fast").to("ollama", "llama3.2:3b").build())
 *         .route(Route.forModel("*").to("ollama").build())
 *         .build();
 * OrsGateway gateway = OrsGateway.builder().router(router).transcoder(ChatTranscoder.create()).build();
 * }</pre>
 *
 * <p>Thread-safe and immutable. The router does not own its upstreams: whoever built them closes them.
 */
public final class Router {
    /** The name of the one upstream of {@link #single}. */
    public static final String SINGLE = "default";

    private final Map<String, ChatCompletionsUpstream> upstreams;
    private final Map<String, Route> exact;
    private final List<Route> patterns;
    private final List<Route> routes;
    private final RetryPolicy retry;

    private Router(
            Map<String, ChatCompletionsUpstream> upstreams,
            List<Route> routes,
            Map<String, Route> exact,
            List<Route> patterns,
            RetryPolicy retry) {
        this.upstreams = upstreams;
        this.routes = routes;
        this.exact = exact;
        this.patterns = patterns;
        this.retry = retry;
    }

    /** A builder; add upstreams, then routes naming them. */
    public static Builder builder() {
        return new Builder();
    }

    /** One upstream, named {@value #SINGLE}, serving every model, each request tried once. */
    public static Router single(ChatCompletionsUpstream upstream) {
        return builder()
                .upstream(SINGLE, upstream)
                .route(Route.forModel("*").to(SINGLE).build())
                .retry(RetryPolicy.NONE)
                .build();
    }

    /** The route serving {@code model}, if any. */
    public Optional<Route> route(String model) {
        Route found = model == null ? null : exact.get(model);
        if (found != null) {
            return Optional.of(found);
        }
        for (Route route : patterns) {
            if (route.matches(model)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    /** The upstream named {@code name}. */
    public Optional<ChatCompletionsUpstream> upstream(String name) {
        return Optional.ofNullable(upstreams.get(name));
    }

    /** The upstreams by name, in the order they were added. */
    public Map<String, ChatCompletionsUpstream> upstreams() {
        return upstreams;
    }

    /** The routes in the order they were added. */
    public List<Route> routes() {
        return routes;
    }

    /** How failed attempts are retried. */
    public RetryPolicy retryPolicy() {
        return retry;
    }

    /** The upstreams and what they are, for logs: e.g. {@code openai=https://api.openai.com/v1/chat/completions}. */
    public String describe() {
        if (upstreams.size() == 1 && upstreams.containsKey(SINGLE)) {
            return upstreams.get(SINGLE).describe();
        }
        StringJoiner joined = new StringJoiner(", ");
        upstreams.forEach((name, upstream) -> joined.add(name + "=" + upstream.describe()));
        return joined.toString();
    }

    @Override
    public String toString() {
        return "Router" + routes;
    }

    /** Builds a {@link Router}. */
    public static final class Builder {
        private final Map<String, ChatCompletionsUpstream> upstreams = new LinkedHashMap<>();
        private final List<Route> routes = new ArrayList<>();
        private RetryPolicy retry = RetryPolicy.DEFAULT;

        private Builder() {}

        /** Registers an upstream under {@code name}, which routes' targets refer to. */
        public Builder upstream(String name, ChatCompletionsUpstream upstream) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(upstream, "upstream");
            if (name.isBlank()) {
                throw new IllegalArgumentException("an upstream's name must not be blank");
            }
            if (upstreams.putIfAbsent(name, upstream) != null) {
                throw new IllegalArgumentException("upstream '" + name + "' is registered twice");
            }
            return this;
        }

        /** Adds a route; see {@link Router} for the order routes are matched in. */
        public Builder route(Route route) {
            routes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /** How failed attempts are retried; {@link RetryPolicy#DEFAULT} unless set. */
        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The router.
         *
         * @throws IllegalStateException when there is no upstream or no route, a route names an unknown upstream,
         *     or two routes have the same pattern
         */
        public Router build() {
            if (upstreams.isEmpty()) {
                throw new IllegalStateException("a router needs at least one upstream");
            }
            if (routes.isEmpty()) {
                throw new IllegalStateException("a router needs at least one route (Route.forModel(\"*\") for all)");
            }
            Map<String, Route> exact = new LinkedHashMap<>();
            List<Route> patterns = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            for (Route route : routes) {
                if (seen.contains(route.pattern())) {
                    throw new IllegalStateException("two routes for '" + route.pattern() + "'");
                }
                seen.add(route.pattern());
                for (Target target : route.targets()) {
                    if (!upstreams.containsKey(target.upstream())) {
                        throw new IllegalStateException("route '" + route.pattern() + "' names upstream '"
                                + target.upstream() + "', which is not registered (registered: "
                                + String.join(", ", upstreams.keySet()) + ")");
                    }
                }
                if (route.isPattern()) {
                    patterns.add(route);
                } else {
                    exact.put(route.pattern(), route);
                }
            }
            return new Router(
                    Collections.unmodifiableMap(new LinkedHashMap<>(upstreams)),
                    List.copyOf(routes),
                    Collections.unmodifiableMap(exact),
                    List.copyOf(patterns),
                    retry);
        }
    }
}
