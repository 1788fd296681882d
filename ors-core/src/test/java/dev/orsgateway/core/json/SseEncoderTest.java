package dev.orsgateway.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.orsgateway.core.model.Annotation;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.ErrorPayload;
import dev.orsgateway.core.model.IncompleteDetails;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.LogProb;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseError;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.model.Usage;
import dev.orsgateway.core.testing.SpecSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The encoder's frames carry exactly the JSON {@link OrsJson} writes, for every event and every kind of string. */
class SseEncoderTest {

    /** Strings that need every kind of escaping (and some that need none). */
    static final List<String> STRINGS = List.of(
            "",
            "plain",
            "quote \" backslash \\ slash /",
            "line\nfeed\rreturn\ttab\bback\fform",
            "\u0000\u0001\u001f\u007f control",
            "separators \u2028 \u2029 \u0085",
            "non-ASCII é ü 中文 ﻿bom",
            "pair \ud83d\ude00 emoji",
            "lone high \ud83d here",
            "lone low \ude00 here",
            "ends on a high \ud83d",
            "event: x\ndata: [DONE]\n\n",
            "x".repeat(20_000));

    private static final Item.Message MESSAGE = new Item.Message(
            "msg_1",
            ItemStatus.COMPLETED,
            MessageRole.ASSISTANT,
            List.of(new ContentPart.OutputText("Hello"), new ContentPart.Refusal("no")),
            null,
            Map.of());

    /** One event of every spec type (as in SchemaConformanceTest), each valid against its schema. */
    static List<ResponseEvent> specEvents() {
        Response created = Response.builder()
                .echo(CreateResponseRequest.builder().model("m").build())
                .id("resp_1")
                .createdAt(1_764_967_971L)
                .build();
        Response done = created.toBuilder()
                .status(ResponseStatus.COMPLETED)
                .output(List.of(MESSAGE))
                .usage(Usage.of(1, 2))
                .build();
        LogProb logProb =
                new LogProb("Hel", -0.25, List.of(72, 101, 108), List.of(new LogProb.TopLogProb("He", -2, null)));
        return List.of(
                new ResponseEvent.Created(0, created),
                new ResponseEvent.Queued(
                        1, created.toBuilder().status(ResponseStatus.QUEUED).build()),
                new ResponseEvent.InProgress(2, created),
                new ResponseEvent.OutputItemAdded(
                        3,
                        0,
                        new Item.Message("msg_1", "in_progress", MessageRole.ASSISTANT, List.of(), null, Map.of())),
                new ResponseEvent.ContentPartAdded(4, "msg_1", 0, 0, new ContentPart.OutputText("")),
                new ResponseEvent.OutputTextDelta(5, "msg_1", 0, 0, "Hel", List.of(), null),
                new ResponseEvent.OutputTextDelta(5, "msg_1", 0, 0, "Hel", List.of(logProb), "obf"),
                new ResponseEvent.OutputTextAnnotationAdded(
                        6, "msg_1", 0, 0, 0, new Annotation.UrlCitation("https://e.x", 0, 5, "E", Map.of())),
                new ResponseEvent.OutputTextDone(7, "msg_1", 0, 0, "Hello", List.of()),
                new ResponseEvent.ContentPartDone(8, "msg_1", 0, 0, new ContentPart.OutputText("Hello")),
                new ResponseEvent.RefusalDelta(9, "msg_1", 0, 1, "n"),
                new ResponseEvent.RefusalDone(10, "msg_1", 0, 1, "no"),
                new ResponseEvent.OutputItemDone(11, 0, MESSAGE),
                new ResponseEvent.ReasoningDelta(12, "rs_1", 1, 0, "th", null),
                new ResponseEvent.ReasoningDelta(12, "rs_1", 1, 0, "th", "obf"),
                new ResponseEvent.ReasoningDone(13, "rs_1", 1, 0, "think"),
                new ResponseEvent.ReasoningSummaryPartAdded(14, "rs_1", 1, 0, new ContentPart.SummaryText("")),
                new ResponseEvent.ReasoningSummaryTextDelta(15, "rs_1", 1, 0, "s", null),
                new ResponseEvent.ReasoningSummaryTextDelta(15, "rs_1", 1, 0, "s", "obf"),
                new ResponseEvent.ReasoningSummaryTextDone(16, "rs_1", 1, 0, "sum"),
                new ResponseEvent.ReasoningSummaryPartDone(17, "rs_1", 1, 0, new ContentPart.SummaryText("sum")),
                new ResponseEvent.OutputItemAdded(
                        18, 2, new Item.FunctionCall("fc_1", "call_1", "get_weather", "", "in_progress", Map.of())),
                new ResponseEvent.FunctionCallArgumentsDelta(19, "fc_1", 2, "{\"loc", null),
                new ResponseEvent.FunctionCallArgumentsDelta(19, "fc_1", 2, "{\"loc", "obf"),
                new ResponseEvent.FunctionCallArgumentsDone(20, "fc_1", 2, "{\"location\":\"Paris\"}"),
                new ResponseEvent.Error(21, new ErrorPayload("server_error", null, "upstream died", null)),
                new ResponseEvent.Completed(22, done),
                new ResponseEvent.Incomplete(
                        23,
                        done.toBuilder()
                                .status(ResponseStatus.INCOMPLETE)
                                .incompleteDetails(IncompleteDetails.CONTENT_FILTER)
                                .build()),
                new ResponseEvent.Failed(
                        24,
                        done.toBuilder()
                                .status(ResponseStatus.FAILED)
                                .error(new ResponseError("server_error", "x"))
                                .build()));
    }

    /** Events outside the spec's shapes: absent fields, provider extensions, unknown types. */
    static List<ResponseEvent> otherEvents() {
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        extra.put("x_provider", new TextNode("v"));
        extra.put("x_count", IntNode.valueOf(3));
        return List.of(
                new ResponseEvent.OutputTextDelta(0, null, 0, 0, null, null, null),
                new ResponseEvent.OutputTextDelta(Long.MAX_VALUE, "msg", Integer.MAX_VALUE, -1, "d", null, null),
                new ResponseEvent.OutputTextDelta(1, "msg", 0, 0, "d", List.of(), "o", extra),
                new ResponseEvent.FunctionCallArgumentsDelta(2, null, 0, null, null),
                new ResponseEvent.FunctionCallArgumentsDelta(2, "fc", 0, "{", null, extra),
                new ResponseEvent.ReasoningDelta(3, null, 0, 0, null, null),
                new ResponseEvent.ReasoningDelta(3, "rs", 0, 0, "r", null, extra),
                new ResponseEvent.ReasoningSummaryTextDelta(4, null, 0, 0, null, null),
                new ResponseEvent.ReasoningSummaryTextDelta(4, "rs", 0, 0, "s", null, extra),
                new ResponseEvent.RefusalDelta(5, null, 0, 0, null),
                new ResponseEvent.RefusalDelta(5, "msg", 0, 0, "n", extra),
                new ResponseEvent.Unknown("acme:trace_event", 6, extra),
                new ResponseEvent.Unknown("acme:\nmulti\rline", 7, Map.of()));
    }

    /** Every hot delta, and a few mapper-written events, with each string of {@link #STRINGS}. */
    static List<ResponseEvent> escapingEvents() {
        List<ResponseEvent> events = new ArrayList<>();
        int seq = 0;
        for (String s : STRINGS) {
            events.add(new ResponseEvent.OutputTextDelta(seq++, s, 0, 0, s, List.of(), s));
            events.add(new ResponseEvent.FunctionCallArgumentsDelta(seq++, s, 0, s, s));
            events.add(new ResponseEvent.ReasoningDelta(seq++, s, 0, 0, s, s));
            events.add(new ResponseEvent.ReasoningSummaryTextDelta(seq++, s, 0, 0, s, s));
            events.add(new ResponseEvent.RefusalDelta(seq++, s, 0, 0, s));
            events.add(new ResponseEvent.OutputTextDone(seq++, s, 0, 0, s, List.of()));
            events.add(new ResponseEvent.Error(seq++, new ErrorPayload("server_error", s, s, s)));
        }
        return events;
    }

    static Stream<ResponseEvent> allEvents() {
        return Stream.of(specEvents(), otherEvents(), escapingEvents()).flatMap(List::stream);
    }

    /** What the servlet wrote before the encoder: the mapper's bytes in a frame. */
    private static byte[] expectedFrame(ResponseEvent event) {
        String type = event.type().replace('\n', ' ').replace('\r', ' ');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("event: " + type + "\ndata: ").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(OrsJson.writeBytes(event));
        out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String dataLine(byte[] frame) {
        String text = new String(frame, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        assertThat(lines).as(text).hasSize(4);
        assertThat(lines[1]).startsWith("data: ");
        assertThat(lines[2]).isEmpty();
        assertThat(lines[3]).isEmpty();
        return lines[1].substring("data: ".length());
    }

    @ParameterizedTest
    @MethodSource("allEvents")
    void writesExactlyTheMappersBytesInOneFrame(ResponseEvent event) throws IOException {
        byte[] frame = SseEncoder.frame(event);

        assertThat(frame).isEqualTo(expectedFrame(event));
        JsonNode tree = OrsJson.mapper().readTree(dataLine(frame));
        assertThat(tree).isEqualTo(OrsJson.mapper().readTree(OrsJson.writeBytes(event)));
        assertThat(OrsJson.mapper().treeToValue(tree, ResponseEvent.class)).isEqualTo(event);
    }

    @ParameterizedTest
    @MethodSource("specEvents")
    void everySpecEventIsValidAgainstItsSchema(ResponseEvent event) throws IOException {
        SpecSchemas.assertValidEvent(OrsJson.mapper().readTree(dataLine(SseEncoder.frame(event))));
    }

    @Test
    void theSpecEventsCoverEverySpecEventType() {
        Set<String> types = new HashSet<>();
        specEvents().forEach(e -> types.add(e.type()));
        assertThat(types)
                .containsExactlyInAnyOrderElementsOf(
                        SpecSchemas.eventSchemaByType().keySet());
    }

    @Test
    void framesFollowEachOtherInOneReusedBuffer() throws IOException {
        List<ResponseEvent> events = allEvents().toList();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        SseEncoder encoder = new SseEncoder();
        for (int round = 0; round < 3; round++) {
            // Batches of varying size, cleared between writes, with raw bytes in between.
            for (int i = 0; i < events.size(); i++) {
                encoder.event(events.get(i));
                expected.writeBytes(expectedFrame(events.get(i)));
                if (i % 7 == 3) {
                    encoder.raw(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
                    expected.writeBytes(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
                }
                if (i % (round + 2) == 0) {
                    encoder.writeTo(written);
                    encoder.clear();
                    assertThat(encoder.isEmpty()).isTrue();
                }
            }
            encoder.writeTo(written);
            encoder.clear();
            encoder.close(); // gives Jackson's buffers back; the encoder takes new ones
        }
        assertThat(written.toByteArray()).isEqualTo(expected.toByteArray());
    }

    @Test
    void arrayAndSizeExposeTheBufferedBytes() {
        try (SseEncoder encoder = new SseEncoder()) {
            ResponseEvent first = new ResponseEvent.OutputTextDelta(0, "m", 0, 0, "a", List.of(), null);
            ResponseEvent second = new ResponseEvent.OutputTextDelta(1, "m", 0, 0, "b", List.of(), null);
            encoder.event(first).event(second);

            byte[] expected = new byte[expectedFrame(first).length + expectedFrame(second).length];
            System.arraycopy(expectedFrame(first), 0, expected, 0, expectedFrame(first).length);
            System.arraycopy(
                    expectedFrame(second), 0, expected, expectedFrame(first).length, expectedFrame(second).length);
            assertThat(encoder.size()).isEqualTo(expected.length);
            assertThat(java.util.Arrays.copyOf(encoder.array(), encoder.size())).isEqualTo(expected);
            assertThat(encoder.toByteArray()).isEqualTo(expected);
        }
    }
}
