package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatFunctionCall;
import dev.orsgateway.core.chat.ChatToolCallDelta;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: however a provider splits the same answer into chunks, the final output is the same, with text and
 * arguments reconstructed exactly, and every stream passes {@link StreamInvariants}. Chunkings are random but
 * seeded ({@link #SEEDS} per scenario, seeds reported on failure) and realistic: text and arguments split at random
 * code-point boundaries, an optional role-only first chunk and empty-content chunks, reasoning under either field
 * name, tool calls either one after another or with their fragments interleaved (each call still starting after
 * the one before it, as providers number them), several tool fragments per chunk at times, text before the calls or
 * after them (then held back), the finish reason alone or on the last content chunk, and an optional usage-only last
 * chunk.
 */
class RandomChunkingTest {

    private static final int SEEDS = 60;

    private static final String TEXT = "Grüße aus Zürich! 👋 The forecast: 23 °C, “sunny” — enjoy.\nLine two ✓.";
    private static final String REASONING = "The user greets in German; answer briefly, mention 🌤 weather.";

    record Call(String id, String name, String arguments) {}

    record Scenario(
            String name,
            String reasoning,
            String text,
            List<Call> calls,
            boolean interleave,
            boolean textAfterCalls,
            String finish) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> scenarios() {
        List<Call> calls = List.of(
                new Call("call_a1", "get_weather", "{\"location\":\"São Paulo\",\"unit\":\"celsius\"}"),
                new Call("call_b2", "get_weather", "{\"location\":\"Zürich\",\"note\":\"say \\\"hi\\\" 👋\"}"),
                new Call("call_c3", "get_time", "{\"tz\":\"Europe/Zurich\",\"format\":[\"HH\",\"mm\"]}"));
        return Stream.of(
                        new Scenario("text", null, TEXT, List.of(), false, false, "stop"),
                        new Scenario("reasoning then text", REASONING, TEXT, List.of(), false, false, "stop"),
                        new Scenario("text cut by length", null, TEXT, List.of(), false, false, "length"),
                        new Scenario(
                                "text then calls one after another", null, TEXT, calls, false, false, "tool_calls"),
                        new Scenario("calls interleaved", null, null, calls, true, false, "tool_calls"),
                        new Scenario(
                                "reasoning, text, interleaved calls",
                                REASONING,
                                TEXT,
                                calls,
                                true,
                                false,
                                "tool_calls"),
                        new Scenario(
                                "interleaved calls, then text cut by length", null, TEXT, calls, true, true, "length"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyChunkingGivesTheSameOutput(Scenario scenario) {
        CreateResponseRequest request = Fixtures.read(
                "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"stream\":true,\"tools\":["
                        + "{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}},"
                        + "{\"type\":\"function\",\"name\":\"get_time\",\"parameters\":{\"type\":\"object\"}}]}",
                CreateResponseRequest.class);
        List<Item> expected = expectedOutput(scenario);
        for (int seed = 0; seed < SEEDS; seed++) {
            List<ChatChunk> chunks = chunk(scenario, new Random(seed));
            String context = scenario.name() + ", seed " + seed + ", " + chunks.size() + " chunks";
            List<ResponseEvent> events = Fixtures.run(request, chunks, null);
            Response response;
            try {
                response = StreamInvariants.check(events);
            } catch (AssertionError e) {
                throw new AssertionError(context + ": " + e.getMessage(), e);
            }
            assertThat(Fixtures.tree(response.output()))
                    .as("output of %s", context)
                    .isEqualTo(Fixtures.tree(expected));
        }
    }

    /** The output every chunking must produce: items in order, ids as a fresh sequential generator gives them. */
    private static List<Item> expectedOutput(Scenario scenario) {
        List<Item> items = new ArrayList<>();
        int id = 0;
        if (scenario.reasoning() != null) {
            items.add(new Item.Reasoning(
                    "rs_" + ++id,
                    List.of(),
                    List.of(new ContentPart.ReasoningText(scenario.reasoning())),
                    null,
                    ItemStatus.COMPLETED,
                    Map.of()));
        }
        if (scenario.text() != null && !scenario.textAfterCalls()) {
            items.add(message("msg_" + ++id, scenario.text()));
        }
        for (Call call : scenario.calls()) {
            items.add(new Item.FunctionCall(
                    "fc_" + ++id, call.id(), call.name(), call.arguments(), ItemStatus.COMPLETED, Map.of()));
        }
        if (scenario.text() != null && scenario.textAfterCalls()) {
            // Text after a call is held back until the calls are done, then becomes the last item.
            items.add(message("msg_" + ++id, scenario.text()));
        }
        if (scenario.finish().equals("length")) {
            Item last = items.remove(items.size() - 1);
            Item.Message message = (Item.Message) last;
            items.add(new Item.Message(
                    message.id(), ItemStatus.INCOMPLETE, message.role(), message.content(), null, Map.of()));
        }
        return items;
    }

    private static Item.Message message(String id, String text) {
        return new Item.Message(
                id,
                ItemStatus.COMPLETED,
                MessageRole.ASSISTANT,
                List.of(new ContentPart.OutputText(text)),
                null,
                Map.of());
    }

    // ---- random chunking

    private static List<ChatChunk> chunk(Scenario scenario, Random random) {
        List<ChatDelta> deltas = new ArrayList<>();
        if (random.nextBoolean()) {
            deltas.add(
                    new ChatDelta("assistant", random.nextBoolean() ? "" : null, null, null, null, null, null, null));
        }
        if (scenario.reasoning() != null) {
            boolean deepSeek = random.nextBoolean();
            for (String piece : split(scenario.reasoning(), random)) {
                deltas.add(new ChatDelta(
                        null, null, null, null, null, deepSeek ? piece : null, deepSeek ? null : piece, null));
            }
        }
        List<ChatDelta> text = new ArrayList<>();
        if (scenario.text() != null) {
            for (String piece : split(scenario.text(), random)) {
                text.add(ChatDelta.ofContent(piece));
                if (random.nextInt(8) == 0) {
                    text.add(ChatDelta.ofContent(""));
                }
            }
        }
        if (scenario.textAfterCalls()) {
            deltas.addAll(toolDeltas(scenario, random));
            deltas.addAll(text);
        } else {
            deltas.addAll(text);
            deltas.addAll(toolDeltas(scenario, random));
        }

        List<ChatChunk> chunks = new ArrayList<>();
        boolean finishOnLast = !deltas.isEmpty() && random.nextBoolean();
        for (int i = 0; i < deltas.size(); i++) {
            String finish = finishOnLast && i == deltas.size() - 1 ? scenario.finish() : null;
            chunks.add(chunk(List.of(new ChunkChoice(0, deltas.get(i), finish))));
        }
        if (!finishOnLast) {
            chunks.add(chunk(List.of(new ChunkChoice(
                    0, new ChatDelta(null, null, null, null, null, null, null, null), scenario.finish()))));
        }
        if (random.nextBoolean()) {
            ChatChunk usage = new ChatChunk("chatcmpl-r", 1764079223L, "gpt-4o", List.of(), new ChatUsage(10, 20, 30));
            chunks.add(usage);
        }
        return chunks;
    }

    /** The tool call fragments, one per call fragment, some merged into one delta. */
    private static List<ChatDelta> toolDeltas(Scenario scenario, Random random) {
        List<List<ChatToolCallDelta>> perCall = new ArrayList<>();
        for (int index = 0; index < scenario.calls().size(); index++) {
            Call call = scenario.calls().get(index);
            List<ChatToolCallDelta> fragments = new ArrayList<>();
            List<String> pieces = split(call.arguments(), random);
            // OpenAI sends the name with empty arguments; others put the first piece with it.
            boolean nameAlone = random.nextBoolean();
            fragments.add(new ChatToolCallDelta(
                    index, call.id(), "function", new ChatFunctionCall(call.name(), nameAlone ? "" : pieces.get(0))));
            for (String piece : pieces.subList(nameAlone ? 0 : 1, pieces.size())) {
                fragments.add(new ChatToolCallDelta(index, null, null, new ChatFunctionCall(null, piece)));
            }
            perCall.add(fragments);
        }
        List<ChatToolCallDelta> order = new ArrayList<>();
        if (!scenario.interleave()) {
            perCall.forEach(order::addAll);
        } else {
            // A random merge that keeps each call's fragments in order and starts call k+1 after call k.
            int[] next = new int[perCall.size()];
            int started = 0;
            int left = perCall.stream().mapToInt(List::size).sum();
            while (left > 0) {
                List<Integer> choices = new ArrayList<>();
                for (int c = 0; c < started; c++) {
                    if (next[c] < perCall.get(c).size()) {
                        choices.add(c);
                    }
                }
                if (started < perCall.size()) {
                    choices.add(started);
                }
                int c = choices.get(random.nextInt(choices.size()));
                if (c == started) {
                    started++;
                }
                order.add(perCall.get(c).get(next[c]++));
                left--;
            }
        }
        List<ChatDelta> deltas = new ArrayList<>();
        int i = 0;
        while (i < order.size()) {
            int take = Math.min(order.size() - i, random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1);
            deltas.add(new ChatDelta(null, null, null, order.subList(i, i + take), null, null, null, null));
            i += take;
        }
        return deltas;
    }

    /** {@code text} split at random code-point boundaries into 1 to 12 non-empty pieces. */
    private static List<String> split(String text, Random random) {
        int[] codePoints = text.codePoints().toArray();
        int pieces = 1 + random.nextInt(Math.min(12, codePoints.length));
        List<Integer> cuts = new ArrayList<>();
        while (cuts.size() < pieces - 1) {
            int cut = 1 + random.nextInt(codePoints.length - 1);
            if (!cuts.contains(cut)) {
                cuts.add(cut);
            }
        }
        cuts.sort(null);
        List<String> result = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            result.add(new String(codePoints, from, cut - from));
            from = cut;
        }
        result.add(new String(codePoints, from, codePoints.length - from));
        return result;
    }

    private static ChatChunk chunk(List<ChunkChoice> choices) {
        return new ChatChunk("chatcmpl-r", 1764079223L, "gpt-4o", choices, null);
    }
}
