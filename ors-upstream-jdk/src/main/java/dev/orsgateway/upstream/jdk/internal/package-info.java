/**
 * The implementation of {@link dev.orsgateway.upstream.jdk.JdkHttpChatCompletionsUpstream}: the incremental SSE parser,
 * the streamed exchange (body subscriber and subscription in one serialized stage), and the non-streaming call.
 * Internal: not public API, free to change.
 *
 * <p>Rule numbers in comments refer to the Reactive Streams specification 1.0.4, which
 * {@code java.util.concurrent.Flow} adopts.
 */
package dev.orsgateway.upstream.jdk.internal;
