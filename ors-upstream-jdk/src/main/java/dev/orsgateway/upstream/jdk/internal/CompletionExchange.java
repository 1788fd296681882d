package dev.orsgateway.upstream.jdk.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.upstream.ChatPayloads;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One non-streaming completion: an exchange whose outcome completes a future, and whose future cancels the exchange. */
public final class CompletionExchange {

    private static final Logger log = LoggerFactory.getLogger(CompletionExchange.class);

    private CompletionExchange() {}

    /**
     * Sends {@code request} and returns the future of its completion. Completing the future from outside (its
     * {@code cancel}, {@code orTimeout}, {@code completeExceptionally}) cancels the exchange; {@code callTimeout} (zero
     * for none) bounds the whole call, body included.
     */
    public static CompletableFuture<ChatCompletion> start(
            HttpClient client,
            HttpRequest request,
            UpstreamErrors errors,
            ChatPayloads payloads,
            String upstream,
            ScheduledExecutorService scheduler,
            Duration callTimeout) {
        long startNanos = System.nanoTime();
        CompletableFuture<ChatCompletion> result = new CompletableFuture<>();
        log.debug("POST {}", upstream);
        CompletableFuture<HttpResponse<byte[]>> sent = client.sendAsync(request, info -> {
            if (info.statusCode() >= 200 && info.statusCode() <= 299) {
                return HttpResponse.BodySubscribers.ofByteArray();
            }
            return HttpResponse.BodySubscribers.mapping(
                    HttpResponse.BodySubscribers.ofByteArray(),
                    bytes -> bytes.length > UpstreamErrors.MAX_ERROR_BODY_BYTES
                            ? Arrays.copyOf(bytes, UpstreamErrors.MAX_ERROR_BODY_BYTES)
                            : bytes);
        });
        ScheduledFuture<?> timeout = callTimeout.isZero()
                ? null
                : scheduler.schedule(
                        () -> result.completeExceptionally(errors.bodyFailed(
                                new HttpTimeoutException("call timeout of " + callTimeout.toMillis() + " ms"))),
                        callTimeout.toNanos(),
                        TimeUnit.NANOSECONDS);
        sent.whenComplete((response, error) -> {
            try {
                if (error != null) {
                    result.completeExceptionally(errors.beforeResponse(unwrap(error)));
                } else if (response.statusCode() < 200 || response.statusCode() > 299) {
                    String contentType =
                            response.headers().firstValue("content-type").orElse(null);
                    result.completeExceptionally(errors.fromHttp(
                            response.statusCode(),
                            contentType,
                            new String(response.body(), StandardCharsets.UTF_8),
                            name -> response.headers().firstValue(name).orElse(null)));
                } else {
                    result.complete(payloads.completion(response.body()));
                }
            } catch (OrsException e) {
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(errors.internal("Reading the completion failed", e));
            }
        });
        result.whenComplete((completion, error) -> {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (error != null) {
                sent.cancel(true); // a no-op when the exchange itself failed
                if (error instanceof OrsException ors) {
                    log.warn(
                            "POST {} failed after {} ms: status {}, code {}: {}",
                            upstream,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                            ors.httpStatus(),
                            ors.error().code(),
                            ors.getMessage());
                }
            } else {
                log.debug(
                        "POST {} complete: status 200 in {} ms",
                        upstream,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            }
        });
        return result;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
