package dev.orsgateway.examples.gateway;

import static dev.orsgateway.examples.gateway.Harness.assistant;
import static dev.orsgateway.examples.gateway.Harness.messages;
import static dev.orsgateway.examples.gateway.Harness.request;
import static dev.orsgateway.examples.gateway.Harness.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.examples.scripted.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many conversations at once against one SQLite file: each conversation's turns are sequential, the conversations
 * run concurrently on a pool, half their turns streamed and half not. The demo model answers, deterministically.
 */
class ConcurrentConversationsE2ETest {

    private static final int CONVERSATIONS = 100;
    private static final int TURNS = 3;
    private static final int THREADS = 8;
    private static final Duration BOUND = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aHundredInterleavedThreeTurnConversationsEachReplayExactlyTheirOwnSixItems() {
        List<String> lastIds = assertTimeoutPreemptively(BOUND, this::runAll);

        Set<String> itemIds = new HashSet<>();
        for (int c = 0; c < CONVERSATIONS; c++) {
            List<Item> replay = h.replay(lastIds.get(c));
            List<String> expected = new ArrayList<>();
            for (int t = 1; t <= TURNS; t++) {
                expected.add("user: " + said(c, t));
                expected.add("assistant: You said: " + said(c, t));
            }
            assertThat(replay.stream().map(ConversationE2ETest::roleAndText))
                    .as("conversation %d", c)
                    .containsExactlyElementsOf(expected);
            replay.forEach(item -> assertThat(itemIds.add(item.id()))
                    .as("item id %s is unique", item.id())
                    .isTrue());
        }
        assertThat(itemIds).hasSize(CONVERSATIONS * TURNS * 2);
        assertThat(h.storedResponseRows()).isEqualTo(CONVERSATIONS * TURNS);
        assertThat(h.storedItemRows()).isEqualTo(CONVERSATIONS * TURNS * 2);

        // Every upstream request carried exactly its own conversation so far.
        List<RecordedRequest> requests = h.server.requests();
        assertThat(requests).hasSize(CONVERSATIONS * TURNS);
        Map<String, JsonNode> byLastMessage = new HashMap<>();
        for (RecordedRequest recorded : requests) {
            JsonNode sent = recorded.json().get("messages");
            byLastMessage.put(sent.get(sent.size() - 1).get("content").textValue(), sent);
        }
        for (int c = 0; c < CONVERSATIONS; c++) {
            ArrayNode expected = messages();
            for (int t = 1; t <= TURNS; t++) {
                expected.add(user(said(c, t)));
                assertThat(byLastMessage.get(said(c, t)))
                        .as("upstream messages of conversation %d turn %d", c, t)
                        .isEqualTo(expected);
                expected.add(assistant("You said: " + said(c, t)));
            }
        }
    }

    private List<String> runAll() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<String>> conversations = new ArrayList<>();
            for (int c = 0; c < CONVERSATIONS; c++) {
                int conversation = c;
                conversations.add(pool.submit(() -> converse(conversation)));
            }
            List<String> lastIds = new ArrayList<>();
            for (Future<String> conversation : conversations) {
                lastIds.add(conversation.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
            }
            return lastIds;
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(Harness.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isTrue();
        }
    }

    /** One conversation, turn after turn; returns the id of its last response. */
    private String converse(int c) {
        Response previous = null;
        for (int t = 1; t <= TURNS; t++) {
            CreateResponseRequest request = request(said(c, t))
                    .previousResponseId(previous == null ? null : previous.id())
                    .build();
            Response response =
                    (c + t) % 2 == 0 ? h.complete(request) : h.stream(request).response();
            assertThat(response.status()).isEqualTo(ResponseStatus.COMPLETED);
            assertThat(ConversationE2ETest.text(response)).isEqualTo("You said: " + said(c, t));
            previous = response;
        }
        return previous.id();
    }

    private static String said(int conversation, int turn) {
        return "c" + conversation + " t" + turn;
    }
}
