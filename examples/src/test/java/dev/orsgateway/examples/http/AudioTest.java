package dev.orsgateway.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.examples.scripted.RecordedRequest;
import dev.orsgateway.examples.scripted.Script;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Audio in and out through the whole HTTP path (client, standalone server, a scripted model that speaks as OpenAI's
 * gpt-4o-audio-preview does): the request fields and {@code input_audio} reach the upstream in chat form, the spoken
 * answer comes back as an {@code output_text} part carrying its audio with the {@code ors:output_audio.*} events,
 * every standard event valid against the spec, and the stored response, its replay and a continuation keep it.
 */
@Timeout(60)
class AudioTest {

    @RegisterExtension
    static final LiveGateway gateway = LiveGateway.withScriptedUpstream();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** 6 000 bytes of "audio". */
    private static final byte[] AUDIO = audio(6000);

    /** The audio as OpenAI streams it: each piece the base64 of its own bytes, some padded. */
    private static final List<String> PIECES = encodedPieces(AUDIO, 1200, 601, 899, 700, 1000, 1600);

    private static final String WHOLE = Base64.getEncoder().encodeToString(AUDIO);

    private static final String TRANSCRIPT = "Bonjour, je m'appelle Ada.";

    private static final String INPUT_AUDIO = Base64.getEncoder().encodeToString(audio(300));

    private static final String SPEAK =
            "\"modalities\":[\"text\",\"audio\"],\"audio\":{\"voice\":\"alloy\",\"format\":\"pcm16\"}";

    private static String chunk(String delta) {
        return "{\"id\":\"chatcmpl-A1\",\"object\":\"chat.completion.chunk\",\"created\":1764079466,"
                + "\"model\":\"gpt-4o-audio-preview-2025-06-03\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":null}]}";
    }

    /** OpenAI's audio stream: id and transcript pieces first, data pieces with more transcript, the expiry last. */
    private static Script speakingStream() {
        Script script = Script.dataLine(chunk("{\"role\":\"assistant\",\"content\":null,\"refusal\":null,"
                        + "\"audio\":{\"id\":\"audio_68e8\",\"transcript\":\"Bonjour, \"}}"))
                .thenDataLine(chunk("{\"audio\":{\"transcript\":\"je m'appelle \"}}"));
        for (int i = 0; i < PIECES.size(); i++) {
            script = script.thenDataLine(chunk("{\"audio\":{\"data\":\"" + PIECES.get(i) + "\"}}"));
            if (i == 3) {
                script = script.thenDataLine(chunk("{\"audio\":{\"transcript\":\"Ada.\"}}"));
            }
        }
        return script.thenDataLine(chunk("{\"audio\":{\"id\":\"audio_68e8\",\"expires_at\":1764083066}}"))
                .finishReason("stop");
    }

    @Test
    void aStreamedSpokenAnswerHasItsAudioAndTranscriptInOnePartAndIsStored() throws Exception {
        gateway.upstream().enqueue(speakingStream());

        HttpResponse<String> reply = post("{\"model\":\"gpt-4o-audio-preview\",\"stream\":true," + SPEAK
                + ",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Who are you?\"},"
                + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"" + INPUT_AUDIO
                + "\",\"format\":\"wav\"}}]}]}");
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        List<JsonNode> events = events(reply.body());

        // What reached the upstream: the audio parameters, and the input audio in chat form.
        RecordedRequest upstream = gateway.upstreamRequests().get(0);
        assertThat(upstream.json().get("modalities")).isEqualTo(SpecSchemas.json("[\"text\",\"audio\"]"));
        assertThat(upstream.json().get("audio"))
                .isEqualTo(SpecSchemas.json("{\"voice\":\"alloy\",\"format\":\"pcm16\"}"));
        assertThat(upstream.json().at("/messages/0/content/1"))
                .isEqualTo(SpecSchemas.json("{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"" + INPUT_AUDIO
                        + "\",\"format\":\"wav\"}}"));

        // Every standard event is valid against the spec; the extension events against their documented shapes;
        // all share one counter.
        long previous = -1;
        for (JsonNode event : events) {
            String type = event.get("type").asText();
            if (type.startsWith("ors:")) {
                assertThat(SpecSchemas.ORS_EVENT_SCHEMAS).containsKey(type);
            } else {
                assertThat(SpecSchemas.eventSchemaByType()).containsKey(type);
            }
            assertThat(SpecSchemas.eventErrors(event)).as(event.toString()).isEmpty();
            assertThat(event.get("sequence_number").asLong()).isGreaterThan(previous);
            previous = event.get("sequence_number").asLong();
        }
        // The standard events alone are a valid stream of a text answer (a client may ignore the rest).
        List<String> standard = events.stream()
                .map(e -> e.get("type").asText())
                .filter(t -> !t.startsWith("ors:"))
                .toList();
        assertThat(standard)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");

        // The audio deltas, in order, are the audio; the audio's done comes before the text's.
        List<JsonNode> audioDeltas = ofType(events, "ors:output_audio.delta");
        assertThat(audioDeltas).extracting(e -> e.get("delta").asText()).containsExactlyElementsOf(PIECES);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (JsonNode delta : audioDeltas) {
            bytes.writeBytes(Base64.getDecoder().decode(delta.get("delta").asText()));
        }
        assertThat(bytes.toByteArray()).isEqualTo(AUDIO);
        List<String> types = events.stream().map(e -> e.get("type").asText()).toList();
        assertThat(types.indexOf("ors:output_audio.done"))
                .isGreaterThan(types.lastIndexOf("ors:output_audio.delta"))
                .isLessThan(types.indexOf("response.output_text.done"));
        JsonNode done = ofType(events, "ors:output_audio.done").get(0);
        assertThat(done.get("format").asText()).isEqualTo("pcm16");
        assertThat(done.get("id").asText()).isEqualTo("audio_68e8");
        assertThat(done.get("expires_at").asLong()).isEqualTo(1764083066L);

        // The part: the transcript is its text, the whole audio its ors:output_audio.
        JsonNode response = events.get(events.size() - 1).get("response");
        JsonNode part = response.at("/output/0/content/0");
        assertThat(part.get("type").asText()).isEqualTo("output_text");
        assertThat(part.get("text").asText()).isEqualTo(TRANSCRIPT);
        assertThat(ofType(events, "response.output_text.done")
                        .get(0)
                        .get("text")
                        .asText())
                .isEqualTo(TRANSCRIPT);
        assertThat(part.at("/ors:output_audio/data").asText()).isEqualTo(WHOLE);
        assertThat(ofType(events, "response.content_part.done").get(0).get("part"))
                .isEqualTo(part);
        assertThat(ofType(events, "response.output_item.done").get(0).at("/item/content/0"))
                .isEqualTo(part);

        // Stored: GET returns it, and the stored stream replays the audio.
        String id = response.get("id").asText();
        HttpResponse<String> stored = get("/responses/" + id);
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(SpecSchemas.json(stored.body()).get("output")).isEqualTo(response.get("output"));
        HttpResponse<String> replay = get("/responses/" + id + "?stream=true");
        List<JsonNode> replayed = events(replay.body());
        assertThat(ofType(replayed, "ors:output_audio.delta"))
                .singleElement()
                .satisfies(e -> assertThat(e.get("delta").asText()).isEqualTo(WHOLE));
        assertThat(ofType(replayed, "ors:output_audio.done").get(0).get("id").asText())
                .isEqualTo("audio_68e8");
        assertThat(replayed.get(replayed.size() - 1).get("response").get("output"))
                .isEqualTo(response.get("output"));

        // Continuing the conversation sends the spoken answer back as its transcript.
        gateway.upstream().enqueue(Script.text("Enchanté."));
        HttpResponse<String> next = post("{\"model\":\"gpt-4o-audio-preview\",\"previous_response_id\":\"" + id
                + "\",\"input\":\"Nice to meet you.\"}");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        JsonNode messages = gateway.upstreamRequests().get(1).json().get("messages");
        assertThat(messages.get(1))
                .isEqualTo(SpecSchemas.json("{\"role\":\"assistant\",\"content\":\"" + TRANSCRIPT + "\"}"));
        assertThat(messages.get(0).at("/content/1/type").asText()).isEqualTo("input_audio");
    }

    @Test
    void aNonStreamedSpokenAnswerIsTheSamePart() throws Exception {
        gateway.upstream()
                .enqueue(
                        Script.dataLine("{\"id\":\"chatcmpl-A2\",\"object\":\"chat.completion\",\"created\":1764079466,"
                                + "\"model\":\"gpt-4o-audio-preview-2025-06-03\",\"choices\":[{\"index\":0,\"message\":{"
                                + "\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"audio\":{\"id\":\"audio_68e9\","
                                + "\"data\":\"" + WHOLE
                                + "\",\"expires_at\":1764083066,\"transcript\":\""
                                + TRANSCRIPT + "\"}},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":17,"
                                + "\"completion_tokens\":40,\"total_tokens\":57}}"));

        HttpResponse<String> reply = post("{\"model\":\"gpt-4o-audio-preview\",\"input\":\"Who are you?\","
                + SPEAK.replace("pcm16", "wav") + "}");
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        JsonNode response = SpecSchemas.json(reply.body());
        SpecSchemas.assertValidResponse(response);
        assertThat(gateway.upstreamRequests().get(0).json().get("audio"))
                .isEqualTo(SpecSchemas.json("{\"voice\":\"alloy\",\"format\":\"wav\"}"));

        JsonNode part = response.at("/output/0/content/0");
        assertThat(part.get("text").asText()).isEqualTo(TRANSCRIPT);
        assertThat(part.get("ors:output_audio"))
                .isEqualTo(SpecSchemas.json("{\"format\":\"wav\",\"data\":\"" + WHOLE
                        + "\",\"id\":\"audio_68e9\",\"expires_at\":1764083066}"));
    }

    @Test
    void malformedAudioRequestsAre400sNamingTheParam() throws Exception {
        HttpResponse<String> flat = post("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_audio\",\"data\":\"UklGRg==\",\"format\":\"wav\"}]}]}");
        assertThat(flat.statusCode()).isEqualTo(400);
        JsonNode error = SpecSchemas.json(flat.body()).get("error");
        SpecSchemas.assertValid("ErrorPayload", error);
        assertThat(error.get("param").asText()).isEqualTo("input[0].content[0].input_audio");

        HttpResponse<String> wrongType = post("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_audio\",\"input_audio\":\"UklGRg==\"}]}]}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(SpecSchemas.json(wrongType.body()).at("/error/param").asText())
                .isEqualTo("input[0].content[0].input_audio");

        HttpResponse<String> noAudio = post("{\"model\":\"m\",\"input\":\"Hi\",\"modalities\":[\"text\",\"audio\"]}");
        assertThat(noAudio.statusCode()).isEqualTo(400);
        assertThat(SpecSchemas.json(noAudio.body()).at("/error/param").asText()).isEqualTo("audio");

        HttpResponse<String> badModalities = post("{\"model\":\"m\",\"input\":\"Hi\",\"modalities\":\"audio\"}");
        assertThat(badModalities.statusCode()).isEqualTo(400);
        assertThat(SpecSchemas.json(badModalities.body()).at("/error/param").asText())
                .isEqualTo("modalities");
        assertThat(gateway.upstreamRequests()).isEmpty();
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/responses"))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    /** The events of an SSE body, in order. */
    private static List<JsonNode> events(String body) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                events.add(OrsJson.mapper().readTree(line.substring("data: ".length())));
            }
        }
        assertThat(events).as(body).isNotEmpty();
        return events;
    }

    private static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.get("type").asText().equals(type)).toList();
    }

    private static byte[] audio(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (Math.sin(i / 7.0) * 120);
        }
        return bytes;
    }

    /** The base64 of each run of {@code sizes} bytes, on its own. */
    private static List<String> encodedPieces(byte[] bytes, int... sizes) {
        List<String> pieces = new ArrayList<>();
        int at = 0;
        for (int size : sizes) {
            pieces.add(Base64.getEncoder().encodeToString(Arrays.copyOfRange(bytes, at, at + size)));
            at += size;
        }
        assertThat(at).isEqualTo(bytes.length);
        return pieces;
    }
}
