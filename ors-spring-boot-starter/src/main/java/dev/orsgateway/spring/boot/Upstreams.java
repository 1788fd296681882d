package dev.orsgateway.spring.boot;

import dev.orsgateway.core.routing.RetryPolicy;
import dev.orsgateway.core.routing.Route;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.routing.ThinkTagMode;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.upstream.GeminiThoughtSignatures;
import dev.orsgateway.core.upstream.MistralToolCallIds;
import dev.orsgateway.upstream.jdk.JdkHttpChatCompletionsUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.util.ClassUtils;

/**
 * The router made from {@code ors.upstreams}, {@code ors.routes} and {@code ors.retry}, and the upstreams it made,
 * which it closes with the context. A mistake fails the start with a message naming the property.
 */
final class Upstreams implements AutoCloseable {
    private static final String OKHTTP = "dev.orsgateway.upstream.okhttp.OkHttpChatCompletionsUpstream";

    private final Router router;
    private final List<AutoCloseable> owned;

    Upstreams(Router router, List<AutoCloseable> owned) {
        this.router = router;
        this.owned = List.copyOf(owned);
    }

    Router router() {
        return router;
    }

    static Upstreams routed(OrsProperties properties) {
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            OrsProperties.Retry retry = properties.retry();
            Router.Builder router = Router.builder()
                    .retry(new RetryPolicy(
                            retry.retries(), retry.initialBackoff(), retry.maxBackoff(), retry.deadline()));
            for (Map.Entry<String, OrsProperties.NamedUpstream> entry :
                    properties.upstreams().entrySet()) {
                String key = "ors.upstreams." + entry.getKey();
                ChatCompletionsUpstream upstream = named(key, entry.getValue(), properties.maxConcurrentResponses());
                if (upstream instanceof AutoCloseable closeable) {
                    owned.add(closeable);
                }
                router.upstream(entry.getKey(), decorated(key, entry.getValue(), upstream));
            }
            if (properties.routes().isEmpty()) {
                router.route(Route.forModel("*")
                        .to(properties.upstreams().keySet().iterator().next())
                        .build());
            }
            for (int i = 0; i < properties.routes().size(); i++) {
                router.route(route("ors.routes[" + i + "]", properties.routes().get(i), properties));
            }
            return new Upstreams(router.build(), owned);
        } catch (RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    private static Route route(String key, OrsProperties.RouteSpec spec, OrsProperties properties) {
        if (spec.model() == null || spec.model().isBlank()) {
            throw new IllegalStateException(key + ".model is not set: the model name or glob (e.g. gpt-*) it serves");
        }
        if (spec.to() == null || spec.to().isEmpty()) {
            throw new IllegalStateException(key + ".to is empty: name at least one of ors.upstreams");
        }
        Route.Builder route = Route.forModel(spec.model());
        for (int t = 0; t < spec.to().size(); t++) {
            OrsProperties.TargetSpec target = spec.to().get(t);
            String targetKey = key + ".to[" + t + "]";
            if (target.upstream() == null || !properties.upstreams().containsKey(target.upstream())) {
                throw new IllegalStateException(
                        targetKey + ".upstream: '" + target.upstream() + "' is not one of ors.upstreams "
                                + properties.upstreams().keySet());
            }
            if (target.model() == null) {
                route.to(target.upstream());
            } else {
                route.to(target.upstream(), target.model());
            }
        }
        if (spec.firstByteTimeout() != null) {
            route.firstByteTimeout(spec.firstByteTimeout());
        }
        try {
            route.thinkTags(ThinkTagMode.valueOf(spec.thinkTags().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    key + ".think-tags: '" + spec.thinkTags() + "' is not off, leading or prefilled");
        }
        return route.build();
    }

    private static ChatCompletionsUpstream named(String key, OrsProperties.NamedUpstream spec, int maxStreams) {
        String url = spec.url();
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(key + ".url is not set");
        }
        Map<String, String> headers = new LinkedHashMap<>(spec.headers());
        String bearer = spec.apiKey();
        switch (spec.auth()) {
            case "bearer" -> {}
            case "azure" -> {
                if (spec.apiKey() == null || spec.apiKey().isBlank()) {
                    throw new IllegalStateException(key + ".api-key is required with auth: azure");
                }
                headers.put("api-key", spec.apiKey());
                bearer = null;
            }
            default -> throw new IllegalStateException(key + ".auth: '" + spec.auth() + "' is not bearer or azure");
        }
        if (spec.apiVersion() != null) {
            if (url.contains("api-version=")) {
                throw new IllegalStateException(key + ".api-version is given twice: the url already has one");
            }
            url = url + (url.contains("?") ? "&" : "?") + "api-version=" + spec.apiVersion();
        }
        return build(
                key,
                url,
                bearer,
                headers,
                spec.transport(),
                spec.connectTimeout(),
                spec.readTimeout(),
                spec.callTimeout(),
                maxStreams);
    }

    private static ChatCompletionsUpstream decorated(
            String key, OrsProperties.NamedUpstream spec, ChatCompletionsUpstream upstream) {
        ChatCompletionsUpstream result = switch (spec.toolCallIds()) {
            case "none" -> upstream;
            case "mistral" -> MistralToolCallIds.wrap(upstream);
            default ->
                throw new IllegalStateException(
                        key + ".tool-call-ids: '" + spec.toolCallIds() + "' is not none or mistral");
        };
        return switch (spec.thoughtSignatures()) {
            case "none" -> result;
            case "gemini" -> GeminiThoughtSignatures.wrap(result);
            default ->
                throw new IllegalStateException(
                        key + ".thought-signatures: '" + spec.thoughtSignatures() + "' is not none or gemini");
        };
    }

    /** An upstream over {@code transport}; null timeouts keep the transport's defaults. */
    static ChatCompletionsUpstream build(
            String key,
            String url,
            String apiKey,
            Map<String, String> headers,
            String transport,
            Duration connectTimeout,
            Duration readTimeout,
            Duration callTimeout,
            int maxStreams) {
        String bearer = apiKey == null || apiKey.isBlank() ? null : apiKey;
        switch (transport) {
            case "jdk" -> {
                JdkHttpChatCompletionsUpstream.Builder jdk = JdkHttpChatCompletionsUpstream.builder()
                        .baseUrl(url)
                        .apiKey(bearer)
                        .headers(headers)
                        .maxConcurrentStreams(maxStreams);
                if (connectTimeout != null) {
                    jdk.connectTimeout(connectTimeout);
                }
                if (readTimeout != null) {
                    jdk.readTimeout(readTimeout);
                }
                if (callTimeout != null) {
                    jdk.callTimeout(callTimeout);
                }
                return jdk.build();
            }
            case "okhttp" -> {
                if (!ClassUtils.isPresent(OKHTTP, Upstreams.class.getClassLoader())) {
                    throw new IllegalStateException(key + ".transport: okhttp needs the dependency"
                            + " dev.orsgateway:ors-upstream-okhttp on the class path");
                }
                return OkHttpUpstreams.build(
                        url, bearer, headers, connectTimeout, readTimeout, callTimeout, maxStreams);
            }
            default ->
                throw new IllegalStateException(
                        key + ".transport: unknown transport '" + transport + "' (supported: jdk, okhttp)");
        }
    }

    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> upstreams) {
        for (AutoCloseable upstream : upstreams) {
            try {
                upstream.close();
            } catch (Exception e) {
                // Closing at shutdown: nothing left to do about it.
            }
        }
    }
}
