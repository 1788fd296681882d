package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.testing.SpecSchemas;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseAccumulatorTest {

    private static List<ResponseEvent> events(String name) {
        Throwable failure =
                name.equals("error-midstream") ? new IllegalStateException("unexpected end of stream") : null;
        return Fixtures.run(Fixtures.request(name), Fixtures.chunks(name), failure);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.orsgateway.transcoder.GoldenStreamTest#cases")
    void theFinalResponseIsTheTerminalEventsResponse(String name) {
        List<ResponseEvent> events = events(name);
        ResponseAccumulator accumulator = new ResponseAccumulator();
        for (ResponseEvent event : events) {
            assertThat(accumulator.accumulate(event)).isSameAs(event);
        }

        Response terminal = Fixtures.finalResponse(events);
        assertThat(accumulator.response()).containsSame(terminal);
        assertThat(accumulator.snapshot()).containsSame(terminal);
    }

    @Test
    void eventsAfterTheTerminalOneAreIgnored() {
        List<ResponseEvent> events = events("text-then-tool-call");
        ResponseAccumulator accumulator = new ResponseAccumulator();
        events.forEach(accumulator::accumulate);
        Response terminal = Fixtures.finalResponse(events);

        // A second stream's events, another terminal event included, change nothing.
        events("error-midstream").forEach(accumulator::accumulate);
        accumulator.accumulate(new ResponseEvent.Completed(
                99, terminal.toBuilder().output(List.of()).build()));

        assertThat(accumulator.response()).containsSame(terminal);
        assertThat(accumulator.snapshot()).containsSame(terminal);
    }

    @Test
    void beforeAnyEventThereIsNothing() {
        ResponseAccumulator accumulator = new ResponseAccumulator();
        assertThat(accumulator.response()).isEmpty();
        assertThat(accumulator.snapshot()).isEmpty();
    }

    @Test
    void theSnapshotBeforeTheTerminalEventHasTheItemsFinishedSoFar() {
        List<ResponseEvent> events = events("text-then-tool-call");
        Response terminal = Fixtures.finalResponse(events);
        ResponseAccumulator accumulator = new ResponseAccumulator();
        int itemsDone = 0;
        for (ResponseEvent event : events.subList(0, events.size() - 1)) {
            accumulator.accumulate(event);
            if (event instanceof ResponseEvent.OutputItemDone) {
                itemsDone++;
            }
            assertThat(accumulator.response())
                    .as("no final response before the terminal event")
                    .isEmpty();
            Response snapshot = accumulator.snapshot().orElseThrow();
            assertThat(snapshot.status()).isEqualTo(ResponseStatus.IN_PROGRESS);
            assertThat(snapshot.completedAt()).isNull();
            assertThat(snapshot.output()).isEqualTo(terminal.output().subList(0, itemsDone));
            SpecSchemas.assertValidResponse(snapshot);
        }
        assertThat(itemsDone).isEqualTo(2);
    }

    @Test
    void theSnapshotOfAFailedStreamIsTheFailedResponse() {
        List<ResponseEvent> events = events("error-midstream");
        ResponseAccumulator accumulator = new ResponseAccumulator();
        events.forEach(accumulator::accumulate);

        Response failed = accumulator.response().orElseThrow();
        assertThat(failed.status()).isEqualTo(ResponseStatus.FAILED);
        assertThat(failed.output()).hasSize(1);
        assertThat(((Item.Message) failed.output().get(0)).text()).isEqualTo("Step one: preheat");
        assertThat(((Item.Message) failed.output().get(0)).status()).isEqualTo("incomplete");
    }

    @Test
    void unknownEventsAreIgnored() {
        List<ResponseEvent> events = events("plain-text");
        ResponseAccumulator accumulator = new ResponseAccumulator();
        accumulator.accumulate(events.get(0));
        ResponseEvent unknown =
                Fixtures.read("{\"type\":\"acme:progress\",\"sequence_number\":1,\"percent\":50}", ResponseEvent.class);
        assertThat(unknown).isInstanceOf(ResponseEvent.Unknown.class);
        accumulator.accumulate(unknown);

        assertThat(accumulator.snapshot()).contains(((ResponseEvent.Lifecycle) events.get(0)).response());
    }
}
