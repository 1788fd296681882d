package dev.orsgateway.spring.boot;

import dev.orsgateway.core.spi.ResponseStore;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The store's health ({@link OrsStoreHealthIndicator}) in Actuator's {@code /actuator/health}, when the application
 * has Actuator. Separate from {@link OrsAutoConfiguration} and after it, so the store that one makes is seen.
 */
@AutoConfiguration(after = OrsAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class OrsHealthAutoConfiguration {
    /** The indicator over the application's or the starter's store. */
    @Bean
    @ConditionalOnBean(ResponseStore.class)
    @ConditionalOnMissingBean(name = "orsHealthIndicator")
    public OrsStoreHealthIndicator orsHealthIndicator(ResponseStore store) {
        return new OrsStoreHealthIndicator(store);
    }
}
