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
 * models its first upstream lists that the pattern (and no earlier route) sends there. An upstream that cannot list
 * its models within the timeout is left out, with a warning.
 */
public final class ModelList {
    private static final Logger log = LoggerFactory.getLogger(ModelList.class);

    private ModelList() {}

    /** The models {@code router} serves, in route order, each once. */
    public static CompletableFuture<List<ModelInfo>> of(Router router, Duration timeout) {
        List<CompletableFuture<List<ModelInfo>>> parts = new ArrayList<>();
        Map<String, CompletableFuture<List<ModelInfo>>> listed = new LinkedHashMap<>();
        for (Route route : router.routes()) {
            Target first = route.targets().get(0);
            if (!route.isPattern()) {
                parts.add(CompletableFuture.completedFuture(
                        List.of(new ModelInfo(route.pattern(), 0, first.upstream()))));
                continue;
            }
            if (first.model() != null) {
                continue; // every model of the pattern becomes one upstream model: nothing to list by name
            }
            CompletableFuture<List<ModelInfo>> upstreamModels =
                    listed.computeIfAbsent(first.upstream(), name -> list(router, name, timeout));
            parts.add(upstreamModels.thenApply(models -> {
                List<ModelInfo> served = new ArrayList<>();
                for (ModelInfo model : models) {
                    if (router.route(model.id()).filter(r -> r == route).isPresent()) {
                        served.add(
                                model.ownedBy() == null
                                        ? new ModelInfo(model.id(), model.created(), first.upstream())
                                        : model);
                    }
                }
                return served;
            }));
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
        return bounded.exceptionally(error -> {
            Throwable cause = RoutedCall.unwrap(error);
            log.warn("upstream {} could not list its models, left out of the model list: {}", name, cause.toString());
            models.cancel(true);
            return List.of();
        });
    }
}
