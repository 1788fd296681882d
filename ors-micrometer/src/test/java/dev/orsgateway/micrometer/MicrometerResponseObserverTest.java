package dev.orsgateway.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseError;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.model.Usage;
import dev.orsgateway.core.spi.ResponseObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerResponseObserverTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final MicrometerResponseObserver observer = MicrometerResponseObserver.builder(meters)
            .observationRegistry(observations)
            .maxModels(2)
            .build();

    private static Response completed(int in, int out) {
        return Response.builder()
                .id("resp_1")
                .status(ResponseStatus.COMPLETED)
                .usage(Usage.of(in, out))
                .build();
    }

    @Test
    void aResponseThatFellBackCountsItsFailedAttemptItsTokensAndItsTimes() {
        ResponseObserver.Watch watch = observer.start(new ResponseObserver.Start("resp_1", "gpt-4o", true));
        assertThat(meters.get("ors.responses.open").gauge().value()).isEqualTo(1.0);
        watch.attempt("openai");
        watch.attemptFailed(
                "openai", new OrsException(new ErrorPayload("server_error", "upstream_error", "down", null), 503));
        watch.attempt("ollama");
        watch.firstOutput();
        watch.storing();
        watch.stored(2_000_000, null);
        watch.end(completed(12, 30), null);

        assertThat(meters.get("ors.responses")
                        .tags(
                                "model",
                                "gpt-4o",
                                "upstream",
                                "ollama",
                                "status",
                                "completed",
                                "stream",
                                "true",
                                "error",
                                "none")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(meters.get("ors.upstream.errors")
                        .tags("upstream", "openai", "kind", "upstream_error")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(meters.get("ors.tokens").tags("direction", "input").counter().count())
                .isEqualTo(12.0);
        assertThat(meters.get("ors.tokens")
                        .tags("direction", "output")
                        .counter()
                        .count())
                .isEqualTo(30.0);
        assertThat(meters.get("ors.response.ttft")
                        .tags("upstream", "ollama")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("ors.response.output.token.time").timer().count()).isEqualTo(1);
        assertThat(meters.get("ors.store.duration")
                        .tags("outcome", "stored")
                        .timer()
                        .totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(2.0);
        assertThat(meters.get("ors.responses.open").gauge().value()).isZero();

        assertThat(observations)
                .hasObservationWithNameEqualTo("ors.response")
                .that()
                .hasLowCardinalityKeyValue("model", "gpt-4o")
                .hasLowCardinalityKeyValue("upstream", "ollama")
                .hasLowCardinalityKeyValue("status", "completed")
                .hasHighCardinalityKeyValue("response.id", "resp_1")
                .hasBeenStopped();
        assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo("ors.upstream.attempt", 2)
                .hasAnObservation(attempt -> attempt.hasLowCardinalityKeyValue("upstream", "openai")
                        .hasHighCardinalityKeyValue("response.id", "resp_1")
                        .hasError())
                .hasAnObservation(attempt ->
                        attempt.hasLowCardinalityKeyValue("upstream", "ollama").doesNotHaveError());
        assertThat(observations)
                .hasObservationWithNameEqualTo("ors.store")
                .that()
                .hasHighCardinalityKeyValue("response.id", "resp_1")
                .hasParentObservationContextMatching(parent -> parent.getName().equals("ors.response"))
                .doesNotHaveError()
                .hasBeenStopped();
    }

    @Test
    void failuresCancelsAndFailedResponsesAreToldApart() {
        ResponseObserver.Watch error = observer.start(new ResponseObserver.Start("resp_2", "m", false));
        error.attempt("a");
        error.end(null, OrsException.tooManyRequests("rate_limited", "slow down", java.time.Duration.ofSeconds(1)));
        ResponseObserver.Watch cancelled = observer.start(new ResponseObserver.Start("resp_3", "m", true));
        cancelled.attempt("a");
        cancelled.end(null, null);
        ResponseObserver.Watch failed = observer.start(new ResponseObserver.Start("resp_4", "m", true));
        failed.attempt("a");
        failed.firstOutput();
        failed.end(
                Response.builder()
                        .id("resp_4")
                        .status(ResponseStatus.FAILED)
                        .error(new ResponseError("upstream_stream_truncated", "broke"))
                        .build(),
                null);

        assertThat(meters.get("ors.responses")
                        .tags("status", "error", "error", "rate_limited")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(meters.get("ors.responses")
                        .tags("status", "cancelled")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(meters.get("ors.responses")
                        .tags("status", "failed", "error", "upstream_stream_truncated")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(meters.get("ors.responses.open").gauge().value()).isZero();
    }

    @Test
    void modelNamesBeyondTheLimitShareOneTag() {
        for (String model : new String[] {"a", "b", "c", "d"}) {
            ResponseObserver.Watch watch = observer.start(new ResponseObserver.Start("r-" + model, model, true));
            watch.end(completed(1, 1), null);
        }

        assertThat(meters.find("ors.responses").tag("model", "a").counter()).isNotNull();
        assertThat(meters.find("ors.responses").tag("model", "b").counter()).isNotNull();
        assertThat(meters.find("ors.responses").tag("model", "c").counter()).isNull();
        assertThat(meters.get("ors.responses").tag("model", "other").counter().count())
                .isEqualTo(2.0);
    }
}
