package dev.orsgateway.spring.boot;

import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.RequestLimits;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.spi.ResponseObserver;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.micrometer.MicrometerResponseObserver;
import dev.orsgateway.server.OrsServlet;
import dev.orsgateway.server.OrsServletConfig;
import dev.orsgateway.server.OrsWebSocketConfig;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds an {@link OrsGateway} from the {@code ors.*} properties ({@link OrsProperties}): one upstream or named ones
 * with routes, the store, keys and limits, and serves it with an {@link OrsServlet} under {@code ors.servlet.path}
 * (with the spec's WebSocket mode where the container has Jakarta WebSocket). Every bean backs off when the
 * application defines its own of that type.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"
        })
@EnableConfigurationProperties(OrsProperties.class)
public class OrsAutoConfiguration {

    /**
     * The upstream at {@code ors.upstream.url}; closed with the context. Not made when the application has its own
     * upstream, router or gateway (which has its upstreams), nor when {@code ors.upstreams} names several.
     */
    @Bean
    @ConditionalOnProperty(prefix = "ors.upstream", name = "url")
    @ConditionalOnMissingBean({ChatCompletionsUpstream.class, Router.class, OrsGateway.class})
    public ChatCompletionsUpstream orsUpstream(OrsProperties properties) {
        OrsProperties.Upstream upstream = properties.upstream();
        if (!properties.upstreams().isEmpty()) {
            throw new IllegalStateException("ors.upstream.url and ors.upstreams are both set: use ors.upstream.url for"
                    + " one upstream, or ors.upstreams with ors.routes for several");
        }
        return Upstreams.build(
                "ors.upstream",
                upstream.url(),
                upstream.apiKey(),
                Map.of(),
                upstream.transport(),
                null,
                null,
                null,
                properties.maxConcurrentResponses());
    }

    /**
     * The upstreams and routes: {@code ors.upstreams} with {@code ors.routes} and {@code ors.retry}, or the one
     * upstream (ours from {@code ors.upstream.url}, or the application's) for every model. The upstreams made here are
     * closed with the context. Not made when the application has its own router or gateway.
     */
    @Bean
    @ConditionalOnMissingBean({Router.class, OrsGateway.class})
    Upstreams orsUpstreams(OrsProperties properties, ObjectProvider<ChatCompletionsUpstream> single) {
        if (properties.upstreams().isEmpty()) {
            ChatCompletionsUpstream upstream = single.getIfAvailable();
            if (upstream == null) {
                throw new IllegalStateException("ors.upstream.url is not set: set it to the Chat Completions endpoint"
                        + " (e.g. http://localhost:11434/v1), or set ors.upstreams and ors.routes, or define a"
                        + " ChatCompletionsUpstream bean");
            }
            return new Upstreams(Router.single(upstream), List.of());
        }
        if (single.getIfAvailable() != null) {
            throw new IllegalStateException(
                    "ors.upstreams is set beside a ChatCompletionsUpstream bean: use one or the" + " other");
        }
        return Upstreams.routed(properties);
    }

    /** The router of {@link #orsUpstreams}. */
    @Bean
    @ConditionalOnMissingBean({Router.class, OrsGateway.class})
    public Router orsRouter(Upstreams upstreams) {
        return upstreams.router();
    }

    /**
     * The store at {@code ors.store.jdbc-url}; closed with the context. Not made when the application has its own store
     * or its own gateway (so no database file appears that nothing uses).
     */
    @Bean
    @ConditionalOnMissingBean({ResponseStore.class, OrsGateway.class})
    public ResponseStore orsResponseStore(OrsProperties properties) {
        JdbcResponseStore.Builder store =
                JdbcResponseStore.builder().jdbcUrl(properties.store().jdbcUrl());
        if (properties.store().retention() != null) {
            store.retention(properties.store().retention());
        }
        return store.build();
    }

    /** The gateway over the router and the store, observed by the application's {@link ResponseObserver}, if any. */
    @Bean
    @ConditionalOnMissingBean
    public OrsGateway orsGateway(
            OrsProperties properties, Router router, ResponseStore store, ObjectProvider<ResponseObserver> observer) {
        OrsGateway.Builder builder = OrsGateway.builder()
                .transcoder(ChatTranscoder.create())
                .router(router)
                .store(store)
                .defaultModel(properties.defaultModel())
                .maxConcurrentResponses(properties.maxConcurrentResponses())
                .requestLimits(requestLimits(properties.limits()));
        if (properties.compactionKey() != null && !properties.compactionKey().isBlank()) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(properties.compactionKey().strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("ors.compaction-key is not base64: " + e.getMessage());
            }
            if (key.length != 32) {
                throw new IllegalStateException("ors.compaction-key must be 32 bytes in base64 (openssl rand -base64"
                        + " 32), was " + key.length + " bytes");
            }
            builder.compactionKey(key);
        }
        observer.ifUnique(builder::observer);
        return builder.build();
    }

    private static RequestLimits requestLimits(OrsProperties.Limits limits) {
        return RequestLimits.builder()
                .maxInputItems(limits.maxInputItems())
                .maxNestingDepth(limits.maxNestingDepth())
                .maxStringLength(limits.maxStringLength())
                .maxInlineDataLength(limits.maxInlineDataLength())
                .maxTools(limits.maxTools())
                .maxToolBytes(limits.maxToolBytes())
                .maxMetadataPairs(limits.maxMetadataPairs())
                .maxMetadataKeyLength(limits.maxMetadataKeyLength())
                .maxMetadataValueLength(limits.maxMetadataValueLength())
                .build();
    }

    /** The servlet under {@code ors.servlet.path}, asynchronous (every response may stream). */
    @Bean
    @ConditionalOnMissingBean(name = "orsServlet")
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    public ServletRegistrationBean<OrsServlet> orsServlet(OrsProperties properties, OrsGateway gateway) {
        OrsServletConfig config = OrsServletConfig.builder()
                .apiKeys(properties.apiKeys())
                .maxRequestBytes(properties.servlet().maxRequestSize().toBytes())
                .writeTimeout(properties.servlet().writeTimeout())
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
        MicrometerResponseObserver orsMicrometerObserver(
                MeterRegistry meters, ObjectProvider<ObservationRegistry> observations) {
            return MicrometerResponseObserver.builder(meters)
                    .observationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP))
                    .build();
        }
    }
}
