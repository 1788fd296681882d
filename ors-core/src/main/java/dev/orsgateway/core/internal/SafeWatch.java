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
