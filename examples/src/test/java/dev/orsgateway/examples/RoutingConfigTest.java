package dev.orsgateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.routing.RetryPolicy;
import dev.orsgateway.core.routing.Target;
import dev.orsgateway.core.routing.ThinkTagMode;
import dev.orsgateway.examples.StandaloneServer.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The routing file: what a good one becomes, and the message a bad one is refused with (naming the key). */
class RoutingConfigTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aYamlFileBecomesUpstreamsRoutesAndARetryPolicyWithSecretsFromTheEnvironment() throws Exception {
        Path file = write("gateway.yaml", """
                upstreams:
                  openai:
                    url: https://api.openai.com/v1
                    api_key: ${OPENAI_API_KEY}
                    read_timeout: 90s
                  azure:
                    url: https://r.openai.azure.com/openai/deployments/gpt4o
                    api_version: "2024-10-21"
                    auth: azure
                    api_key: ${AZURE_KEY:-az-fallback}
                    headers: {X-Team: search}
                  ollama:
                    url: http://localhost:11434/v1
                    transport: okhttp
                    tool_call_ids: mistral
                  gemini:
                    url: https://generativelanguage.googleapis.com/v1beta/openai
                    thought_signatures: gemini
                routes:
                  - model: gpt-*
                    to: [openai, azure]
                    first_byte_timeout: 1500ms
                  - model: fast
                    to:
                      - {upstream: ollama, model: "llama3.2:3b"}
                    think_tags: prefilled
                  - model: "*"
                    to: ollama
                retry:
                  retries: 1
                  initial_backoff: 100ms
                  max_backoff: 2s
                  deadline: PT20S
                """);

        RoutingConfig config = RoutingConfig.read(file, Map.of("OPENAI_API_KEY", "sk-from-env"));

        assertThat(config.upstreams())
                .extracting(RoutingConfig.UpstreamSpec::name)
                .containsExactly("openai", "azure", "ollama", "gemini");
        RoutingConfig.UpstreamSpec openai = config.upstreams().get(0);
        assertThat(openai.apiKey()).isEqualTo("sk-from-env");
        assertThat(openai.readTimeout()).isEqualTo(Duration.ofSeconds(90));
        RoutingConfig.UpstreamSpec azure = config.upstreams().get(1);
        assertThat(azure.url()).isEqualTo("https://r.openai.azure.com/openai/deployments/gpt4o?api-version=2024-10-21");
        assertThat(azure.auth()).isEqualTo("azure");
        assertThat(azure.apiKey()).isEqualTo("az-fallback");
        assertThat(azure.headers()).containsEntry("X-Team", "search");
        assertThat(config.upstreams().get(2).transport()).isEqualTo("okhttp");
        assertThat(config.upstreams().get(2).mistralToolCallIds()).isTrue();
        assertThat(openai.mistralToolCallIds()).isFalse();
        assertThat(config.upstreams().get(3).geminiThoughtSignatures()).isTrue();
        assertThat(config.upstreams().get(2).geminiThoughtSignatures()).isFalse();

        assertThat(config.routes()).extracting(r -> r.pattern()).containsExactly("gpt-*", "fast", "*");
        assertThat(config.routes().get(0).targets()).containsExactly(Target.of("openai"), Target.of("azure"));
        assertThat(config.routes().get(0).firstByteTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.routes().get(1).targets()).containsExactly(Target.of("ollama", "llama3.2:3b"));
        assertThat(config.routes().get(1).thinkTags()).isEqualTo(ThinkTagMode.PREFILLED);
        assertThat(config.routes().get(0).thinkTags()).isEqualTo(ThinkTagMode.OFF);
        assertThat(config.routes().get(2).targets()).containsExactly(Target.of("ollama"));
        assertThat(config.retry())
                .isEqualTo(new RetryPolicy(1, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(20)));
        assertThat(config.literalSecrets()).isEmpty();
    }

    @Test
    void theReadmesRoutingFileIsTheExampleFileAndIsValid() throws Exception {
        Path example = Path.of(System.getProperty("user.dir")).resolve("gateway.example.yaml");
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("README.md"));
        String section = readme.substring(readme.indexOf("## Several providers"));
        String block = section.substring(section.indexOf("```yaml\n") + "```yaml\n".length());
        block = block.substring(0, block.indexOf("```"));
        String file = Files.readString(example);

        assertThat(file).endsWith(block);
        RoutingConfig config = RoutingConfig.read(example, Map.of("OPENAI_API_KEY", "sk-test"));
        assertThat(config.upstreams())
                .extracting(RoutingConfig.UpstreamSpec::name)
                .containsExactly("openai", "ollama");
        assertThat(config.routes()).extracting(r -> r.pattern()).containsExactly("gpt-*", "fast", "*");
        assertThat(config.retry()).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void aJsonFileWorksTooAndAKeyWrittenInItIsNoted() throws Exception {
        Path file = write(
                "gateway.json",
                "{\"upstreams\":{\"local\":{\"url\":\"http://127.0.0.1:8080/v1\",\"api_key\":\"sk-in-file\"}},"
                        + "\"routes\":[{\"model\":\"*\",\"to\":[\"local\"]}]}");

        RoutingConfig config = RoutingConfig.read(file, Map.of());

        assertThat(config.upstreams().get(0).apiKey()).isEqualTo("sk-in-file");
        assertThat(config.literalSecrets()).containsExactly("upstreams.local.api_key");
        assertThat(config.retry()).isEqualTo(RetryPolicy.DEFAULT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no upstreams | routes: [{model: m, to: [a]}] | upstreams: is required
            unknown top key | {upstreams: {a: {url: 'http://h/v1'}}, routes: [{model: m, to: [a]}], route: []} | route: is not a known key (known here: retry, routes, upstreams)
            unknown upstream key | {upstreams: {a: {url: 'http://h/v1', apikey: x}}, routes: [{model: m, to: [a]}]} | upstreams.a.apikey: is not a known key
            missing url | {upstreams: {a: {api_key: x}}, routes: [{model: m, to: [a]}]} | upstreams.a.url: is required
            bad url | {upstreams: {a: {url: 'localhost:11434'}}, routes: [{model: m, to: [a]}]} | upstreams.a.url: must be an http:// or https:// URL (or 'demo'), was 'localhost:11434'
            unset variable | {upstreams: {a: {url: 'http://h/v1', api_key: '${NOPE_KEY}'}}, routes: [{model: m, to: [a]}]} | upstreams.a.api_key: references the environment variable NOPE_KEY, which is not set
            bad auth | {upstreams: {a: {url: 'http://h/v1', auth: basic}}, routes: [{model: m, to: [a]}]} | upstreams.a.auth: must be 'bearer' or 'azure', was 'basic'
            azure without key | {upstreams: {a: {url: 'http://h/v1', auth: azure}}, routes: [{model: m, to: [a]}]} | upstreams.a.api_key: is required with auth: azure
            bad transport | {upstreams: {a: {url: 'http://h/v1', transport: netty}}, routes: [{model: m, to: [a]}]} | upstreams.a.transport: must be one of [jdk, jdk-inline, okhttp], was 'netty'
            bad tool_call_ids | {upstreams: {a: {url: 'http://h/v1', tool_call_ids: short}}, routes: [{model: m, to: [a]}]} | upstreams.a.tool_call_ids: must be 'as-is' (the default) or 'mistral', was 'short'
            bad thought_signatures | {upstreams: {a: {url: 'http://h/v1', thought_signatures: google}}, routes: [{model: m, to: [a]}]} | upstreams.a.thought_signatures: must be 'as-is' (the default) or 'gemini', was 'google'
            bad duration | {upstreams: {a: {url: 'http://h/v1', read_timeout: soon}}, routes: [{model: m, to: [a]}]} | upstreams.a.read_timeout: must be a duration such as 500ms, 30s, 5m or PT30S, was 'soon'
            zero duration | {upstreams: {a: {url: 'http://h/v1'}}, routes: [{model: m, to: [a], first_byte_timeout: 0s}]} | routes[0].first_byte_timeout: must be positive
            empty routes | {upstreams: {a: {url: 'http://h/v1'}}, routes: []} | routes: must be a list of at least one route
            unknown target | {upstreams: {a: {url: 'http://h/v1'}}, routes: [{model: m, to: [a, b]}]} | routes[0].to[1]: names upstream 'b', which is not under 'upstreams' (there: a)
            no targets | {upstreams: {a: {url: 'http://h/v1'}}, routes: [{model: m, to: []}]} | routes[0].to: must list at least one upstream
            duplicate route | {upstreams: {a: {url: 'http://h/v1'}}, routes: [{model: m, to: [a]}, {model: m, to: [a]}]} | routes[1].model: 'm' is routed twice
            bad think_tags | {upstreams: {a: {url: 'http://h/v1'}}, routes: [{model: m, to: [a], think_tags: 'yes'}]} | routes[0].think_tags: must be leading, prefilled or off (true: leading)
            negative retries | {upstreams: {a: {url: 'http://h/v1'}}, routes: [{model: m, to: [a]}], retry: {retries: -1}} | retry.retries: must be a whole number of at least 0
            not yaml | upstreams: [unclosed, {a: | not valid YAML
            """)
    void aBadFileIsRefusedWithAMessageNamingTheKey(String name, String yaml, String message) throws Exception {
        Path file = write("bad.yaml", yaml);

        assertThatThrownBy(() -> RoutingConfig.read(file, Map.of()))
                .isInstanceOf(RoutingConfig.InvalidConfigException.class)
                .hasMessageStartingWith("ORS_CONFIG " + file + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void aMissingFileAndAFileBesideUpstreamUrlAreRefusedAtStart() throws Exception {
        assertThatThrownBy(() -> Settings.fromEnvironment(
                        Map.of("ORS_CONFIG", dir.resolve("none.yaml").toString())))
                .hasMessageContaining("none.yaml: no such file");
        Path file = write("ok.yaml", "{upstreams: {a: {url: 'http://h/v1'}}, routes: [{model: m, to: [a]}]}");
        assertThatThrownBy(() -> Settings.fromEnvironment(
                        Map.of("ORS_CONFIG", file.toString(), "UPSTREAM_URL", "http://other/v1")))
                .hasMessageContaining("ORS_CONFIG and UPSTREAM_URL are both set");
        assertThat(Settings.fromEnvironment(Map.of("ORS_CONFIG", file.toString()))
                        .routing()
                        .routes())
                .hasSize(1);
    }
}
