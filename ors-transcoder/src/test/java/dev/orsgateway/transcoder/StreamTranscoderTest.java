package dev.orsgateway.transcoder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviours of {@link StreamTranscoder} that the goldens do not show. */
class StreamTranscoderTest {

    private static ChatChunk chunk(String json) {
        return Fixtures.read(json, ChatChunk.class);
    }

    private static ChatChunk text(String text) {
        return chunk("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + Fixtures.tree(text)
                + "},\"finish_reason\":null}]}");
    }

    @Test
    void textAfterAFinishedToolCallStreamsLiveButWaitsWhileArgumentsAreIncomplete() {
        CreateResponseRequest request = Fixtures.request("tool-call-then-text");
        List<ChatChunk> chunks = Fixtures.chunks("tool-call-then-text");
        StreamTranscoder transcoder = Fixtures.transcoder(request);
        List<ResponseEvent> events = new ArrayList<>();
        int firstText = -1;
        for (int i = 0; i < chunks.size(); i++) {
            List<ResponseEvent> caused = transcoder.onChunk(chunks.get(i));
            if (firstText < 0 && caused.stream().anyMatch(ResponseEvent.OutputTextDelta.class::isInstance)) {
                firstText = i;
            }
            events.addAll(caused);
        }
        events.addAll(transcoder.onComplete());
        // The call's arguments were complete JSON when the text began, so the text came with its own chunk.
        assertThat(chunks.get(firstText).choices().get(0).delta().content()).isNotEmpty();
        StreamInvariants.check(events);

        // The same text while the arguments are still open JSON waits for the end, and nothing interleaves.
        StreamTranscoder waiting = Fixtures.transcoder(request);
        List<ResponseEvent> early = new ArrayList<>();
        early.addAll(waiting.onChunk(chunk("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                + "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"location\\\":\"}}]}}]}")));
        early.addAll(waiting.onChunk(text("Checking")));
        assertThat(early).noneMatch(ResponseEvent.OutputTextDelta.class::isInstance);
        early.addAll(waiting.onChunk(chunk("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                + "[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}")));
        early.addAll(waiting.onComplete());
        Response response = StreamInvariants.check(early);
        assertThat(response.output()).hasSize(2);
        assertThat(((Item.FunctionCall) response.output().get(0)).arguments()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(((Item.Message) response.output().get(1)).text()).isEqualTo("Checking");
    }

    @Test
    void aChunkWithoutChoicesIsHarmless() {
        // Some providers send keep-alive or vendor-only chunks with no choices field at all.
        StreamTranscoder transcoder = Fixtures.transcoder(Fixtures.simpleRequest());
        List<ResponseEvent> events = new ArrayList<>(transcoder.onChunk(text("Hi")));
        events.addAll(transcoder.onChunk(chunk("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1}")));
        events.addAll(transcoder.onChunk(
                chunk("{\"id\":\"c\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}")));
        events.addAll(transcoder.onComplete());

        Response response = StreamInvariants.check(events);
        assertThat(((Item.Message) response.output().get(0)).text()).isEqualTo("Hi");
        assertThat(response.usage().totalTokens()).isEqualTo(4);
    }

    @Test
    void anErrorBeforeAnyChunkGivesCreatedInProgressErrorFailed() {
        StreamTranscoder transcoder = Fixtures.transcoder(Fixtures.simpleRequest());
        List<ResponseEvent> events = transcoder.onError(new IOException("connection refused"));

        assertThat(events)
                .extracting(ResponseEvent::type)
                .containsExactly("response.created", "response.in_progress", "error", "response.failed");
        Response failed = StreamInvariants.check(events);
        assertThat(failed.output()).isEmpty();
        assertThat(failed.completedAt()).isNull();
        assertThat(failed.error().code()).isEqualTo("server_error");
    }

    @Test
    void aFailureDeliversCallsThatWereWaitingAndMarksOnlyTheLastIncomplete() {
        CreateResponseRequest request = Fixtures.request("tool-calls-interleaved");
        List<ChatChunk> chunks = Fixtures.chunks("tool-calls-interleaved");
        // Everything up to the finish chunk: call 0 streams live, call 1 waits; then the connection drops.
        List<ResponseEvent> events = Fixtures.run(
                request, chunks.subList(0, chunks.size() - 1), new IOException("unexpected end of stream"));

        Response failed = StreamInvariants.check(events);
        assertThat(failed.status()).isEqualTo(ResponseStatus.FAILED);
        assertThat(failed.output()).hasSize(2);
        Item.FunctionCall first = (Item.FunctionCall) failed.output().get(0);
        Item.FunctionCall second = (Item.FunctionCall) failed.output().get(1);
        assertThat(first.arguments()).isEqualTo("{\"location\":\"Oslo\"}");
        assertThat(first.status()).isEqualTo("completed");
        assertThat(second.arguments()).isEqualTo("{\"location\":\"Lima\"}");
        assertThat(second.status()).isEqualTo("incomplete");
    }

    @Test
    void aFailureDeliversTextThatWasHeldBack() {
        CreateResponseRequest request = Fixtures.request("tool-call-then-text");
        List<ChatChunk> chunks = Fixtures.chunks("tool-call-then-text");
        List<ResponseEvent> events =
                Fixtures.run(request, chunks.subList(0, chunks.size() - 1), new IOException("reset"));

        Response failed = StreamInvariants.check(events);
        assertThat(failed.output()).hasSize(2);
        assertThat(((Item.Message) failed.output().get(1)).text()).isEqualTo("Checking Rome now.");
        assertThat(((Item.Message) failed.output().get(1)).status()).isEqualTo("incomplete");
    }

    @Test
    void nothingFollowsTheTerminalEvent() {
        StreamTranscoder transcoder = Fixtures.transcoder(Fixtures.simpleRequest());
        transcoder.onChunk(text("Hi"));
        assertThat(transcoder.isFinished()).isFalse();
        assertThat(transcoder.onComplete()).isNotEmpty();
        assertThat(transcoder.isFinished()).isTrue();

        assertThat(transcoder.onChunk(text("more"))).isEmpty();
        assertThat(transcoder.onComplete()).isEmpty();
        assertThat(transcoder.onError(new IOException("late"))).isEmpty();
    }

    @Test
    void anInChunkErrorEndsTheStreamAndLaterChunksAreIgnored() {
        StreamTranscoder transcoder = Fixtures.transcoder(Fixtures.simpleRequest());
        List<ResponseEvent> events = new ArrayList<>(transcoder.onChunk(text("Hi")));
        events.addAll(
                transcoder.onChunk(
                        chunk(
                                "{\"id\":\"c\",\"error\":\"model overloaded\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}]}")));
        assertThat(transcoder.isFinished()).isTrue();
        assertThat(transcoder.onChunk(text("late"))).isEmpty();
        assertThat(transcoder.onComplete()).isEmpty();

        Response failed = StreamInvariants.check(events);
        assertThat(failed.error().message()).isEqualTo("model overloaded");
        assertThat(failed.error().code()).isEqualTo("upstream_error");
    }

    @Test
    void aStreamWithoutFinishReasonCompletes() {
        List<ChatChunk> chunks = Fixtures.chunks("plain-text");
        Response response = StreamInvariants.check(
                Fixtures.run(Fixtures.simpleRequest(), chunks.subList(0, chunks.size() - 1), null));
        assertThat(response.status()).isEqualTo(ResponseStatus.COMPLETED);
    }

    @Test
    void logprobsArePassedThroughWhenAskedFor() {
        CreateResponseRequest request = Fixtures.read(
                "{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\",\"stream\":true,"
                        + "\"include\":[\"message.output_text.logprobs\"],\"top_logprobs\":1}",
                CreateResponseRequest.class);
        String logprobs = "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.01,\"bytes\":[72,105],"
                + "\"top_logprobs\":[{\"token\":\"Hi\",\"logprob\":-0.01,\"bytes\":[72,105]}]}],\"refusal\":null}";
        List<ChatChunk> chunks = List.of(
                chunk("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}"),
                chunk("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":" + logprobs
                        + ",\"finish_reason\":null}]}"),
                chunk(
                        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}"));

        List<ResponseEvent> events = Fixtures.run(request, chunks, null);
        Response response = StreamInvariants.check(events);

        JsonNode expected =
                Fixtures.tree(Fixtures.read(logprobs, JsonNode.class).get("content"));
        ResponseEvent.OutputTextDelta delta = events.stream()
                .filter(ResponseEvent.OutputTextDelta.class::isInstance)
                .map(ResponseEvent.OutputTextDelta.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(Fixtures.tree(delta.logprobs())).isEqualTo(expected);
        ResponseEvent.OutputTextDone done = events.stream()
                .filter(ResponseEvent.OutputTextDone.class::isInstance)
                .map(ResponseEvent.OutputTextDone.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(Fixtures.tree(done.logprobs())).isEqualTo(expected);
        JsonNode part = Fixtures.tree(response.output().get(0)).get("content").get(0);
        assertThat(part.get("logprobs")).isEqualTo(expected);
    }
}
