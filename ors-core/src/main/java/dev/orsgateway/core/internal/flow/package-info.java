/**
 * Small {@link java.util.concurrent.Flow} building blocks shared by the gateway's modules: a demand counter, a 1:N
 * processor driven by a synchronous stage, and a few publishers and subscribers. Internal: not public API.
 *
 * <p>Rule numbers in comments refer to the Reactive Streams specification 1.0.4, which {@code java.util.concurrent.Flow}
 * adopts.
 */
package dev.orsgateway.core.internal.flow;
