/**
 * The demand counter of {@link java.util.concurrent.Flow} subscriptions. Internal: not public API.
 *
 * <p>Rule numbers in comments refer to the Reactive Streams specification 1.0.4, which {@code java.util.concurrent.Flow}
 * adopts.
 */
package dev.orsgateway.core.internal.flow;
