package dev.orsgateway.upstream.okhttp.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.upstream.ChatPayloads;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One non-streaming completion: an OkHttp call whose outcome completes a future, and whose future cancels the call. */
public final class CompletionCall implements Callback {

    private static final Logger log = LoggerFactory.getLogger(CompletionCall.class);

    private final CompletableFuture<ChatCompletion> future = new CompletableFuture<>();
    private final Call call;
    private final UpstreamErrors errors;
    private final ChatPayloads payloads;
    private final String upstream;
    private final Runnable release;
    private final long startNanos = System.nanoTime();

    private CompletionCall(Call call, UpstreamErrors errors, ChatPayloads payloads, String upstream, Runnable release) {
        this.call = call;
        this.errors = errors;
        this.payloads = payloads;
        this.release = release;
        this.upstream = upstream;
    }

    /**
     * Sends {@code request} and returns the future of its completion. Completing the future from outside (its
     * {@code cancel}, {@code orTimeout}, {@code completeExceptionally}) cancels the call. The call takes a slot of
     * {@code limit}, or fails at once with its 429.
     */
    public static CompletableFuture<ChatCompletion> start(
            OkHttpClient client,
            Request request,
            UpstreamErrors errors,
            ChatPayloads payloads,
            String upstream,
            CallLimit limit) {
        OrsException refused = limit.tryAcquire();
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        CompletionCall completion =
                new CompletionCall(client.newCall(request), errors, payloads, upstream, limit::release);
        completion.future.whenComplete((result, error) -> {
            if (error != null) {
                completion.call.cancel(); // a no-op when the call itself failed
            }
        });
        log.debug("POST {}", upstream);
        completion.call.enqueue(completion);
        return completion.future;
    }

    @Override
    public void onFailure(Call failedCall, IOException e) {
        try {
            if (!future.isDone()) { // else cancelled through the future
                fail(errors.beforeResponse(e));
            }
        } finally {
            release.run(); // the dispatcher counts the call until this callback returns
        }
    }

    @Override
    public void onResponse(Call okCall, Response response) {
        try (response) {
            if (!response.isSuccessful()) {
                fail(OkHttpResponses.error(errors, response));
                return;
            }
            byte[] body;
            try {
                body = response.body().bytes();
            } catch (IOException e) {
                if (!future.isDone()) {
                    fail(errors.bodyFailed(e));
                }
                return;
            }
            succeed(payloads.completion(body));
        } catch (OrsException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(errors.internal("Reading the completion failed", e));
        } finally {
            release.run();
        }
    }

    private void succeed(ChatCompletion completion) {
        if (future.complete(completion)) {
            log.debug(
                    "POST {} complete: status 200 in {} ms",
                    upstream,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        }
    }

    private void fail(OrsException error) {
        if (future.completeExceptionally(error)) {
            log.warn(
                    "POST {} failed after {} ms: status {}, code {}: {}",
                    upstream,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                    error.httpStatus(),
                    error.error().code(),
                    error.getMessage());
        }
    }
}
