/** Metrics and traces of an {@code OrsGateway} through Micrometer: {@link dev.orsgateway.micrometer.MicrometerResponseObserver}. */
module dev.orsgateway.micrometer {
    requires transitive dev.orsgateway.core;
    requires transitive micrometer.core;
    requires transitive micrometer.observation;
    requires micrometer.commons;

    exports dev.orsgateway.micrometer;
}
