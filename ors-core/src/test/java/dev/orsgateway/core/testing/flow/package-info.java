/**
 * {@link java.util.concurrent.Flow} publishers and subscribers for tests (from iterables, failed, collecting), and the
 * Reactive Streams TCK support, shared with the other modules' tests through ors-core's test jar.
 */
package dev.orsgateway.core.testing.flow;
