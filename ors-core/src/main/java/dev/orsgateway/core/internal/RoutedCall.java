package dev.orsgateway.core.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.routing.RetryPolicy;
import dev.orsgateway.core.routing.Route;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.routing.Target;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.spi.ResponseObserver;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One response's way to its upstream: the route its model matched, the attempts made under the router's retry
 * policy, and the target that served it. A route with one target, no retries and no first-byte timeout costs nothing:
 * the upstream's own publisher or future is used as it is.
 */
public final class RoutedCall {
    private static final Logger log = LoggerFactory.getLogger(RoutedCall.class);

    private final Router router;
    private final Route route;
    private final ChatCompletionRequest request;
    private final String responseId;
    private final long startNanos = System.nanoTime();
    private static final long NO_WAIT = Long.MIN_VALUE;

    // Only the attempt in progress touches these; attempts follow each other (happens-before through the futures
    // and the scheduler), so they need no lock.
    private int round;
    private int position;
    private int attempts;
    private long[] notBefore; // made at the first failure: most calls never fail
    private StringBuilder failures;

    private volatile Target served;
    private volatile ResponseObserver.Watch watch = ResponseObserver.Watch.NONE;

    /** The call of response {@code responseId} for {@code request}, on {@code route} of {@code router}. */
    public RoutedCall(Router router, Route route, ChatCompletionRequest request, String responseId) {
        this.router = Objects.requireNonNull(router, "router");
        this.route = Objects.requireNonNull(route, "route");
        this.request = Objects.requireNonNull(request, "request");
        this.responseId = responseId;
    }

    /** Reports the attempts to {@code watch}. */
    public void watch(ResponseObserver.Watch watch) {
        this.watch = watch;
    }

    /** What the attempts are reported to. */
    public ResponseObserver.Watch watch() {
        return watch;
    }

    /** The route taken. */
    public Route route() {
        return route;
    }

    /** The target that served the response (whose first chunk or answer was passed on), or null so far. */
    public Target served() {
        return served;
    }

    /** The request as the route's first target receives it. */
    public ChatCompletionRequest firstRequest() {
        return requestFor(route.targets().get(0));
    }

    /** The request as {@code target}'s upstream receives it: the model renamed when the target says so. */
    ChatCompletionRequest requestFor(Target target) {
        String model = target.modelFor(request.model());
        return Objects.equals(model, request.model())
                ? request
                : request.toBuilder().model(model).build();
    }

    ChatCompletionsUpstream upstreamOf(Target target) {
        return router.upstream(target.upstream()).orElseThrow();
    }

    /** The only target, tried once: it serves (or fails) the response. */
    private void direct(Target only) {
        served = only;
        attempts = 1;
        watch.attempt(only.upstream());
        if (router.upstreams().size() > 1) {
            log.info("response {}: model {} routed to upstream {}", responseId, request.model(), only);
        }
    }

    /**
     * A failure of the call before any output, as the client gets it: reported as the last attempt's failure when the
     * one target was called directly (the failover path reports each attempt's failure itself).
     */
    public void failedBeforeOutput(Throwable error) {
        Target only = served;
        if (only != null && isDirect()) {
            watch.attemptFailed(only.upstream(), unwrap(error));
        }
    }

    private boolean isDirect() {
        return route.targets().size() == 1 && router.retryPolicy().retries() == 0 && route.firstByteTimeout() == null;
    }

    /** The chunks of the response: from the first target that starts answering. */
    public Flow.Publisher<ChatChunk> stream() {
        Flow.Publisher<ChatChunk> chunks = attempts();
        ThinkTags.Mode think = thinkMode();
        return think == null ? chunks : ThinkTags.extract(chunks, think);
    }

    /** The whole completion: from the first target that answers. */
    public CompletableFuture<ChatCompletion> complete() {
        CompletableFuture<ChatCompletion> completion = calls();
        ThinkTags.Mode think = thinkMode();
        if (think == null) {
            return completion;
        }
        CompletableFuture<ChatCompletion> extracted = completion.thenApply(whole -> ThinkTags.extract(whole, think));
        extracted.whenComplete((whole, error) -> completion.cancel(true)); // a cancel from outside reaches the call
        return extracted;
    }

    private ThinkTags.Mode thinkMode() {
        return switch (route.thinkTags()) {
            case OFF -> null;
            case LEADING -> ThinkTags.Mode.LEADING;
            case PREFILLED -> ThinkTags.Mode.PREFILLED;
        };
    }

    private Flow.Publisher<ChatChunk> attempts() {
        Flow.Publisher<ChatChunk> chunks;
        if (isDirect()) {
            Target only = route.targets().get(0);
            direct(only);
            chunks = upstreamOf(only).stream(requestFor(only));
        } else {
            chunks = new FailoverStream(this);
        }
        return chunks;
    }

    private CompletableFuture<ChatCompletion> calls() {
        if (isDirect()) {
            Target only = route.targets().get(0);
            direct(only);
            return upstreamOf(only).complete(requestFor(only));
        }
        CompletableFuture<ChatCompletion> result = new CompletableFuture<>();
        AtomicReference<CompletableFuture<ChatCompletion>> current = new AtomicReference<>();
        AtomicReference<ScheduledFuture<?>> pending = new AtomicReference<>();
        result.whenComplete((completion, error) -> {
            // Completed from outside (cancelled, timed out): stop what is in flight.
            CompletableFuture<ChatCompletion> call = current.get();
            if (call != null) {
                call.cancel(true);
            }
            ScheduledFuture<?> wait = pending.get();
            if (wait != null) {
                wait.cancel(false);
            }
        });
        completeWith(first(), result, current, pending);
        return result;
    }

    private void completeWith(
            Target target,
            CompletableFuture<ChatCompletion> result,
            AtomicReference<CompletableFuture<ChatCompletion>> current,
            AtomicReference<ScheduledFuture<?>> pending) {
        if (result.isDone()) {
            return;
        }
        starting(target);
        CompletableFuture<ChatCompletion> call;
        try {
            call = upstreamOf(target).complete(requestFor(target));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        current.set(call);
        if (result.isDone()) {
            call.cancel(true);
            return;
        }
        call.whenComplete((completion, error) -> {
            if (error == null) {
                succeeded(target);
                result.complete(completion);
                return;
            }
            Throwable cause = unwrap(error);
            Next next = failed(target, cause);
            if (next == null) {
                result.completeExceptionally(cause);
            } else if (next.delayNanos() == 0) {
                completeWith(next.target(), result, current, pending);
            } else {
                pending.set(Timers.schedule(
                        () -> completeWith(next.target(), result, current, pending),
                        next.delayNanos(),
                        TimeUnit.NANOSECONDS));
            }
        });
    }

    // ---- the attempt plan, shared by streams and calls

    /** The next attempt: its target, and how long to wait before it starts. */
    record Next(Target target, long delayNanos) {}

    Target first() {
        attempts = 1;
        return route.targets().get(0);
    }

    /** An attempt at {@code target} starts now. */
    void starting(Target target) {
        watch.attempt(target.upstream());
    }

    /** The first chunk or the answer of {@code target} was passed on. */
    void succeeded(Target target) {
        served = target;
        if (attempts > 1) {
            log.info(
                    "response {}: model {} served by upstream {} after {} failed attempt(s): {}",
                    responseId,
                    request.model(),
                    target,
                    attempts - 1,
                    failures);
        } else if (router.upstreams().size() > 1) {
            // With a choice of upstreams, which one served is worth a line per response; with one, it is not.
            log.info("response {}: model {} served by upstream {}", responseId, request.model(), target);
        } else if (log.isDebugEnabled()) {
            log.debug("response {}: model {} served by upstream {}", responseId, request.model(), target);
        }
    }

    /**
     * {@code target} failed before any output with {@code error}: the next attempt under the retry policy, or null
     * when the client gets {@code error}.
     */
    Next failed(Target target, Throwable error) {
        watch.attemptFailed(target.upstream(), error);
        long now = System.nanoTime();
        if (notBefore == null) {
            notBefore = new long[route.targets().size()];
            Arrays.fill(notBefore, NO_WAIT);
            failures = new StringBuilder();
        }
        int index = position;
        OrsException failure = error instanceof OrsException ors ? ors : null;
        if (failure != null) {
            retryAfter(failure).ifPresent(delay -> notBefore[index] = now + saturatedNanos(delay));
        }
        if (failures.length() > 0) {
            failures.append("; ");
        }
        failures.append(target.upstream()).append(": ").append(describe(error));
        if (!isRetryable(error)) {
            logGivingUp(target, error, "not retryable");
            return null;
        }
        List<Target> targets = route.targets();
        RetryPolicy policy = router.retryPolicy();
        int nextRound = round;
        int nextPosition = position + 1;
        if (nextPosition == targets.size()) {
            nextRound++;
            nextPosition = 0;
            if (nextRound > policy.retries()) {
                logGivingUp(target, error, "no retries left");
                return null;
            }
        }
        long delay = 0;
        if (nextPosition == 0) {
            long cap = policy.backoffCap(nextRound).toNanos();
            delay = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1);
        }
        if (notBefore[nextPosition] != NO_WAIT) {
            delay = Math.max(delay, notBefore[nextPosition] - now); // the upstream's Retry-After
        }
        long deadline = startNanos + saturatedNanos(policy.deadline());
        if (now + delay - deadline >= 0) {
            logGivingUp(
                    target, error, "the retry deadline (" + policy.deadline().toMillis() + " ms) would pass");
            return null;
        }
        round = nextRound;
        position = nextPosition;
        attempts++;
        Target next = targets.get(nextPosition);
        log.warn(
                "response {}: upstream {} failed before any output ({}); trying {}{}",
                responseId,
                target,
                describe(error),
                next,
                delay > 0 ? " in " + TimeUnit.NANOSECONDS.toMillis(delay) + " ms" : "");
        return new Next(next, delay);
    }

    private void logGivingUp(Target target, Throwable error, String why) {
        if (attempts > 1) {
            log.warn(
                    "response {}: gave up on model {} after {} attempts, {}: {}",
                    responseId,
                    request.model(),
                    attempts,
                    why,
                    failures);
        } else if (log.isDebugEnabled()) {
            log.debug("response {}: upstream {} failed ({}): {}", responseId, target, why, describe(error));
        }
    }

    /** The error of an attempt abandoned for sending nothing within the route's first-byte timeout. */
    OrsException firstByteTimeout(Target target) {
        Duration timeout = route.firstByteTimeout();
        return new OrsException(
                new ErrorPayload(
                        OrsException.SERVER_ERROR,
                        UpstreamErrors.TIMEOUT,
                        "The upstream " + target.upstream() + " sent nothing within the first-byte timeout ("
                                + timeout.toMillis() + " ms)",
                        null),
                504);
    }

    /**
     * How long the upstream asked to be left alone: the exception's own delay, else the provider's
     * {@code retry-after-ms} (OpenAI's, in milliseconds) or {@code retry-after} (seconds or an HTTP date) header.
     */
    static Optional<Duration> retryAfter(OrsException failure) {
        if (failure.retryAfter().isPresent()) {
            return failure.retryAfter();
        }
        Map<String, String> headers = failure.error().headers();
        if (headers == null || headers.isEmpty()) {
            return Optional.empty();
        }
        String millis = null;
        String value = null;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase("retry-after-ms")) {
                millis = header.getValue();
            } else if (header.getKey().equalsIgnoreCase("retry-after")) {
                value = header.getValue();
            }
        }
        try {
            if (millis != null) {
                return Optional.of(Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.trim()))));
            }
            if (value == null) {
                return Optional.empty();
            }
            String text = value.trim();
            if (!text.isEmpty() && Character.isDigit(text.charAt(0))) {
                return Optional.of(Duration.ofSeconds(Math.max(0, (long) Double.parseDouble(text))));
            }
            ZonedDateTime when = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration until = Duration.between(Instant.now(), when.toInstant());
            return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty(); // a header we cannot read is no instruction
        }
    }

    /** Whether a failure before any output may go better on another attempt. */
    static boolean isRetryable(Throwable error) {
        if (!(error instanceof OrsException failure)) {
            return false;
        }
        int status = failure.httpStatus();
        return status == 408 || status == 429 || status >= 500;
    }

    private static String describe(Throwable error) {
        if (error instanceof OrsException failure) {
            String code = failure.error().code() != null
                    ? failure.error().code()
                    : failure.error().type();
            return failure.httpStatus() + " " + code;
        }
        return error.getClass().getSimpleName();
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
