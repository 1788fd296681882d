package dev.orsgateway.core.internal;

import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.spi.ResponseObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link ResponseObserver.Watch} whose failures are logged and ignored: an observer never breaks a response. */
final class SafeWatch implements ResponseObserver.Watch {
    private static final Logger log = LoggerFactory.getLogger(SafeWatch.class);

    private final ResponseObserver.Watch watch;

    private SafeWatch(ResponseObserver.Watch watch) {
        this.watch = watch;
    }

    /** What {@code observer} follows the response with, or {@link ResponseObserver.Watch#NONE}. */
    static ResponseObserver.Watch start(ResponseObserver observer, ResponseObserver.Start start) {
        if (observer == ResponseObserver.NONE) {
            return ResponseObserver.Watch.NONE;
        }
        try {
            ResponseObserver.Watch watch = observer.start(start);
            return watch == null || watch == ResponseObserver.Watch.NONE
                    ? ResponseObserver.Watch.NONE
                    : new SafeWatch(watch);
        } catch (RuntimeException e) {
            log.warn("the response observer failed at the start of {}", start.responseId(), e);
            return ResponseObserver.Watch.NONE;
        }
    }

    /**
     * A watch that tells {@code first} and then {@code second}, either of which may be {@link
     * ResponseObserver.Watch#NONE}; {@code second}'s failures are logged and ignored too.
     */
    static ResponseObserver.Watch both(ResponseObserver.Watch first, ResponseObserver.Watch second) {
        if (second == ResponseObserver.Watch.NONE) {
            return first;
        }
        ResponseObserver.Watch safeSecond = second instanceof SafeWatch ? second : new SafeWatch(second);
        return first == ResponseObserver.Watch.NONE ? safeSecond : new Both(first, safeSecond);
    }

    /** Two watches, each already safe. */
    private record Both(ResponseObserver.Watch first, ResponseObserver.Watch second) implements ResponseObserver.Watch {
        @Override
        public void attempt(String upstream) {
            first.attempt(upstream);
            second.attempt(upstream);
        }

        @Override
        public void attemptFailed(String upstream, Throwable error) {
            first.attemptFailed(upstream, error);
            second.attemptFailed(upstream, error);
        }

        @Override
        public void firstOutput() {
            first.firstOutput();
            second.firstOutput();
        }

        @Override
        public void storing() {
            first.storing();
            second.storing();
        }

        @Override
        public void stored(long nanos, Throwable error) {
            first.stored(nanos, error);
            second.stored(nanos, error);
        }

        @Override
        public void end(Response response, Throwable error) {
            first.end(response, error);
            second.end(response, error);
        }
    }

    @Override
    public void storing() {
        try {
            watch.storing();
        } catch (RuntimeException e) {
            log.warn("the response observer failed", e);
        }
    }

    @Override
    public void attempt(String upstream) {
        try {
            watch.attempt(upstream);
        } catch (RuntimeException e) {
            log.warn("the response observer failed", e);
        }
    }

    @Override
    public void attemptFailed(String upstream, Throwable error) {
        try {
            watch.attemptFailed(upstream, error);
        } catch (RuntimeException e) {
            log.warn("the response observer failed", e);
        }
    }

    @Override
    public void firstOutput() {
        try {
            watch.firstOutput();
        } catch (RuntimeException e) {
            log.warn("the response observer failed", e);
        }
    }

    @Override
    public void stored(long nanos, Throwable error) {
        try {
            watch.stored(nanos, error);
        } catch (RuntimeException e) {
            log.warn("the response observer failed", e);
        }
    }

    @Override
    public void end(Response response, Throwable error) {
        try {
            watch.end(response, error);
        } catch (RuntimeException e) {
            log.warn("the response observer failed", e);
        }
    }
}
