package dev.orsgateway.upstream.okhttp;

import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.testing.ChatCompletionsUpstreamContract;

/** The transport-neutral upstream contract, over OkHttp. */
class OkHttpContractTest extends ChatCompletionsUpstreamContract {

    @Override
    protected ChatCompletionsUpstream create(Settings settings) {
        OkHttpChatCompletionsUpstream.Builder builder = OkHttpChatCompletionsUpstream.builder()
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey());
        builder.headers(settings.headers());
        if (settings.readTimeout() != null) {
            builder.readTimeout(settings.readTimeout());
        }
        if (settings.callTimeout() != null) {
            builder.callTimeout(settings.callTimeout());
        }
        if (settings.streamBuffer() != null) {
            builder.streamBuffer(settings.streamBuffer());
        }
        return builder.build();
    }
}
