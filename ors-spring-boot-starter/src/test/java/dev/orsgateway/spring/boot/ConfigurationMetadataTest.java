package dev.orsgateway.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orsgateway.core.RequestLimits;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The IDE metadata the configuration processor writes: every property, with its default and a description. */
class ConfigurationMetadataTest {
    @Test
    void describesEveryProperty() throws IOException {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, JsonNode> properties = new HashMap<>();
        metadata.path("properties").forEach(p -> properties.put(p.path("name").asText(), p));

        assertThat(properties)
                .containsOnlyKeys(
                        "ors.upstream.url",
                        "ors.upstream.api-key",
                        "ors.upstream.transport",
                        // Maps and lists of objects are described as a whole: the processor does not look inside.
                        "ors.upstreams",
                        "ors.routes",
                        "ors.retry.retries",
                        "ors.retry.initial-backoff",
                        "ors.retry.max-backoff",
                        "ors.retry.deadline",
                        "ors.store.jdbc-url",
                        "ors.store.retention",
                        "ors.default-model",
                        "ors.max-concurrent-responses",
                        "ors.api-keys",
                        "ors.compaction-key",
                        "ors.servlet.path",
                        "ors.servlet.max-request-size",
                        "ors.servlet.write-timeout",
                        "ors.limits.max-input-items",
                        "ors.limits.max-nesting-depth",
                        "ors.limits.max-string-length",
                        "ors.limits.max-inline-data-length",
                        "ors.limits.max-tools",
                        "ors.limits.max-tool-bytes",
                        "ors.limits.max-metadata-pairs",
                        "ors.limits.max-metadata-key-length",
                        "ors.limits.max-metadata-value-length",
                        "ors.websocket.enabled");
        properties
                .values()
                .forEach(p -> assertThat(p.path("description").asText())
                        .as(p.path("name").asText())
                        .isNotBlank()
                        .doesNotContain("{@"));
        assertThat(properties.get("ors.servlet.path").path("defaultValue").asText())
                .isEqualTo("/v1/*");
        assertThat(properties.get("ors.store.jdbc-url").path("defaultValue").asText())
                .isEqualTo("jdbc:sqlite:ors-gateway.db");
        assertThat(properties.get("ors.upstream.transport").path("defaultValue").asText())
                .isEqualTo("jdk");
        assertThat(properties
                        .get("ors.servlet.max-request-size")
                        .path("defaultValue")
                        .asText())
                .isEqualTo("32MB");
        assertThat(properties.get("ors.retry.retries").path("defaultValue").asInt())
                .isEqualTo(2);
        // The defaults the IDE shows are the library's.
        assertThat(properties
                        .get("ors.limits.max-string-length")
                        .path("defaultValue")
                        .asInt())
                .isEqualTo(RequestLimits.DEFAULT_MAX_STRING_LENGTH);
        assertThat(properties
                        .get("ors.limits.max-inline-data-length")
                        .path("defaultValue")
                        .asInt())
                .isEqualTo(RequestLimits.DEFAULT_MAX_INLINE_DATA_LENGTH);
        assertThat(properties
                        .get("ors.limits.max-tool-bytes")
                        .path("defaultValue")
                        .asInt())
                .isEqualTo(RequestLimits.DEFAULT_MAX_TOOL_BYTES);
    }
}
