package dev.orsgateway.upstream.jdk;

import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.testing.ChatCompletionsUpstreamContract;

/** The transport-neutral upstream contract, over the JDK's HttpClient. */
class JdkHttpContractTest extends ChatCompletionsUpstreamContract {

    @Override
    protected ChatCompletionsUpstream create(Settings settings) {
        JdkHttpChatCompletionsUpstream.Builder builder = JdkHttpChatCompletionsUpstream.builder()
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
