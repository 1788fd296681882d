package dev.orsgateway.core.testing.flow;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a task so that runs never overlap and no request to run is lost: a {@link #run()} that arrives while the task is
 * running on another thread (or re-entrantly on the same one) makes the running loop go round once more instead of
 * waiting. No lock is held while the task runs, and re-entrant calls return at once, which bounds recursion (rule 3.3).
 * Writes made by a run happen-before the next run, whichever thread performs it.
 *
 * <p>The task must not throw: an escaping exception would leave the work-in-progress count raised and stop all later
 * runs.
 */
final class SerialDrain {

    private final AtomicInteger workInProgress = new AtomicInteger();
    private final Runnable task;

    SerialDrain(Runnable task) {
        this.task = task;
    }

    void run() {
        if (workInProgress.getAndIncrement() != 0) {
            return; // the thread in the loop below will run the task again
        }
        int missed = 1;
        do {
            task.run();
            missed = workInProgress.addAndGet(-missed);
        } while (missed != 0);
    }
}
