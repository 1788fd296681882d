package dev.orsgateway.core.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for the gateway's delays: retry backoffs and first-byte timeouts. The tasks only start an
 * attempt or abandon one, never block; cancelled tasks leave the queue at once.
 */
final class Timers {
    private Timers() {}

    private static final class Holder {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "ors-timers");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }

    static ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return Holder.EXECUTOR.schedule(task, delay, unit);
    }
}
