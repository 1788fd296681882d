/**
 * A {@link dev.orsgateway.core.spi.ChatCompletionsUpstream} over OkHttp and okhttp-sse:
 * {@link dev.orsgateway.upstream.okhttp.OkHttpChatCompletionsUpstream} and its builder are the whole public API.
 */
package dev.orsgateway.upstream.okhttp;
