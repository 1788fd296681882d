package dev.orsgateway.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.testing.ScriptedUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouteTest {

    @Test
    void globsMatchAnyRunOfCharactersWhereTheStarIs() {
        Route gpt = Route.forModel("gpt-*").to("a").build();
        assertThat(gpt.matches("gpt-4o")).isTrue();
        assertThat(gpt.matches("gpt-")).isTrue();
        assertThat(gpt.matches("chatgpt-4o")).isFalse();
        assertThat(gpt.matches("GPT-4o")).isFalse();

        Route middle = Route.forModel("llama*:*b").to("a").build();
        assertThat(middle.matches("llama3.2:3b")).isTrue();
        assertThat(middle.matches("llama3.2:latest")).isFalse();
        assertThat(middle.matches("llama:b")).isTrue();
        assertThat(Route.forModel("a*a").to("x").build().matches("a")).isFalse();

        Route all = Route.forModel("*").to("a").build();
        assertThat(all.matches("anything")).isTrue();
        assertThat(all.matches(null)).isTrue();
        assertThat(gpt.isPattern()).isTrue();
        assertThat(Route.forModel("gpt-4o").to("a").build().isPattern()).isFalse();
    }

    @Test
    void anExactRouteWinsOverPatternsWhichMatchInTheOrderAdded() {
        Router router = Router.builder()
                .upstream("openai", new ScriptedUpstream())
                .upstream("ollama", new ScriptedUpstream())
                .route(Route.forModel("*").to("ollama").build())
                .route(Route.forModel("gpt-*").to("openai").build())
                .route(Route.forModel("gpt-4o-mini").to("ollama", "llama3.2").build())
                .build();

        assertThat(router.route("gpt-4o-mini").orElseThrow().targets())
                .containsExactly(Target.of("ollama", "llama3.2"));
        // "*" was added before "gpt-*", so it takes every other model.
        assertThat(router.route("gpt-4o").orElseThrow().pattern()).isEqualTo("*");
    }

    @Test
    void aModelNoRouteServesHasNoRoute() {
        Router router = Router.builder()
                .upstream("a", new ScriptedUpstream())
                .route(Route.forModel("gpt-*").to("a").build())
                .build();
        assertThat(router.route("llama3")).isEmpty();
        assertThat(router.route(null)).isEmpty();
    }

    @Test
    void badRoutersAreRefusedWhenBuiltWithAMessageNamingWhatIsWrong() {
        assertThatThrownBy(() -> Router.builder()
                        .upstream("a", new ScriptedUpstream())
                        .route(Route.forModel("m").to("b").build())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("route 'm' names upstream 'b', which is not registered (registered: a)");
        assertThatThrownBy(() -> Router.builder()
                        .upstream("a", new ScriptedUpstream())
                        .route(Route.forModel("m").to("a").build())
                        .route(Route.forModel("m").to("a").build())
                        .build())
                .hasMessageContaining("two routes for 'm'");
        assertThatThrownBy(() ->
                        Router.builder().upstream("a", new ScriptedUpstream()).build())
                .hasMessageContaining("at least one route");
        assertThatThrownBy(() ->
                        Router.builder().upstream("a", new ScriptedUpstream()).upstream("a", new ScriptedUpstream()))
                .hasMessageContaining("upstream 'a' is registered twice");
        assertThatThrownBy(() -> Route.forModel("m").build()).hasMessageContaining("route 'm' has no target");
        assertThatThrownBy(() -> Route.forModel("m").firstByteTimeout(Duration.ZERO))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> Target.of("a", " ")).hasMessageContaining("must not be blank");
    }

    @Test
    void theBackoffCapDoublesPerRoundUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(policy.backoffCap(0)).isEqualTo(Duration.ZERO);
        assertThat(policy.backoffCap(1)).isEqualTo(Duration.ofMillis(250));
        assertThat(policy.backoffCap(2)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.backoffCap(3)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoffCap(60)).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new RetryPolicy(-1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("retries must not be negative");
    }
}
