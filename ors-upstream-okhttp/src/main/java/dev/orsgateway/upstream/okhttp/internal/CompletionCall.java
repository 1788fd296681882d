package dev.orsgateway.upstream.okhttp.internal;

import com.fasterxml.jackson.core.JacksonException;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatError;
import dev.orsgateway.core.json.OrsJson;
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
    private final String upstream;
    private final long startNanos = System.nanoTime();

    private CompletionCall(Call call, UpstreamErrors errors, String upstream) {
        this.call = call;
        this.errors = errors;
        this.upstream = upstream;
    }

    /**
     * Sends {@code request} and returns the future of its completion. Completing the future from outside (its
     * {@code cancel}, {@code orTimeout}, {@code completeExceptionally}) cancels the call.
     */
    public static CompletableFuture<ChatCompletion> start(
            OkHttpClient client, Request request, UpstreamErrors errors, String upstream) {
        CompletionCall completion = new CompletionCall(client.newCall(request), errors, upstream);
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
        if (future.isDone()) {
            return; // cancelled through the future
        }
        fail(errors.beforeResponse(e));
    }

    @Override
    public void onResponse(Call okCall, Response response) {
        try (response) {
            if (!response.isSuccessful()) {
                fail(errors.fromResponse(response));
                return;
            }
            String body;
            try {
                body = response.body().string();
            } catch (IOException e) {
                if (!future.isDone()) {
                    fail(errors.bodyFailed(e));
                }
                return;
            }
            succeed(parse(body));
        } catch (OrsException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(errors.internal("Reading the completion failed", e));
        }
    }

    private ChatCompletion parse(String body) {
        ChatCompletion completion;
        try {
            completion = OrsJson.mapper().readValue(body, ChatCompletion.class);
        } catch (JacksonException | RuntimeException e) {
            throw errors.badCompletion(body, e);
        }
        if (completion == null) {
            throw errors.badCompletion(body, null);
        }
        if (completion.choices() == null && completion.extra().containsKey("error")) {
            // Some providers (OpenRouter among them) answer 200 with an error object.
            throw errors.providerError(
                    ChatError.parse(body).orElseGet(() -> new ChatError("(no message)", null, null, (String) null)),
                    "error in a 200 response");
        }
        return completion;
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
