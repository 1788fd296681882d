package dev.orsgateway.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.InMemoryResponseStore;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.micrometer.MicrometerResponseObserver;
import dev.orsgateway.server.OrsServlet;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.upstream.jdk.JdkHttpChatCompletionsUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Path;
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

    @Configuration(proxyBeanMethods = false)
    static class OwnServlet {
        @Bean
        ServletRegistrationBean<HttpServlet> orsServlet() {
            return new ServletRegistrationBean<>(new HttpServlet() {}, "/custom/*");
        }
    }
}
