package dev.orsgateway.micrometer;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.Usage;
import dev.orsgateway.core.spi.ResponseObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link ResponseObserver} that turns each response into Micrometer meters and, when given an
 * {@link ObservationRegistry}, into Observations (so a tracer such as OpenTelemetry's records spans).
 *
 * <p>Meters (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@code ors.responses} [{@code ors_responses_total}]: responses by {@code model}, {@code upstream},
 *       {@code stream}, {@code status} ({@code completed}, {@code incomplete}, {@code failed}, {@code error}: failed
 *       before any output, {@code cancelled}) and {@code error} (the error code, or {@code none});
 *   <li>{@code ors.response.duration}: from admission to the end, by {@code model}, {@code upstream}, {@code status};
 *   <li>{@code ors.response.ttft}: time to first token (first output), by {@code model}, {@code upstream}, with a
 *       percentile histogram;
 *   <li>{@code ors.response.output.token.time}: time per output token after the first output, by {@code model},
 *       {@code upstream}, with a percentile histogram;
 *   <li>{@code ors.tokens}: tokens by {@code model}, {@code upstream}, {@code direction} ({@code input},
 *       {@code output});
 *   <li>{@code ors.responses.open}: responses in progress;
 *   <li>{@code ors.upstream.errors}: failed upstream attempts by {@code upstream} and {@code kind} (the error code);
 *   <li>{@code ors.store.duration}: storing a response, by {@code outcome} ({@code stored}, {@code failed}).
 * </ul>
 *
 * <p>Observations: {@code ors.response} per response (low cardinality: {@code model}, {@code stream},
 * {@code upstream}, {@code status}; high cardinality: {@code response.id}), and within it {@code ors.upstream.attempt}
 * per upstream attempt ({@code upstream}, {@code response.id}), ended by the attempt's first output or failure, and {@code ors.store}
 * around storing the response ({@code response.id}).
 *
 * <p>Model names come from clients; to keep the number of series bounded, only the first {@code maxModels} distinct
 * names are tags of their own, later ones are {@code other}.
 */
public final class MicrometerResponseObserver implements ResponseObserver {
    /** The default of {@link Builder#maxModels}. */
    public static final int DEFAULT_MAX_MODELS = 100;

    private static final String OTHER = "other";
    private static final String UNKNOWN = "none";

    private final MeterRegistry meters;
    private final ObservationRegistry observations;
    private final int maxModels;
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();

    private MicrometerResponseObserver(Builder builder) {
        this.meters = builder.meters;
        this.observations = builder.observations;
        this.maxModels = builder.maxModels;
        Gauge.builder("ors.responses.open", open, AtomicInteger::get)
                .description("Responses in progress")
                .register(meters);
    }

    /** An observer recording into {@code meters}; add an {@link ObservationRegistry} for traces. */
    public static Builder builder(MeterRegistry meters) {
        return new Builder(meters);
    }

    @Override
    public Watch start(Start start) {
        open.incrementAndGet();
        return new ResponseWatch(start);
    }

    private String modelTag(String model) {
        if (model == null) {
            return UNKNOWN;
        }
        if (models.contains(model)) {
            return model;
        }
        if (models.size() < maxModels) {
            models.add(model);
            return model;
        }
        return OTHER;
    }

    private static String code(Throwable error) {
        if (error instanceof OrsException ors) {
            String code = ors.error().code() != null
                    ? ors.error().code()
                    : ors.error().type();
            return code != null ? code : Integer.toString(ors.httpStatus());
        }
        return error.getClass().getSimpleName();
    }

    /** One response's course. Its methods are called one after another, never at once. */
    private final class ResponseWatch implements Watch {
        private final long startNanos = System.nanoTime();
        private final String model;
        private final String stream;
        private final String responseId;
        private final Observation observation;
        private volatile String upstream = UNKNOWN;
        private volatile long firstOutputNanos;
        private volatile Observation attempt;
        private volatile Observation storing;

        ResponseWatch(Start start) {
            this.model = modelTag(start.model());
            this.stream = Boolean.toString(start.streaming());
            this.responseId = start.responseId();
            this.observation = observations.isNoop()
                    ? Observation.NOOP
                    : Observation.createNotStarted("ors.response", observations)
                            .contextualName("response " + model)
                            .lowCardinalityKeyValue("model", model)
                            .lowCardinalityKeyValue("stream", stream)
                            .highCardinalityKeyValue("response.id", start.responseId())
                            .start();
        }

        @Override
        public void attempt(String name) {
            upstream = name;
            if (!observations.isNoop()) {
                attempt = Observation.createNotStarted("ors.upstream.attempt", observations)
                        .contextualName("upstream " + name)
                        .parentObservation(observation)
                        .lowCardinalityKeyValue("upstream", name)
                        .lowCardinalityKeyValue("model", model)
                        .highCardinalityKeyValue("response.id", responseId)
                        .start();
            }
        }

        @Override
        public void attemptFailed(String name, Throwable error) {
            Counter.builder("ors.upstream.errors")
                    .description("Upstream attempts that failed before any output")
                    .tags("upstream", name, "kind", code(error))
                    .register(meters)
                    .increment();
            Observation current = attempt;
            if (current != null) {
                current.error(error);
                current.stop();
                attempt = null;
            }
        }

        @Override
        public void firstOutput() {
            firstOutputNanos = System.nanoTime();
            timer("ors.response.ttft", "Time to first token", true)
                    .record(firstOutputNanos - startNanos, TimeUnit.NANOSECONDS);
            stopAttempt();
        }

        @Override
        public void storing() {
            if (!observations.isNoop()) {
                storing = Observation.createNotStarted("ors.store", observations)
                        .contextualName("store response")
                        .parentObservation(observation)
                        .lowCardinalityKeyValue("operation", "save")
                        .highCardinalityKeyValue("response.id", responseId)
                        .start();
            }
        }

        @Override
        public void stored(long nanos, Throwable error) {
            Observation current = storing;
            if (current != null) {
                if (error != null) {
                    current.error(error);
                }
                current.stop();
                storing = null;
            }
            Timer.builder("ors.store.duration")
                    .description("Storing a response")
                    .tag("outcome", error == null ? "stored" : "failed")
                    .register(meters)
                    .record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void end(Response response, Throwable error) {
            open.decrementAndGet();
            long now = System.nanoTime();
            String status;
            String errorCode = UNKNOWN;
            if (response != null) {
                status = response.status() == null ? UNKNOWN : response.status();
                if (response.error() != null && response.error().code() != null) {
                    errorCode = response.error().code();
                }
            } else if (error != null) {
                status = "error";
                errorCode = code(error);
            } else {
                status = "cancelled";
            }
            Tags tags = Tags.of("model", model, "upstream", upstream, "status", status);
            Counter.builder("ors.responses")
                    .description("Responses by how they ended")
                    .tags(tags.and("stream", stream, "error", errorCode))
                    .register(meters)
                    .increment();
            Timer.builder("ors.response.duration")
                    .description("From admission to the end")
                    .tags(tags)
                    .register(meters)
                    .record(now - startNanos, TimeUnit.NANOSECONDS);
            Usage usage = response == null ? null : response.usage();
            if (usage != null) {
                tokens("input", usage.inputTokens());
                tokens("output", usage.outputTokens());
                if (firstOutputNanos != 0 && usage.outputTokens() > 1) {
                    // The first token's time is the TTFT; the rest came after it.
                    timer("ors.response.output.token.time", "Time per output token after the first", true)
                            .record(Duration.ofNanos((now - firstOutputNanos) / (usage.outputTokens() - 1)));
                }
            }
            stopAttempt();
            if (observation != Observation.NOOP) {
                observation.lowCardinalityKeyValue("upstream", upstream);
                observation.lowCardinalityKeyValue("status", status);
                if (error != null) {
                    observation.error(error);
                }
                observation.stop();
            }
        }

        private void tokens(String direction, long count) {
            if (count > 0) {
                Counter.builder("ors.tokens")
                        .description("Tokens in and out")
                        .tags("model", model, "upstream", upstream, "direction", direction)
                        .register(meters)
                        .increment(count);
            }
        }

        private Timer timer(String name, String description, boolean histogram) {
            return Timer.builder(name)
                    .description(description)
                    .tags("model", model, "upstream", upstream)
                    .publishPercentileHistogram(histogram)
                    .register(meters);
        }

        private void stopAttempt() {
            Observation current = attempt;
            if (current != null) {
                current.stop();
                attempt = null;
            }
        }
    }

    /** Builds a {@link MicrometerResponseObserver}. */
    public static final class Builder {
        private final MeterRegistry meters;
        private ObservationRegistry observations = ObservationRegistry.NOOP;
        private int maxModels = DEFAULT_MAX_MODELS;

        private Builder(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters, "meters");
        }

        /** Where Observations (traces) go; none by default. */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observations = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** How many distinct model names become tags ({@value #DEFAULT_MAX_MODELS} by default); later ones are {@code other}. */
        public Builder maxModels(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxModels must not be negative");
            }
            this.maxModels = max;
            return this;
        }

        /** The observer; it registers {@code ors.responses.open} at once. */
        public MicrometerResponseObserver build() {
            return new MicrometerResponseObserver(this);
        }
    }
}
