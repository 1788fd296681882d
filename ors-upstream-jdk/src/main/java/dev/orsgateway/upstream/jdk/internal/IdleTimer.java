package dev.orsgateway.upstream.jdk.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The read timeout of streams: the longest silence while the stream waits for bytes, and the longest time without a
 * complete line (so an upstream trickling bytes without ending lines is cut too). One scheduled check per open
 * stream, rescheduled from the time of the last bytes only when it fires, so a busy stream costs no timer work per
 * read; a stream held back by its subscriber is not silent.
 */
public final class IdleTimer {

    private final ScheduledExecutorService scheduler;
    private final long timeoutNanos;

    /**
     * A timer on {@code scheduler}.
     *
     * @param scheduler runs the checks
     * @param timeout the longest silence; zero for none
     */
    public IdleTimer(ScheduledExecutorService scheduler, Duration timeout) {
        this.scheduler = scheduler;
        this.timeoutNanos = timeout.toNanos();
    }

    void watch(StreamExchange exchange) {
        if (timeoutNanos > 0) {
            schedule(exchange, timeoutNanos);
        }
    }

    private void schedule(StreamExchange exchange, long delayNanos) {
        exchange.idleCheck(scheduler.schedule(() -> check(exchange), delayNanos, TimeUnit.NANOSECONDS));
    }

    private void check(StreamExchange exchange) {
        long next = exchange.checkIdle(timeoutNanos);
        if (next >= 0) {
            schedule(exchange, Math.max(next, 1));
        }
    }
}
