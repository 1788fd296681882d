package dev.orsgateway.core.internal;

import dev.orsgateway.core.chat.ModelInfo;
import dev.orsgateway.core.routing.Route;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.routing.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a router serves, for {@code GET /models}: each route's exact name, and for a route with a pattern, the
 * models the first of its upstreams that can list them lists, where the pattern (and no earlier route) sends them. An
 * upstream that cannot list its models within the timeout is passed over, with a warning.
 */
public final class ModelList {
    private static final Logger log = LoggerFactory.getLogger(ModelList.class);

    private ModelList() {}

    /** The models {@code router} serves, in route order, each once. */
    public static CompletableFuture<List<ModelInfo>> of(Router router, Duration timeout) {
        List<CompletableFuture<List<ModelInfo>>> parts = new ArrayList<>();
        Map<String, CompletableFuture<List<ModelInfo>>> listed = new LinkedHashMap<>();
        for (Route route : router.routes()) {
            if (!route.isPattern()) {
                parts.add(CompletableFuture.completedFuture(List.of(
                        new ModelInfo(route.pattern(), 0, route.targets().get(0).upstream()))));
                continue;
            }
            // The first target that lists its models speaks for the route (a fallback stands in for a primary that
            // is down); a renaming target makes every model of the pattern one model, with nothing to list by name.
            CompletableFuture<Listing> listing = CompletableFuture.failedFuture(new IllegalStateException("none"));
            for (Target target : route.targets()) {
                if (target.model() != null) {
                    break;
                }
                CompletableFuture<List<ModelInfo>> models =
                        listed.computeIfAbsent(target.upstream(), name -> list(router, name, timeout));
                listing = listing.exceptionallyCompose(
                        error -> models.thenApply(list -> new Listing(target.upstream(), list)));
            }
            parts.add(listing.handle((found, error) -> error != null ? List.of() : served(router, route, found)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, ModelInfo> byId = new LinkedHashMap<>();
            for (CompletableFuture<List<ModelInfo>> part : parts) {
                for (ModelInfo model : part.join()) {
                    byId.putIfAbsent(model.id(), model);
                }
            }
            return List.copyOf(byId.values());
        });
    }

    private record Listing(String upstream, List<ModelInfo> models) {}

    /** The listed models that {@code route}, and no earlier route, serves. */
    private static List<ModelInfo> served(Router router, Route route, Listing listing) {
        List<ModelInfo> served = new ArrayList<>();
        for (ModelInfo model : listing.models()) {
            if (router.route(model.id()).filter(r -> r == route).isPresent()) {
                served.add(
                        model.ownedBy() == null
                                ? new ModelInfo(model.id(), model.created(), listing.upstream())
                                : model);
            }
        }
        return served;
    }

    private static CompletableFuture<List<ModelInfo>> call(Router router, String name) {
        try {
            return router.upstream(name).orElseThrow().listModels();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletableFuture<List<ModelInfo>> list(Router router, String name, Duration timeout) {
        CompletableFuture<List<ModelInfo>> models = call(router, name);
        CompletableFuture<List<ModelInfo>> bounded = models.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return bounded.whenComplete((list, error) -> {
            if (error != null) {
                Throwable cause = RoutedCall.unwrap(error);
                log.warn("upstream {} could not list its models: {}", name, cause.toString());
                models.cancel(true);
            }
        });
    }
}
