package dev.orsgateway.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.InMemoryResponseStore;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.RequestLimits;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.routing.Route;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.routing.Target;
import dev.orsgateway.core.routing.ThinkTagMode;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.testing.FakeChatServer;
import dev.orsgateway.core.upstream.RewritingUpstream;
import dev.orsgateway.micrometer.MicrometerResponseObserver;
import dev.orsgateway.server.OrsServlet;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.upstream.jdk.JdkHttpChatCompletionsUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class OrsAutoConfigurationTest {
    @TempDir
    Path dir;

    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(OrsAutoConfiguration.class, OrsHealthAutoConfiguration.class))
                .withPropertyValues(
                        "ors.upstream.url=http://127.0.0.1:9/v1",
                        "ors.store.jdbc-url=jdbc:sqlite:" + dir.resolve("ors.db"));
    }

    @Test
    void buildsTheGatewayAndRegistersTheServletFromProperties() {
        runner().withPropertyValues(
                        "ors.api-keys=k1,k2",
                        "ors.servlet.path=/ai/*",
                        "ors.default-model=m",
                        "ors.websocket.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(OrsGateway.class);
                    assertThat(context)
                            .getBean(ChatCompletionsUpstream.class)
                            .isInstanceOf(JdkHttpChatCompletionsUpstream.class);
                    assertThat(context).getBean(ResponseStore.class).isInstanceOf(JdbcResponseStore.class);
                    assertThat(dir.resolve("ors.db")).exists();

                    ServletRegistrationBean<?> registration = context.getBean(ServletRegistrationBean.class);
                    assertThat(registration.getUrlMappings()).containsExactly("/ai/*");
                    assertThat(registration.isAsyncSupported()).isTrue();
                    OrsServlet servlet = (OrsServlet) registration.getServlet();
                    assertThat(servlet.config().authenticationEnabled()).isTrue();
                    assertThat(servlet.config().webSocket().enabled()).isFalse();

                    OrsProperties properties = context.getBean(OrsProperties.class);
                    assertThat(properties.apiKeys()).containsExactly("k1", "k2");
                    assertThat(properties.maxConcurrentResponses())
                            .isEqualTo(OrsGateway.DEFAULT_MAX_CONCURRENT_RESPONSES);
                    assertThat(properties.toString()).doesNotContain("k1");
                });
    }

    @Test
    void defaultsToTheV1PathWithoutAuthenticationAndWithWebSocket() {
        runner().run(context -> {
            ServletRegistrationBean<?> registration = context.getBean(ServletRegistrationBean.class);
            assertThat(registration.getUrlMappings()).containsExactly("/v1/*");
            OrsServlet servlet = (OrsServlet) registration.getServlet();
            assertThat(servlet.config().authenticationEnabled()).isFalse();
            assertThat(servlet.config().webSocket().enabled()).isTrue();
            assertThat(context).doesNotHaveBean(MicrometerResponseObserver.class);
        });
    }

    @Test
    void backsOffWhenTheApplicationHasItsOwnGateway() {
        try (JdkHttpChatCompletionsUpstream upstream = JdkHttpChatCompletionsUpstream.builder()
                .baseUrl("http://127.0.0.1:9/v1")
                .build()) {
            OrsGateway own = OrsGateway.builder()
                    .transcoder(ChatTranscoder.create())
                    .upstream(upstream)
                    .build();
            // No ors.upstream.url and no store: the application's gateway has its own.
            new WebApplicationContextRunner()
                    .withConfiguration(
                            AutoConfigurations.of(OrsAutoConfiguration.class, OrsHealthAutoConfiguration.class))
                    .withBean(OrsGateway.class, () -> own)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context).getBean(OrsGateway.class).isSameAs(own);
                        assertThat(context).doesNotHaveBean(ChatCompletionsUpstream.class);
                        assertThat(context).doesNotHaveBean(ResponseStore.class);
                        assertThat(context).doesNotHaveBean(OrsStoreHealthIndicator.class);
                        // The application's gateway is still served.
                        assertThat(context).hasSingleBean(ServletRegistrationBean.class);
                    });
        }
    }

    @Test
    void usesTheApplicationsStore() {
        InMemoryResponseStore own = new InMemoryResponseStore();
        runner().withBean(ResponseStore.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).getBean(ResponseStore.class).isSameAs(own);
            assertThat(context).hasSingleBean(OrsGateway.class);
            assertThat(dir.resolve("ors.db")).doesNotExist();
        });
    }

    @Test
    void closesTheStoreWithTheContext() {
        JdbcResponseStore[] store = new JdbcResponseStore[1];
        runner().run(context -> store[0] = (JdbcResponseStore) context.getBean(ResponseStore.class));
        assertThat(store[0]).isNotNull();
        // Closed with the context: a closed store refuses work.
        assertThatThrownBy(() -> store[0].find("resp_1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void backsOffWhenTheApplicationRegistersTheServletItself() {
        runner().withUserConfiguration(OwnServlet.class).run(context -> {
            assertThat(context).hasNotFailed();
            ServletRegistrationBean<?> registration = context.getBean(ServletRegistrationBean.class);
            assertThat(registration.getUrlMappings()).containsExactly("/custom/*");
        });
    }

    @Test
    void reportsTheStoresHealth() {
        JdbcResponseStore[] store = new JdbcResponseStore[1];
        runner().run(context -> {
            store[0] = (JdbcResponseStore) context.getBean(ResponseStore.class);
            OrsStoreHealthIndicator health = context.getBean(OrsStoreHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("store", "JdbcResponseStore");
        });
        // A store that cannot answer (closed with the context) is reported down.
        assertThat(new OrsStoreHealthIndicator(store[0]).health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void failsClearlyWithoutAnUpstreamUrl() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(OrsAutoConfiguration.class, OrsHealthAutoConfiguration.class))
                .withPropertyValues("ors.store.jdbc-url=jdbc:sqlite:" + dir.resolve("ors.db"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("ors.upstream.url is not set");
                });
    }

    @Test
    void rejectsAnUnknownTransport() {
        runner().withPropertyValues("ors.upstream.transport=carrier-pigeon")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("ors.upstream.transport"));
    }

    @Test
    void observesWithMicrometerWhenTheApplicationHasAMeterRegistry() {
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(MicrometerResponseObserver.class);
        });
    }

    @Test
    void registersNoServletOutsideAWebApplication() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(OrsAutoConfiguration.class, OrsHealthAutoConfiguration.class))
                .withPropertyValues(
                        "ors.upstream.url=http://127.0.0.1:9/v1",
                        "ors.store.jdbc-url=jdbc:sqlite:" + dir.resolve("ors.db"))
                .run(context -> {
                    assertThat(context).hasSingleBean(OrsGateway.class);
                    assertThat(context).doesNotHaveBean(ServletRegistrationBean.class);
                });
    }

    @Test
    void routesModelsOverNamedUpstreamsFromProperties() {
        routed().withPropertyValues(
                        "ors.upstreams.openai.url=http://127.0.0.1:9/v1",
                        "ors.upstreams.openai.api-key=sk-test",
                        "ors.upstreams.local.url=http://127.0.0.1:9/v1",
                        "ors.upstreams.local.transport=okhttp",
                        "ors.upstreams.local.tool-call-ids=mistral",
                        "ors.routes[0].model=gpt-*",
                        "ors.routes[0].to[0].upstream=openai",
                        "ors.routes[0].to[1].upstream=local",
                        "ors.routes[0].to[1].model=llama3.2",
                        "ors.routes[0].first-byte-timeout=20s",
                        "ors.routes[1].model=*",
                        "ors.routes[1].to[0].upstream=local",
                        "ors.routes[1].think-tags=prefilled",
                        "ors.retry.retries=0")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ChatCompletionsUpstream.class);
                    Router router = context.getBean(Router.class);
                    assertThat(router.upstreams()).containsOnlyKeys("openai", "local");
                    assertThat(router.upstreams().get("openai")).isInstanceOf(JdkHttpChatCompletionsUpstream.class);
                    assertThat(router.upstreams().get("local")).isInstanceOf(RewritingUpstream.class);
                    Route gpt = router.route("gpt-4o").orElseThrow();
                    assertThat(gpt.targets()).containsExactly(Target.of("openai"), Target.of("local", "llama3.2"));
                    assertThat(gpt.firstByteTimeout()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(router.route("qwq").orElseThrow().thinkTags()).isEqualTo(ThinkTagMode.PREFILLED);
                    assertThat(router.retryPolicy().retries()).isZero();
                    assertThat(context.getBean(OrsProperties.class).toString()).doesNotContain("sk-test");
                });
    }

    @Test
    void namedUpstreamsWithoutRoutesServeEveryModelFromTheFirst() {
        routed().withPropertyValues("ors.upstreams.only.url=http://127.0.0.1:9/v1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Router.class)
                                    .route("anything")
                                    .orElseThrow()
                                    .targets())
                            .containsExactly(Target.of("only"));
                });
    }

    @Test
    void aMistakeInTheRoutesFailsTheStartNamingTheProperty() {
        routed().withPropertyValues(
                        "ors.upstreams.openai.url=http://127.0.0.1:9/v1",
                        "ors.routes[0].model=gpt-*",
                        "ors.routes[0].to[0].upstream=opneai")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("ors.routes[0].to[0].upstream: 'opneai' is not one of ors.upstreams"));
        routed().withPropertyValues(
                        "ors.upstreams.azure.url=https://x.openai.azure.com/openai/deployments/d",
                        "ors.upstreams.azure.auth=azure")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("ors.upstreams.azure.api-key is required with auth: azure"));
        runner().withPropertyValues("ors.upstreams.other.url=http://127.0.0.1:9/v1")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("ors.upstream.url and ors.upstreams are both set"));
    }

    @Test
    void takesLimitsRetentionAndTheCompactionKeyFromProperties() {
        runner().withPropertyValues(
                        "ors.servlet.max-request-size=4MB",
                        "ors.servlet.write-timeout=10s",
                        "ors.limits.max-input-items=100",
                        "ors.limits.max-tools=8",
                        "ors.store.retention=30d",
                        "ors.compaction-key=" + Base64.getEncoder().encodeToString(new byte[32]))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    OrsServlet servlet = (OrsServlet)
                            context.getBean(ServletRegistrationBean.class).getServlet();
                    assertThat(servlet.config().maxRequestBytes()).isEqualTo(4L * 1024 * 1024);
                    assertThat(servlet.config().writeTimeout()).isEqualTo(Duration.ofSeconds(10));
                    RequestLimits limits = context.getBean(OrsGateway.class).requestLimits();
                    assertThat(limits.maxInputItems()).isEqualTo(100);
                    assertThat(limits.maxTools()).isEqualTo(8);
                    assertThat(limits.maxMetadataPairs()).isEqualTo(RequestLimits.DEFAULT_MAX_METADATA_PAIRS);
                    assertThat(context.getBean(OrsProperties.class).store().retention())
                            .isEqualTo(Duration.ofDays(30));
                    assertThat(context.getBean(OrsProperties.class).toString()).doesNotContain("AAAA");
                });
        runner().withPropertyValues("ors.compaction-key=" + Base64.getEncoder().encodeToString(new byte[16]))
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("ors.compaction-key must be 32 bytes"));
    }

    @Test
    void tracesThroughTheApplicationsObservationRegistry() throws Exception {
        List<String> observed = new CopyOnWriteArrayList<>();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStop(Observation.Context context) {
                observed.add(context.getName());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        try (FakeChatServer upstream = FakeChatServer.start()) {
            upstream.enqueue(FakeChatServer.Reply.json(
                    200,
                    "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                            + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}"));
            runner().withPropertyValues("ors.upstream.url=" + upstream.url("/v1"))
                    .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                    .withBean(ObservationRegistry.class, () -> observations)
                    .run(context -> {
                        OrsGateway gateway = context.getBean(OrsGateway.class);
                        gateway.complete(CreateResponseRequest.builder()
                                        .model("m")
                                        .input("Hi")
                                        .build())
                                .get(30, TimeUnit.SECONDS);
                    });
        }
        assertThat(observed).containsExactly("ors.upstream.attempt", "ors.store", "ors.response");
    }

    private WebApplicationContextRunner routed() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(OrsAutoConfiguration.class, OrsHealthAutoConfiguration.class))
                .withPropertyValues("ors.store.jdbc-url=jdbc:sqlite:" + dir.resolve("ors.db"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnServlet {
        @Bean
        ServletRegistrationBean<HttpServlet> orsServlet() {
            return new ServletRegistrationBean<>(new HttpServlet() {}, "/custom/*");
        }
    }
}
