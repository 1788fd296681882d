package dev.orsgateway.spring.boot;

import dev.orsgateway.core.spi.ResponseStore;
import java.util.Objects;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Actuator's {@code ors} health: up while the gateway's {@link ResponseStore} answers a lookup (a real round trip to
 * its database), down with the error otherwise. The upstream is not probed: a provider's outage is not this
 * instance's, and a probe would cost a call.
 */
public final class OrsStoreHealthIndicator extends AbstractHealthIndicator {
    // A well-formed id no response has: the lookup reaches the database and finds nothing.
    private static final String PROBE_ID = "resp_health_probe";

    private final ResponseStore store;

    /** A health indicator over {@code store}. */
    public OrsStoreHealthIndicator(ResponseStore store) {
        super("The ORS response store is unavailable");
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        store.find(PROBE_ID);
        builder.up().withDetail("store", store.getClass().getSimpleName());
    }
}
