package dev.orsgateway.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A subscriber that records every signal and checks the Reactive Streams rules it can see: onSubscribe first and once,
 * no overlapping signals (rule 1.3), no more onNext than requested (rule 1.1), nothing after a terminal signal (rule
 * 1.7). Demand is manual: {@link #request(long)}, unless an initial request is given.
 */
public class RecordingSubscriber<T> implements Flow.Subscriber<T> {

    private static final long WAIT_SECONDS = 10;

    private final long initialRequest;
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    private final CompletableFuture<Void> terminal = new CompletableFuture<>();
    private final List<T> items = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final AtomicBoolean inSignal = new AtomicBoolean();
    private final AtomicLong requested = new AtomicLong();
    private volatile boolean terminated;
    private volatile int signalsAfterCancel;
    private volatile boolean cancelled;

    public RecordingSubscriber() {
        this(0);
    }

    public RecordingSubscriber(long initialRequest) {
        this.initialRequest = initialRequest;
    }

    /** A subscriber that requests everything up front. */
    public static <T> RecordingSubscriber<T> unbounded() {
        return new RecordingSubscriber<>(Long.MAX_VALUE);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        enter("onSubscribe");
        try {
            if (!subscription.complete(s)) {
                violation("onSubscribe twice");
            }
            if (initialRequest > 0) {
                request(initialRequest);
            }
        } finally {
            leave();
        }
    }

    @Override
    public void onNext(T item) {
        enter("onNext");
        try {
            synchronized (items) {
                items.add(item);
                if (items.size() > requested.get()) {
                    violation("onNext #" + items.size() + " with only " + requested.get() + " requested");
                }
                items.notifyAll();
            }
        } finally {
            leave();
        }
    }

    @Override
    public void onError(Throwable throwable) {
        enter("onError");
        try {
            terminated = true;
            terminal.completeExceptionally(throwable);
        } finally {
            leave();
        }
    }

    @Override
    public void onComplete() {
        enter("onComplete");
        try {
            terminated = true;
            terminal.complete(null);
        } finally {
            leave();
        }
    }

    public void request(long n) {
        if (n > 0) {
            requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        }
        subscription().request(n);
    }

    public void cancel() {
        cancelled = true;
        subscription().cancel();
    }

    public Flow.Subscription subscription() {
        try {
            return subscription.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("no onSubscribe", e);
        }
    }

    public boolean isSubscribed() {
        return subscription.isDone();
    }

    /** Waits until at least {@code count} items have arrived, and returns a copy of them. */
    public List<T> awaitItems(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        synchronized (items) {
            while (items.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || terminal.isDone()) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(items, left);
            }
            assertThat(items).as("items (terminal: %s)", terminalDescription()).hasSizeGreaterThanOrEqualTo(count);
            return new ArrayList<>(items);
        }
    }

    public List<T> items() {
        synchronized (items) {
            return new ArrayList<>(items);
        }
    }

    /** Waits for onComplete and returns the items. */
    public List<T> awaitCompletion() {
        try {
            terminal.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected onComplete, got onError", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no terminal signal; items so far: " + items().size(), e);
        }
        assertNoViolations();
        return items();
    }

    /** Waits for onError and returns its throwable. */
    public Throwable awaitError() {
        try {
            terminal.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertNoViolations();
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no terminal signal; items so far: " + items().size(), e);
        }
        return fail("expected onError, got onComplete after %d items", items().size());
    }

    public boolean isTerminated() {
        return terminated;
    }

    public int signalsAfterCancel() {
        return signalsAfterCancel;
    }

    public void assertNoViolations() {
        synchronized (violations) {
            assertThat(violations).as("Reactive Streams violations").isEmpty();
        }
    }

    private String terminalDescription() {
        if (!terminal.isDone()) {
            return "none";
        }
        return terminal.isCompletedExceptionally() ? "onError" : "onComplete";
    }

    private void enter(String signal) {
        if (!inSignal.compareAndSet(false, true)) {
            violation(signal + " overlapping another signal");
        }
        if (terminated) {
            violation(signal + " after a terminal signal");
        }
        if (!signal.equals("onSubscribe") && !subscription.isDone()) {
            violation(signal + " before onSubscribe");
        }
        if (cancelled) {
            signalsAfterCancel++;
        }
    }

    private void leave() {
        inSignal.set(false);
    }

    private void violation(String text) {
        synchronized (violations) {
            violations.add(text);
        }
    }
}
