package dev.orsgateway.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.ScriptedChatServer;
import dev.orsgateway.store.sqlite.JdbcResponseStore;
import dev.orsgateway.transcoder.ChatTranscoder;
import dev.orsgateway.upstream.okhttp.OkHttpChatCompletionsUpstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process example, end to end: its two turns go over loopback HTTP to the scripted server's demo model, and
 * its second turn (the tool output alone) is continued from the SQLite store. In this package because
 * {@link InProcessExample#run} is package-private.
 */
class InProcessExampleTest {

    @TempDir
    Path dir;

    @Test
    void runsTheToolRoundTripAndAnswersWithTheToolsResult() throws Exception {
        Path database = dir.resolve("ors.db");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        String answer;
        try (ScriptedChatServer server = ScriptedChatServer.start();
                OkHttpChatCompletionsUpstream upstream = OkHttpChatCompletionsUpstream.builder()
                        .baseUrl(server.baseUrl().toString())
                        .build();
                JdbcResponseStore store = JdbcResponseStore.open(database)) {
            OrsGateway gateway = OrsGateway.builder()
                    .transcoder(ChatTranscoder.create())
                    .upstream(upstream)
                    .store(store)
                    .build();

            answer = InProcessExample.run(gateway, "test-model", new PrintStream(printed, true, UTF_8));

            assertThat(server.requestCount()).isEqualTo(2);
            RecordedRequest first = server.takeRequest();
            RecordedRequest second = server.takeRequest();
            assertThat(first.isStreaming()).isTrue();
            assertThat(second.isStreaming()).isFalse();
            JsonNode messages = second.json().get("messages");
            assertThat(messages).hasSize(3);
            assertThat(messages.at("/0/content").textValue()).isEqualTo("What is the weather in Paris?");
            JsonNode call = messages.at("/1/tool_calls/0");
            assertThat(call.at("/function/name").textValue()).isEqualTo("get_weather");
            assertThat(messages.at("/2/role").textValue()).isEqualTo("tool");
            assertThat(messages.at("/2/tool_call_id").textValue())
                    .isEqualTo(call.get("id").textValue());
            String toolResult = messages.at("/2/content").textValue();
            // The demo model fills a "location" property with this city; the example's tool echoes it.
            JsonNode result = OrsJson.mapper().readTree(toolResult);
            assertThat(result.get("location").textValue()).isEqualTo("San Francisco, CA");
            assertThat(result.get("temperature_c").intValue()).isEqualTo(18);

            assertThat(answer).isEqualTo("The tool returned: " + toolResult);

            // Both turns are stored, the second continuing the first, and valid response objects.
            List<String> ids = storedIds(database);
            assertThat(ids).hasSize(2);
            Response turn1 = gateway.retrieve(ids.get(0), null).orElseThrow();
            Response turn2 = gateway.retrieve(ids.get(1), null).orElseThrow();
            SpecSchemas.assertValidResponse(turn1);
            SpecSchemas.assertValidResponse(turn2);
            assertThat(turn1.output()).singleElement().isInstanceOf(Item.FunctionCall.class);
            assertThat(turn2.previousResponseId()).isEqualTo(turn1.id());
            assertThat(turn2.status()).isEqualTo(ResponseStatus.COMPLETED);
            assertThat(((Item.Message) turn2.output().get(0)).text()).isEqualTo(answer);
        }
        assertThat(printed.toString(UTF_8))
                .contains("[tool call] get_weather {\"location\":\"San Francisco, CA\"}")
                .contains("[answer] " + answer);
    }

    /** The stored response ids, oldest first, read from the SQLite file with a connection of our own. */
    private static List<String> storedIds(Path database) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT id FROM responses ORDER BY previous_response_id IS NOT NULL, created_at")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
