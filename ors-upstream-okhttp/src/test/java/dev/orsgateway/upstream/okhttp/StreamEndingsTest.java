package dev.orsgateway.upstream.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatChunk;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a stream ends: [DONE], a plain end after a finish_reason, truncation, and errors sent as events. */
@Timeout(60)
class StreamEndingsTest {

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private OkHttpChatCompletionsUpstream upstream;

    @BeforeEach
    void setUp() {
        upstream = Sse.upstream(server.url("/v1")).build();
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    @Test
    void streamWithoutDoneCompletesAfterAFinishReason() {
        String body = Fixtures.contentStream(3).replace("data: [DONE]\n\n", "");
        server.enqueue(Sse.response(body).build());

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        assertThat(chunks).hasSize(3);
        assertThat(chunks.get(2).choices().get(0).finishReason()).isEqualTo("stop");
    }

    @Test
    void doneWithoutTrailingBlankLineStillEndsNormallyAfterAFinishReason() {
        String body = Fixtures.contentStream(2).replace("data: [DONE]\n\n", "data: [DONE]");
        server.enqueue(Sse.response(body).build());

        assertThat(Sse.collect(upstream.stream(Fixtures.request()))).hasSize(2);
    }

    @Test
    void streamEndingWithoutDoneOrFinishReasonIsTruncated() {
        String body = Fixtures.contentEvent(0, null) + Fixtures.contentEvent(1, null);
        server.enqueue(Sse.response(body).build());
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();

        upstream.stream(Fixtures.request()).subscribe(subscriber);
        Throwable error = subscriber.awaitError();

        assertThat(subscriber.items()).as("chunks before the error").hasSize(2);
        assertThat(error).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.error().type()).isEqualTo(OrsException.SERVER_ERROR);
            assertThat(e.error().code()).isEqualTo("upstream_stream_truncated");
            assertThat(e.getMessage()).contains(upstream.describe()).contains("2 chunks");
        });
    }

    @Test
    void streamCutMidLineIsTruncated() {
        String body = Fixtures.contentEvent(0, null) + "data: {\"id\":\"chatcmpl-1\",\"choi";
        server.enqueue(Sse.response(body).build());

        OrsException error = Sse.failure(upstream.stream(Fixtures.request()));

        assertThat(error.error().code()).isEqualTo("upstream_stream_truncated");
    }

    @Test
    void socketClosedMidStreamIsTruncated() {
        server.enqueue(Sse.response(Fixtures.contentStream(40))
                .onResponseBody(new SocketEffect.CloseSocket())
                .build());
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();

        upstream.stream(Fixtures.request()).subscribe(subscriber);
        Throwable error = subscriber.awaitError();

        assertThat(subscriber.items()).hasSizeBetween(1, 39);
        assertThat(error).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.error().code()).isEqualTo("upstream_stream_truncated");
            assertThat(e.getCause()).isNotNull();
        });
    }

    @Test
    void socketClosedMidChunkedStreamIsTruncated() {
        String body = Fixtures.contentStream(40);
        server.enqueue(Sse.response(body)
                .chunkedBody(body, 64)
                .onResponseBody(new SocketEffect.CloseSocket())
                .build());

        OrsException error = Sse.failure(upstream.stream(Fixtures.request()));

        assertThat(error.error().code()).isEqualTo("upstream_stream_truncated");
    }

    @Test
    void doneEndsTheStreamAndLaterEventsAreNotDelivered() {
        String body = Fixtures.contentStream(2) + Fixtures.contentEvent(99, null) + Fixtures.contentEvent(100, "stop");
        server.enqueue(Sse.response(body).build());

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        assertThat(chunks).extracting(ChatChunk::id).containsExactly("chatcmpl-0000000000", "chatcmpl-0000000001");
    }

    @Test
    void openAiErrorObjectAsDataIsAnErrorWithTheProvidersMessage() {
        String body = Fixtures.contentEvent(0, null)
                + "data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry about"
                + " that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
        server.enqueue(Sse.response(body).build());

        OrsException error = Sse.failure(upstream.stream(Fixtures.request()));

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.error().type()).isEqualTo(OrsException.SERVER_ERROR);
        assertThat(error.error().code()).isEqualTo("upstream_error");
        assertThat(error.getMessage())
                .contains("The server had an error while processing your request. Sorry about that!")
                .contains(upstream.describe());
    }

    @Test
    void vllmErrorObjectWithAnHttpCodeKeepsThatStatus() {
        String body = "data: {\"error\":{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096"
                + " tokens. However, you requested 5000 tokens.\",\"type\":\"BadRequestError\",\"param\":null,"
                + "\"code\":400}}\n\n";
        server.enqueue(Sse.response(body).build());

        OrsException error = Sse.failure(upstream.stream(Fixtures.request()));

        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(error.getMessage())
                .isEqualTo("This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.");
    }

    @Test
    void errorEventIsAnError() {
        String body = Fixtures.contentEvent(0, null)
                + "event: error\ndata: {\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"}}\n\n";
        server.enqueue(Sse.response(body).build());

        OrsException error = Sse.failure(upstream.stream(Fixtures.request()));

        assertThat(error.getMessage()).contains("Overloaded");
        assertThat(error.error().code()).isEqualTo("upstream_error");
    }

    @Test
    void openRouterMidStreamErrorChunkIsPassedOnAsAChunk() {
        // OpenRouter's mid-stream error is a chunk (it has choices, with finish_reason "error"): the transcoder reads
        // it with ChatChunk.findError(), so it must arrive as data.
        String chunk = "{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1764079900,\"model\":"
                + "\"openai/gpt-4o\",\"error\":{\"code\":502,\"message\":\"Provider returned error\"},\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}";
        server.enqueue(Sse.response("data: " + chunk + "\n\ndata: [DONE]\n\n").build());

        List<ChatChunk> chunks = Sse.collect(upstream.stream(Fixtures.request()));

        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).findError())
                .hasValueSatisfying(e -> assertThat(e.message()).isEqualTo("Provider returned error"));
    }

    @Test
    void nonJsonDataIsABadResponse() {
        server.enqueue(Sse.response(Fixtures.contentEvent(0, null) + "data: this is not json\n\n")
                .build());

        OrsException error = Sse.failure(upstream.stream(Fixtures.request()));

        assertThat(error.httpStatus()).isEqualTo(502);
        assertThat(error.error().code()).isEqualTo("upstream_bad_response");
        assertThat(error.getMessage()).contains("this is not json");
    }

    @Test
    void jsonThatIsNotAnObjectIsABadResponse() {
        server.enqueue(Sse.response("data: [1,2,3]\n\n").build());

        OrsException error = Sse.failure(upstream.stream(Fixtures.request()));

        assertThat(error.error().code()).isEqualTo("upstream_bad_response");
    }

    @Test
    void emptyDataFieldsAreSkipped() {
        String body = "data:\n\n" + Fixtures.contentEvent(0, null) + "data: \n\n" + Fixtures.contentEvent(1, "stop")
                + "data: [DONE]\n\n";
        server.enqueue(Sse.response(body).build());

        assertThat(Sse.collect(upstream.stream(Fixtures.request()))).hasSize(2);
    }

    @Test
    void unknownFieldLinesAreIgnoredSoALlamaCppErrorLineEndsAsTruncated() {
        // llama.cpp has sent failures as a bare "error: {...}" line, which is no SSE field: okhttp-sse skips it, and
        // the stream then ends without a finish_reason.
        String body = Fixtures.contentEvent(0, null)
                + "error: {\"code\":500,\"message\":\"context shift is disabled\",\"type\":\"server_error\"}\n\n";
        server.enqueue(Sse.response(body).build());

        OrsException error = Sse.failure(upstream.stream(Fixtures.request()));

        assertThat(error.error().code()).isEqualTo("upstream_stream_truncated");
    }

    @Test
    void bareCarriageReturnAtTheEndOfTheBodyDoesNotHang() {
        // okhttp-sse alone spins forever on this body; LineFeedSource keeps it from doing so.
        server.enqueue(Sse.response(Fixtures.contentEvent(0, "stop").replace("\n", "\r"))
                .build());

        assertThat(Sse.collect(upstream.stream(Fixtures.request()))).hasSize(1);
    }
}
