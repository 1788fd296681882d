package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.testing.SpecSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden event sequences: each case feeds {@code streams/<case>.jsonl} (one chat chunk per line, as the provider
 * named in the case sends it) with the request {@code streams/<case>.request.json} through a
 * {@link StreamTranscoder} (sequential ids, fixed clock) and compares the events, as JSON trees, with
 * {@code streams/golden/<case>.events.jsonl} (one event per line, exactly as {@link OrsJson} writes it). Every case
 * also passes {@link StreamInvariants}.
 *
 * <p>To regenerate the goldens after a deliberate change, run with {@code -Dgoldens.update=true} (e.g.
 * {@code ./mvnw -pl ors-transcoder -am verify -Dgoldens.update=true -Dtest=GoldenStreamTest
 * -Dsurefire.failIfNoSpecifiedTests=false}), then read every changed line against spec §7.1 before committing:
 * a golden is only as good as its review.
 */
class GoldenStreamTest {

    private static final boolean UPDATE = Boolean.getBoolean("goldens.update");

    /** Cases whose upstream fails (Flow {@code onError}) after their chunks instead of completing. */
    private static final Map<String, Throwable> FAILURES =
            Map.of("error-midstream", new IOException("unexpected end of stream"));

    static Stream<String> cases() {
        return Stream.of(
                "plain-text",
                "empty-content",
                "role-only-first-chunk",
                "usage-only-last-chunk",
                "tool-call-split-arguments",
                "tool-calls-sequential",
                "tool-calls-interleaved",
                "text-then-tool-call",
                "tool-call-then-text",
                "reasoning-deepseek",
                "reasoning-openrouter",
                "refusal",
                "finish-length",
                "content-filter",
                "error-midstream",
                "error-in-chunk",
                "ollama-tool-calls-no-index",
                "tool-call-not-allowed",
                "tool-choice-none",
                "max-tool-calls",
                "custom-tool-call",
                "namespaced-function-call",
                "built-in-calls",
                "built-in-call-bad-arguments");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGolden(String name) {
        List<ResponseEvent> events = Fixtures.run(Fixtures.request(name), Fixtures.chunks(name), FAILURES.get(name));
        StringBuilder written = new StringBuilder();
        for (ResponseEvent event : events) {
            written.append(OrsJson.write(event)).append('\n');
        }
        Path golden = Fixtures.sourceResource("streams/golden/" + name + ".events.jsonl");
        if (UPDATE) {
            // Written before the invariants are checked, so that a failing stream can be inspected too.
            Fixtures.writeFile(golden, written.toString());
        }
        StreamInvariants.check(events);
        assertThat(Files.exists(golden))
                .as("%s is missing; run with -Dgoldens.update=true and review it", golden)
                .isTrue();
        List<JsonNode> expected = lines(Fixtures.readFile(golden));
        List<JsonNode> actual = lines(written.toString());
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                fail(
                        "event %d of %s differs from the golden%n expected: %s%n   actual: %s",
                        i, name, expected.get(i), actual.get(i));
            }
        }
        assertThat(actual.size()).as("number of events of %s", name).isEqualTo(expected.size());
        // The golden itself must be valid, line by line, so a bad review cannot let an invalid event in.
        expected.forEach(SpecSchemas::assertValidEvent);
    }

    @Test
    void everyStreamHasACaseAndEveryGoldenAStream() throws IOException {
        Set<String> cases = cases().collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(Fixtures.sourceResource("streams"))) {
            assertThat(files.map(p -> p.getFileName().toString())
                            .filter(f -> f.endsWith(".jsonl"))
                            .map(f -> f.substring(0, f.length() - ".jsonl".length())))
                    .containsExactlyInAnyOrderElementsOf(cases);
        }
        try (Stream<Path> files = Files.list(Fixtures.sourceResource("streams/golden"))) {
            assertThat(files.map(p -> p.getFileName().toString())
                            .map(f -> f.substring(0, f.length() - ".events.jsonl".length())))
                    .containsExactlyInAnyOrderElementsOf(cases);
        }
    }

    private static List<JsonNode> lines(String text) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isBlank()) {
                nodes.add(SpecSchemas.json(line));
            }
        }
        return nodes;
    }
}
