package dev.orsgateway.spring.boot;

import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.spi.ResponseObserver;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.micrometer.MicrometerResponseObserver;
import dev.orsgateway.server.OrsServlet;
import dev.orsgateway.server.OrsServletConfig;
import dev.orsgateway.server.OrsWebSocketConfig;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.upstream.jdk.JdkHttpChatCompletionsUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds an {@link OrsGateway} from the {@code ors.*} properties ({@link OrsProperties}) and serves it with an {@link
 * OrsServlet} under {@code ors.servlet.path}. Every bean backs off when the application defines its own of that type.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration"
        })
@EnableConfigurationProperties(OrsProperties.class)
public class OrsAutoConfiguration {

    /**
     * The upstream at {@code ors.upstream.url}; closed with the context. Not made when the application has its own
     * upstream or its own gateway (which has its upstream).
     */
    @Bean
    @ConditionalOnMissingBean({ChatCompletionsUpstream.class, OrsGateway.class})
    public ChatCompletionsUpstream orsUpstream(OrsProperties properties) {
        OrsProperties.Upstream upstream = properties.upstream();
        if (upstream.url() == null || upstream.url().isBlank()) {
            throw new IllegalStateException("ors.upstream.url is not set: set it to the Chat Completions endpoint"
                    + " (e.g. http://localhost:11434/v1), or define a ChatCompletionsUpstream bean");
        }
        if (!upstream.transport().equals("jdk")) {
            throw new IllegalStateException(
                    "ors.upstream.transport: unknown transport '" + upstream.transport() + "' (supported: jdk)");
        }
        JdkHttpChatCompletionsUpstream.Builder builder = JdkHttpChatCompletionsUpstream.builder()
                .baseUrl(upstream.url())
                .maxConcurrentStreams(properties.maxConcurrentResponses());
        if (upstream.apiKey() != null && !upstream.apiKey().isBlank()) {
            builder.apiKey(upstream.apiKey());
        }
        return builder.build();
    }

    /**
     * The store at {@code ors.store.jdbc-url}; closed with the context. Not made when the application has its own store
     * or its own gateway (so no database file appears that nothing uses).
     */
    @Bean
    @ConditionalOnMissingBean({ResponseStore.class, OrsGateway.class})
    public ResponseStore orsResponseStore(OrsProperties properties) {
        return JdbcResponseStore.builder().jdbcUrl(properties.store().jdbcUrl()).build();
    }

    /** The gateway over the upstream and the store, observed by the application's {@link ResponseObserver}, if any. */
    @Bean
    @ConditionalOnMissingBean
    public OrsGateway orsGateway(
            OrsProperties properties,
            ChatCompletionsUpstream upstream,
            ResponseStore store,
            ObjectProvider<ResponseObserver> observer) {
        OrsGateway.Builder builder = OrsGateway.builder()
                .transcoder(ChatTranscoder.create())
                .upstream(upstream)
                .store(store)
                .defaultModel(properties.defaultModel())
                .maxConcurrentResponses(properties.maxConcurrentResponses());
        observer.ifUnique(builder::observer);
        return builder.build();
    }

    /** The servlet under {@code ors.servlet.path}, asynchronous (every response may stream). */
    @Bean
    @ConditionalOnMissingBean(name = "orsServlet")
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    public ServletRegistrationBean<OrsServlet> orsServlet(OrsProperties properties, OrsGateway gateway) {
        OrsServletConfig config = OrsServletConfig.builder()
                .apiKeys(properties.apiKeys())
                .webSocket(
                        properties.websocket().enabled()
                                ? OrsWebSocketConfig.defaults()
                                : OrsWebSocketConfig.disabled())
                .build();
        ServletRegistrationBean<OrsServlet> registration = new ServletRegistrationBean<>(
                new OrsServlet(gateway, config), properties.servlet().path());
        registration.setName("orsServlet");
        registration.setAsyncSupported(true);
        registration.setLoadOnStartup(1);
        return registration;
    }

    /** Meters and Observations of every response, when the application has a Micrometer {@link MeterRegistry}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, MicrometerResponseObserver.class})
    static class MicrometerConfiguration {
        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        @ConditionalOnMissingBean(ResponseObserver.class)
        MicrometerResponseObserver orsMicrometerObserver(MeterRegistry meters) {
            return MicrometerResponseObserver.builder(meters).build();
        }
    }
}
