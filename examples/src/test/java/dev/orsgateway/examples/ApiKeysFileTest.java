package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.examples.StandaloneServer.Settings;
import dev.orsgateway.server.OrsApiKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ORS_API_KEYS_FILE}: its format, and keys rotated in a running server without a restart. */
@Timeout(60)
class ApiKeysFileTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String ALPHA = "sk-alpha-0123456789";
    private static final String BETA = "sk-beta-9876543210";

    @TempDir
    Path dir;

    @Test
    void readsKeysWithTheirNamesAndLimits() throws Exception {
        List<OrsApiKey> keys = ApiKeysFile.parse(
                ("# team keys\n\n" + ALPHA + " name=alpha rpm=60 tpm=100000 budget=5000000 models=gpt-4o*,m\r\n"
                                + "  sha256:" + sha256(BETA).toUpperCase() + "  \n" + "sk-gamma")
                        .getBytes(UTF_8),
                "keys.txt");

        assertThat(keys).hasSize(3);
        OrsApiKey alpha = keys.get(0);
        assertThat(alpha.id()).isEqualTo("alpha");
        assertThat(alpha.requestsPerMinute()).isEqualTo(60);
        assertThat(alpha.tokensPerMinute()).isEqualTo(100_000);
        assertThat(alpha.tokenBudget()).isEqualTo(5_000_000);
        assertThat(alpha.models()).containsExactly("gpt-4o*", "m");
        assertThat(keys.get(1).id()).isEqualTo("sha256:" + sha256(BETA).substring(0, 8));
        assertThat(keys.get(2).requestsPerMinute()).isZero();
        assertThat(keys.toString()).doesNotContain(ALPHA, BETA, "sk-gamma");
    }

    @Test
    void aMistakeNamesItsLineButNeverAKey() {
        for (String[] wrong : new String[][] {
            {ALPHA + " rpm=fast", "line 1: rpm must be a whole number"},
            {"# c\n" + ALPHA + " color=blue", "line 2: unknown setting 'color'"},
            {ALPHA + " 60", "word 2 is not a setting"},
            {"sk-alpha 0123456789", "word 2"},
            {"sha256:abc name=x", "64 hex digits"},
            {ALPHA + " name=a\n" + BETA + " name=a", "line 2: the name a is used twice"},
            {ALPHA + " name=no/slash", "line 1"},
            {ALPHA + " tpm=-1", "0 or more"},
            {"# nothing\n\n", "names no key"},
        }) {
            assertThatThrownBy(() -> ApiKeysFile.parse(wrong[0].getBytes(UTF_8), "keys.txt"))
                    .as(wrong[0])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ORS_API_KEYS_FILE keys.txt")
                    .hasMessageContaining(wrong[1])
                    .hasMessageNotContaining(ALPHA)
                    .hasMessageNotContaining(BETA)
                    .hasMessageNotContaining("0123456789");
        }
    }

    @Test
    void aMistakeInTheFileStopsTheStartAsAConfigurationError() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.txt"), ALPHA + " rpm=lots\n");
        assertThatThrownBy(() -> Settings.fromEnvironment(env(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> Settings.fromEnvironment(env(dir.resolve("missing.txt"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be read");
    }

    @Test
    void rotatesKeysFromTheFileWithoutARestartAndKeepsThemWhenTheNewFileIsWrong() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.txt"), ALPHA + " name=alpha\n");
        Settings settings = Settings.fromEnvironment(env(file));
        assertThat(settings.authenticationConfigured()).isTrue();
        assertThat(settings.toString()).doesNotContain(ALPHA);
        try (StandaloneServer server = StandaloneServer.start(settings)) {
            assertThat(status(server, ALPHA)).isEqualTo(404); // authenticated; no such response
            assertThat(status(server, BETA)).isEqualTo(401);
            assertThat(server.reloadApiKeys()).as("unchanged").isFalse();

            // Rotation: the new key by its hash only, the old one gone.
            Files.writeString(file, "sha256:" + sha256(BETA) + " name=beta\n");
            assertThat(server.reloadApiKeys()).isTrue();
            assertThat(status(server, BETA)).isEqualTo(404);
            assertThat(status(server, ALPHA)).isEqualTo(401);

            // A file with a mistake, an empty one, a missing one: the keys stay as they were.
            Files.writeString(file, BETA + " rpm=many\n");
            assertThat(server.reloadApiKeys()).isFalse();
            Files.writeString(file, "");
            assertThat(server.reloadApiKeys()).isFalse();
            Files.delete(file);
            assertThat(server.reloadApiKeys()).isFalse();
            assertThat(status(server, BETA)).isEqualTo(404);
            assertThat(status(server, ALPHA)).isEqualTo(401);

            // Limits from the file apply at once.
            Files.writeString(file, BETA + " rpm=1\n");
            assertThat(server.reloadApiKeys()).isTrue();
            int first = status(server, BETA);
            int second = status(server, BETA);
            assertThat(List.of(first, second)).containsExactly(404, 429);
        }
    }

    private Map<String, String> env(Path keysFile) {
        return Map.of(
                "UPSTREAM_URL", "demo",
                "PORT", "0",
                "HOST", "127.0.0.1",
                "DATABASE_URL", dir.resolve("ors.db").toString(),
                "ORS_API_KEYS_FILE", keysFile.toString(),
                "ORS_API_KEYS_RELOAD_SECONDS", "0");
    }

    private static int status(StandaloneServer server, String key) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/responses/resp_none"))
                        .timeout(Duration.ofSeconds(20))
                        .header("Authorization", "Bearer " + key)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode();
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(UTF_8)));
    }
}
