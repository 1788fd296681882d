package dev.orsgateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.OrsGateway;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.routing.RetryPolicy;
import dev.orsgateway.core.routing.Route;
import dev.orsgateway.core.routing.Router;
import dev.orsgateway.core.spi.ResponseObserver;
import dev.orsgateway.core.testing.ScriptedUpstream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a {@link ResponseObserver} is told of each response, in order, and that its failures change nothing. */
@Timeout(30)
class ObserverTest {
    private final ScriptedUpstream a = new ScriptedUpstream();
    private final ScriptedUpstream b = new ScriptedUpstream();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private final ResponseObserver recording = start -> {
        seen.add("start " + start.model() + (start.streaming() ? " stream" : " json"));
        return new ResponseObserver.Watch() {
            @Override
            public void attempt(String upstream) {
                seen.add("attempt " + upstream);
            }

            @Override
            public void attemptFailed(String upstream, Throwable error) {
                seen.add("failed " + upstream + " " + ((OrsException) error).httpStatus());
            }

            @Override
            public void firstOutput() {
                seen.add("first output");
            }

            @Override
            public void storing() {
                seen.add("storing");
            }

            @Override
            public void stored(long nanos, Throwable error) {
                seen.add(error == null && nanos >= 0 ? "stored" : "not stored");
            }

            @Override
            public void end(Response response, Throwable error) {
                seen.add(
                        response != null
                                ? "end " + response.status()
                                : error != null ? "end error " + ((OrsException) error).httpStatus() : "end cancelled");
            }
        };
    };

    private OrsGateway gateway(ResponseObserver observer, Route route) {
        return OrsGateway.builder()
                .router(Router.builder()
                        .upstream("a", a)
                        .upstream("b", b)
                        .route(route)
                        .retry(new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10)))
                        .build())
                .transcoder(new GatewayTest.EchoTranscoder())
                .idGenerator(IdGenerator.sequential())
                .observer(observer)
                .build();
    }

    private static CreateResponseRequest request() {
        return CreateResponseRequest.builder().model("m").input("hi").build();
    }

    private static void stream(OrsGateway gateway) {
        RoutingTest.Events events = new RoutingTest.Events();
        gateway.respond(request()).subscribe(events);
        events.done.join();
    }

    @Test
    void aStreamThatFellBackIsSeenAttemptByAttemptToItsEnd() {
        OrsGateway gateway =
                gateway(recording, Route.forModel("m").to("a").to("b").build());
        a.enqueueFailure(503, "server_error", "upstream_error", "down");
        b.enqueueText("hello");

        stream(gateway);

        assertThat(seen)
                .containsExactly(
                        "start m stream",
                        "attempt a",
                        "failed a 503",
                        "attempt b",
                        "first output",
                        "storing",
                        "stored",
                        "end completed");
    }

    @Test
    void aDirectCallThatFailsBeforeOutputIsItsOwnLastFailedAttempt() {
        OrsGateway gateway = gateway(recording, Route.forModel("m").to("a").build());
        a.enqueueFailure(429, "too_many_requests", "rate_limited", "slow down");

        assertThatThrownBy(() -> stream(gateway)).hasCauseInstanceOf(OrsException.class);

        assertThat(seen).containsExactly("start m stream", "attempt a", "failed a 429", "end error 429");
    }

    @Test
    void aCancelledStreamEndsCancelled() throws Exception {
        OrsGateway gateway = gateway(recording, Route.forModel("m").to("a").build());
        ScriptedUpstream.Script held = a.enqueueStallAfter(ScriptedUpstream.partialTextChunks("part"));
        RoutingTest.Events events = new RoutingTest.Events();
        gateway.respond(request()).subscribe(events);
        assertThat(held.awaitSubscribed(Duration.ofSeconds(5))).isTrue();

        events.subscription().cancel();

        assertThat(held.awaitCancelled(Duration.ofSeconds(5))).isTrue();
        assertThat(seen).containsExactly("start m stream", "attempt a", "first output", "end cancelled");
    }

    @Test
    void aWholeAnswerIsSeenToo() {
        OrsGateway gateway = gateway(recording, Route.forModel("m").to("a").build());
        a.enqueueCompletion(a.completion("whole"));

        gateway.complete(request()).join();

        assertThat(seen)
                .containsExactly("start m json", "attempt a", "first output", "storing", "stored", "end completed");
    }

    @Test
    void anObserverThatThrowsChangesNothing() {
        ResponseObserver broken = start -> new ResponseObserver.Watch() {
            @Override
            public void firstOutput() {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void end(Response response, Throwable error) {
                throw new IllegalStateException("observer bug");
            }
        };
        OrsGateway gateway = gateway(broken, Route.forModel("m").to("a").build());
        a.enqueueText("still", " fine");
        RoutingTest.Events events = new RoutingTest.Events();

        gateway.respond(request()).subscribe(events);
        events.done.join();

        assertThat(events.types()).last().isEqualTo("response.completed");
        assertThat(gateway.responsesInProgress()).isZero();
    }

    @Test
    void aCallsOwnWatchIsToldTheSameCourseBesideTheObserver() {
        OrsGateway gateway =
                gateway(recording, Route.forModel("m").to("a").to("b").build());
        a.enqueueFailure(503, "server_error", "upstream_error", "down");
        a.enqueueFailure(503, "server_error", "upstream_error", "down");
        b.enqueueText("hello");
        b.enqueueCompletion(b.completion("whole"));
        List<String> call = new CopyOnWriteArrayList<>();
        ResponseObserver.Watch callWatch = recording.start(new ResponseObserver.Start("x", "call", true));
        seen.clear();
        ResponseObserver.Watch own = new ResponseObserver.Watch() {
            @Override
            public void attempt(String upstream) {
                call.add("attempt " + upstream);
                callWatch.attempt(upstream);
            }

            @Override
            public void storing() {
                call.add("storing");
            }

            @Override
            public void end(Response response, Throwable error) {
                call.add("end " + response.status());
            }
        };

        RoutingTest.Events events = new RoutingTest.Events();
        gateway.respond(request(), "owner-1", null, own).subscribe(events);
        events.done.join();
        gateway.complete(request(), "owner-1", own).join();

        assertThat(call)
                .containsExactly(
                        "attempt a",
                        "attempt b",
                        "storing",
                        "end completed",
                        "attempt a",
                        "attempt b",
                        "storing",
                        "end completed");
        assertThat(seen).filteredOn(line -> line.startsWith("start")).containsExactly("start m stream", "start m json");
    }

    @Test
    void aCallsWatchThatThrowsChangesNothing() {
        OrsGateway gateway = gateway(recording, Route.forModel("m").to("a").build());
        a.enqueueText("still", " fine");
        ResponseObserver.Watch broken = new ResponseObserver.Watch() {
            @Override
            public void attempt(String upstream) {
                throw new IllegalStateException("watch bug");
            }

            @Override
            public void end(Response response, Throwable error) {
                throw new IllegalStateException("watch bug");
            }
        };
        RoutingTest.Events events = new RoutingTest.Events();

        gateway.respond(request(), null, null, broken).subscribe(events);
        events.done.join();

        assertThat(events.types()).last().isEqualTo("response.completed");
        assertThat(seen).contains("attempt a", "end completed");
        assertThat(gateway.responsesInProgress()).isZero();
    }
}
