package dev.orsgateway.core.spi;

import dev.orsgateway.core.model.Response;

/**
 * Follows each response the gateway makes, for metrics and traces ({@code ors-micrometer} implements it with
 * Micrometer). Its methods run on the threads that do the work, some on the streaming path: implementations must be
 * quick, thread-safe, and must not throw (what they throw is logged and ignored).
 */
@FunctionalInterface
public interface ResponseObserver {
    /** Observes nothing. */
    ResponseObserver NONE = start -> Watch.NONE;

    /**
     * A response was admitted (valid, under the concurrency bound) and is about to reach its upstream.
     *
     * @param start what is known of it then
     * @return what follows it to its end; {@link Watch#NONE} to follow nothing
     */
    Watch start(Start start);

    /**
     * A response as it starts.
     *
     * @param responseId its id
     * @param model the model the client asked for
     * @param streaming whether it is streamed (else a whole answer, {@code complete})
     */
    record Start(String responseId, String model, boolean streaming) {}

    /** One response's course: attempts, first output, storage, end. Each method is called at most as described. */
    interface Watch {
        /** Follows nothing. */
        Watch NONE = new Watch() {};

        /**
         * An attempt at an upstream starts (once, or more with fallbacks and retries).
         *
         * @param upstream the router's name for it
         */
        default void attempt(String upstream) {}

        /**
         * That attempt failed before any output; another attempt may follow.
         *
         * @param upstream the router's name for it
         * @param error the failure, usually an {@link dev.orsgateway.core.OrsException}
         */
        default void attemptFailed(String upstream, Throwable error) {}

        /** The model's first output reached the gateway (for a whole answer: the answer): time to first token. */
        default void firstOutput() {}

        /** Storing the response starts (then {@link #stored} follows): for a span around the store. */
        default void storing() {}

        /**
         * Storing the response ended.
         *
         * @param nanos how long it took
         * @param error null when it was stored
         */
        default void stored(long nanos, Throwable error) {}

        /**
         * The response ended (once): with its terminal state (completed, incomplete or failed; {@code error} null), with
         * a failure before any output ({@code response} null), or cancelled by its client (both null).
         *
         * @param response the response as delivered, or null
         * @param error the failure the client got instead of a response, or null
         */
        default void end(Response response, Throwable error) {}
    }
}
