package dev.orsgateway.core.model;

import static dev.orsgateway.core.testing.SpecSchemas.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audio extension's shapes: the request fields, the {@code ors:output_audio} field of an {@code output_text}
 * part, the {@code ors:output_audio.*} events, and why the audio is a field rather than a part of its own.
 */
class AudioModelTest {

    private static final String SPOKEN_PART = "{\"type\":\"output_text\",\"text\":\"Hi there!\",\"annotations\":[],"
            + "\"ors:output_audio\":{\"format\":\"wav\",\"data\":\"UklGRg==\",\"id\":\"audio_1\","
            + "\"expires_at\":1764082830}}";

    @Test
    void theRequestReadsModalitiesAndAudio() throws Exception {
        CreateResponseRequest request = OrsJson.read(
                "{\"model\":\"m\",\"input\":\"Hi\",\"modalities\":[\"text\",\"audio\"],"
                        + "\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\",\"speed\":1.5}}",
                CreateResponseRequest.class);
        assertThat(request.modalities()).containsExactly("text", "audio");
        assertThat(request.audio().voice().textValue()).isEqualTo("alloy");
        assertThat(request.audio().format()).isEqualTo("wav");
        assertThat(request.audio().extra()).containsKey("speed");
        assertThat(request.extra()).isEmpty();
        assertThat(request.toBuilder().build()).isEqualTo(request);
        assertThat(OrsJson.tree(request).get("audio"))
                .isEqualTo(json("{\"voice\":\"alloy\",\"format\":\"wav\",\"speed\":1.5}"));

        CreateResponseRequest built = CreateResponseRequest.builder()
                .model("m")
                .input("Hi")
                .modalities(List.of("text", "audio"))
                .audio(new AudioConfig("alloy", "wav"))
                .build();
        assertThat(OrsJson.tree(built).get("audio")).isEqualTo(json("{\"voice\":\"alloy\",\"format\":\"wav\"}"));
        assertThat(new AudioConfig(json("null"), "wav", Map.of()).voice()).isNull();
    }

    @Test
    void aSpokenPartRoundTripsAndNamesItsAudio() throws Exception {
        ContentPart part = OrsJson.read(SPOKEN_PART, ContentPart.class);
        assertThat(part).isInstanceOf(ContentPart.OutputText.class);
        ContentPart.OutputText text = (ContentPart.OutputText) part;
        assertThat(text.text()).isEqualTo("Hi there!");
        assertThat(text.audio()).contains(new OutputAudio("wav", "UklGRg==", "audio_1", 1764082830L));
        assertThat(OrsJson.tree(part).toString()).isEqualTo(SPOKEN_PART);

        ContentPart.OutputText plain = new ContentPart.OutputText("Hi there!");
        assertThat(plain.audio()).isEmpty();
        assertThat(OrsJson.tree(plain.withAudio(new OutputAudio("wav", "UklGRg==", "audio_1", 1764082830L)))
                        .toString())
                .isEqualTo(SPOKEN_PART);
        assertThat(text.withAudio(null)).isEqualTo(plain);
        // Absent values are left out, not written as null.
        assertThat(OrsJson.tree(plain.withAudio(new OutputAudio(null, "UklGRg==", null, null)))
                        .get(OutputAudio.FIELD))
                .isEqualTo(json("{\"data\":\"UklGRg==\"}"));
        assertThatThrownBy(() -> OrsJson.read(
                                "{\"type\":\"output_text\",\"text\":\"x\",\"annotations\":[],\"ors:output_audio\":7}",
                                ContentPart.OutputText.class)
                        .audio())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theAudioIsAFieldBecauseTheSpecAdmitsNoNewPartType() {
        JsonNode spoken = json(SPOKEN_PART);
        SpecSchemas.assertValid("OutputTextContent", spoken);
        SpecSchemas.assertValid(
                "ResponseContentPartDoneStreamingEvent",
                json("{\"type\":\"response.content_part.done\",\"sequence_number\":9,\"item_id\":\"msg_1\","
                        + "\"output_index\":0,\"content_index\":0,\"part\":" + SPOKEN_PART + "}"));
        // A part of its own type fails the message's content union, and so every event and response carrying it.
        String ownPart = "{\"type\":\"ors:output_audio\",\"text\":\"Hi there!\",\"data\":\"UklGRg==\"}";
        SpecSchemas.assertInvalid(
                "Message",
                json("{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\","
                        + "\"content\":[" + ownPart + "]}"));
        SpecSchemas.assertInvalid(
                "ResponseContentPartAddedStreamingEvent",
                json("{\"type\":\"response.content_part.added\",\"sequence_number\":3,\"item_id\":\"msg_1\","
                        + "\"output_index\":0,\"content_index\":0,\"part\":" + ownPart + "}"));
        // The field itself is checked against the extensions schema wherever it appears.
        assertThat(SpecSchemas.eventErrors(json("{\"type\":\"response.content_part.done\",\"sequence_number\":9,"
                        + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":"
                        + "\"output_text\",\"text\":\"x\",\"annotations\":[],\"ors:output_audio\":{\"id\":3}}}")))
                .isNotEmpty();
    }

    @Test
    void theExtensionEventsAreTypedAndValid() throws Exception {
        String delta = "{\"type\":\"ors:output_audio.delta\",\"sequence_number\":4,\"item_id\":\"msg_1\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"UklG\"}";
        String done = "{\"type\":\"ors:output_audio.done\",\"sequence_number\":7,\"item_id\":\"msg_1\","
                + "\"output_index\":0,\"content_index\":0,\"format\":\"wav\",\"id\":\"audio_1\","
                + "\"expires_at\":1764082830}";
        ResponseEvent readDelta = OrsJson.read(delta, ResponseEvent.class);
        ResponseEvent readDone = OrsJson.read(done, ResponseEvent.class);
        assertThat(readDelta).isEqualTo(new ResponseEvent.OutputAudioDelta(4, "msg_1", 0, 0, "UklG"));
        assertThat(readDone)
                .isEqualTo(new ResponseEvent.OutputAudioDone(7, "msg_1", 0, 0, "wav", "audio_1", 1764082830L));
        assertThat(OrsJson.tree(readDelta).toString()).isEqualTo(delta);
        assertThat(OrsJson.tree(readDone).toString()).isEqualTo(done);
        assertThat(readDone.withSequenceNumber(8).sequenceNumber()).isEqualTo(8);
        assertThat(readDelta.isTerminal()).isFalse();
        SpecSchemas.assertValidEvent(json(delta));
        SpecSchemas.assertValidEvent(json(done));
        assertThat(OrsJson.tree(new ResponseEvent.OutputAudioDone(7, "msg_1", 0, 0, null, null, null))
                        .toString())
                .isEqualTo("{\"type\":\"ors:output_audio.done\",\"sequence_number\":7,\"item_id\":\"msg_1\","
                        + "\"output_index\":0,\"content_index\":0}");
        assertThatThrownBy(() -> SpecSchemas.assertValidEvent(json("{\"type\":\"ors:output_audio.delta\","
                        + "\"sequence_number\":4,\"item_id\":\"msg_1\",\"output_index\":0,\"delta\":\"UklG\"}")))
                .hasMessageContaining("ORS OutputAudioDeltaEvent")
                .hasMessageContaining("content_index");
    }
}
