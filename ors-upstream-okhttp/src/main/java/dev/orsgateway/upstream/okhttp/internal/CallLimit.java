package dev.orsgateway.upstream.okhttp.internal;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.upstream.UpstreamErrors;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;

/**
 * The calls one upstream may have on its dispatcher at once. OkHttp queues a call over its dispatcher's limits, silently
 * and for as long as the running calls last (for streams, minutes); a call over this limit fails at once with a 429 and
 * {@code Retry-After} instead. A slot is taken before the call is enqueued and given back when the dispatcher's
 * callback returns, so the dispatcher never holds more calls of this upstream than it runs.
 */
public final class CallLimit {

    private final Dispatcher dispatcher;
    private final int limit;
    private final UpstreamErrors errors;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * A limit of {@code min(maxRequests, maxRequestsPerHost)} of {@code dispatcher} (all of an upstream's calls go to
     * one host).
     */
    public CallLimit(Dispatcher dispatcher, UpstreamErrors errors) {
        this.dispatcher = dispatcher;
        this.limit = Math.min(dispatcher.getMaxRequests(), dispatcher.getMaxRequestsPerHost());
        this.errors = errors;
    }

    /** Takes a slot; returns {@code null} on success, else the 429 to fail the call with. */
    OrsException tryAcquire() {
        if (inFlight.incrementAndGet() > limit || dispatcher.runningCallsCount() >= dispatcher.getMaxRequests()) {
            inFlight.decrementAndGet();
            return errors.overLimit("calls", limit);
        }
        return null;
    }

    void release() {
        inFlight.decrementAndGet();
    }

    /** Calls of this upstream in flight now. */
    public int inFlight() {
        return inFlight.get();
    }
}
