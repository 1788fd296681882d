package dev.orsgateway.upstream.okhttp;

import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.testing.ChatCompletionsUpstreamTck;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;

/** The Reactive Streams TCK against {@link OkHttpChatCompletionsUpstream#stream}, all publishers on one client. */
@Test
public class OkHttpTckTest extends ChatCompletionsUpstreamTck {

    private final OkHttpClient client = client();

    private static OkHttpClient client() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequestsPerHost(256);
        return new OkHttpClient.Builder().dispatcher(dispatcher).build();
    }

    @Override
    protected ChatCompletionsUpstream create(String baseUrl) {
        return OkHttpChatCompletionsUpstream.builder()
                .baseUrl(baseUrl)
                .client(client)
                .build();
    }

    @AfterClass(alwaysRun = true)
    public void closeClient() {
        client.dispatcher().cancelAll();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
