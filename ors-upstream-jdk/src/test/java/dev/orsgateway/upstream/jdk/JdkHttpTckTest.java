package dev.orsgateway.upstream.jdk;

import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.testing.ChatCompletionsUpstreamTck;
import java.net.http.HttpClient;
import org.testng.annotations.Test;

/** The Reactive Streams TCK against {@link JdkHttpChatCompletionsUpstream#stream}, all publishers on one client. */
@Test
public class JdkHttpTckTest extends ChatCompletionsUpstreamTck {

    private final HttpClient client = HttpClient.newHttpClient();

    @Override
    protected ChatCompletionsUpstream create(String baseUrl) {
        return JdkHttpChatCompletionsUpstream.builder()
                .baseUrl(baseUrl)
                .httpClient(client)
                .build();
    }
}
