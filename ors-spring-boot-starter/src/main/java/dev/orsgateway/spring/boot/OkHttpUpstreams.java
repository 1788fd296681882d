package dev.orsgateway.spring.boot;

import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.upstream.okhttp.OkHttpChatCompletionsUpstream;
import java.time.Duration;
import java.util.Map;

/** Builds OkHttp upstreams; a class of its own so that nothing loads OkHttp unless a property asks for it. */
final class OkHttpUpstreams {
    private OkHttpUpstreams() {}

    static ChatCompletionsUpstream build(
            String url,
            String apiKey,
            Map<String, String> headers,
            Duration connectTimeout,
            Duration readTimeout,
            Duration callTimeout,
            int maxStreams) {
        OkHttpChatCompletionsUpstream.Builder okhttp = OkHttpChatCompletionsUpstream.builder()
                .baseUrl(url)
                .apiKey(apiKey)
                .headers(headers)
                .maxRequests(maxStreams)
                .maxRequestsPerHost(maxStreams);
        if (connectTimeout != null) {
            okhttp.connectTimeout(connectTimeout);
        }
        if (readTimeout != null) {
            okhttp.readTimeout(readTimeout);
        }
        if (callTimeout != null) {
            okhttp.callTimeout(callTimeout);
        }
        return okhttp.build();
    }
}
