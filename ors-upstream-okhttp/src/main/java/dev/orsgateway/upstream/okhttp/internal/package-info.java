/**
 * The implementation of {@link dev.orsgateway.upstream.okhttp.OkHttpChatCompletionsUpstream}: the streaming
 * subscription and its SSE listener, the non-streaming call, endpoint parsing, error mapping and redaction. Internal:
 * not public API, free to change.
 *
 * <p>Rule numbers in comments refer to the Reactive Streams specification 1.0.4, which
 * {@code java.util.concurrent.Flow} adopts.
 */
package dev.orsgateway.upstream.okhttp.internal;
