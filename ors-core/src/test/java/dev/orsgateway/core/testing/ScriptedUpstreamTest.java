package dev.orsgateway.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.testing.flow.Publishers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScriptedUpstreamTest {
    private static final ChatCompletionRequest REQUEST =
            ChatCompletionRequest.builder().model("m").messages(List.of(ChatMessage.user("hi"))).stream(true)
                    .build();

    @Test
    void streamsTextAndRecordsTheRequestOnSubscribe() throws Exception {
        ScriptedUpstream upstream = new ScriptedUpstream();
        ScriptedUpstream.Script script = upstream.enqueueText("Hel", "lo");

        Flow.Publisher<ChatChunk> publisher = upstream.stream(REQUEST);
        assertThat(upstream.requestCount()).isZero();
        List<ChatChunk> chunks = Publishers.collect(publisher).get(5, TimeUnit.SECONDS);

        assertThat(upstream.requests()).containsExactly(REQUEST);
        assertThat(chunks).hasSize(5);
        assertThat(script.delivered()).isEqualTo(5);
        assertThat(chunks.get(1).choices().get(0).delta().content()).isEqualTo("Hel");
    }

    @Test
    void completesTextWithTheDeltasJoined() {
        ScriptedUpstream upstream = new ScriptedUpstream();
        upstream.enqueueText("Hel", "lo");

        var completion = upstream.complete(REQUEST).join();

        assertThat(completion.choices().get(0).message().content()).isEqualTo(ChatContent.of("Hello"));
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void failsBeforeTheFirstChunkWithTheGivenStatus() {
        ScriptedUpstream upstream = new ScriptedUpstream();
        upstream.enqueueFailure(429, OrsException.TOO_MANY_REQUESTS, "rate_limit_exceeded", "slow down");

        assertThatThrownBy(() -> Publishers.collect(upstream.stream(REQUEST)).join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.httpStatus()).isEqualTo(429));
    }

    @Test
    void failsAfterTheScriptedChunks() {
        ScriptedUpstream upstream = new ScriptedUpstream();
        upstream.enqueueFailureAfter(ScriptedUpstream.partialTextChunks("a"), new IllegalStateException("boom"));
        List<Object> signals = new ArrayList<>();

        upstream.stream(REQUEST).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ChatChunk item) {
                signals.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                signals.add(throwable.getMessage());
            }

            @Override
            public void onComplete() {
                signals.add("complete");
            }
        });

        assertThat(signals).hasSize(3).last().isEqualTo("boom");
    }

    @Test
    void stallsUntilCancelledAndRecordsTheCancel() throws Exception {
        ScriptedUpstream upstream = new ScriptedUpstream();
        ScriptedUpstream.Script script = upstream.enqueueStallAfter(ScriptedUpstream.partialTextChunks("a"));
        List<Flow.Subscription> subscriptions = new ArrayList<>();
        List<Object> signals = new ArrayList<>();

        upstream.stream(REQUEST).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriptions.add(subscription);
                subscription.request(10);
            }

            @Override
            public void onNext(ChatChunk item) {
                signals.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                signals.add(throwable);
            }

            @Override
            public void onComplete() {
                signals.add("complete");
            }
        });

        assertThat(signals).hasSize(2);
        assertThat(script.cancelled()).isFalse();
        subscriptions.get(0).cancel();
        assertThat(script.awaitCancelled(Duration.ofSeconds(1))).isTrue();
        assertThat(signals).hasSize(2);
    }

    @Test
    void withoutAScriptACallFails() {
        ScriptedUpstream upstream = new ScriptedUpstream();

        assertThatThrownBy(() -> upstream.complete(REQUEST).join()).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(upstream.requestCount()).isEqualTo(1);
    }
}
