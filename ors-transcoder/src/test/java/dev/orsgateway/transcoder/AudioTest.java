package dev.orsgateway.transcoder;

import static dev.orsgateway.transcoder.Translation.assertRejected;
import static dev.orsgateway.transcoder.Translation.chatJson;
import static dev.orsgateway.transcoder.Translation.items;
import static dev.orsgateway.transcoder.Translation.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.IdGenerator;
import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.OutputAudio;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseEvent;
import dev.orsgateway.core.testing.SpecSchemas;
import dev.orsgateway.transcoder.internal.Base64Pieces;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Audio both ways: {@code input_audio} parts and the {@code modalities} / {@code audio} request fields into the chat
 * request, and a speaking model's {@code delta.audio} / {@code message.audio} into an {@code output_text} part that
 * carries the audio, streamed with the {@code ors:output_audio.*} extension events.
 */
class AudioTest {

    private static final String SPEAK =
            "\"modalities\": [\"text\", \"audio\"], " + "\"audio\": {\"voice\": \"alloy\", \"format\": \"pcm16\"}";

    /** A request with {@code fields} (JSON members, no braces) added to a minimal valid one. */
    private static String with(String fields) {
        return "{\"model\": \"gpt-4o-audio-preview\", \"input\": \"Hi\", " + fields + "}";
    }

    private static String userParts(String parts) {
        return "{\"model\": \"m\", \"input\": [{\"type\": \"message\", \"role\": \"user\", \"content\": " + parts
                + "}]}";
    }

    @Nested
    class Request {

        @Test
        void modalitiesAndAudioBecomeTheChatParameters() {
            JsonNode chat = chatJson(TranscoderOptions.DEFAULT, with(SPEAK), List.of());
            assertThat(chat.get("modalities")).isEqualTo(tree("[\"text\", \"audio\"]"));
            assertThat(chat.get("audio")).isEqualTo(tree("{\"voice\": \"alloy\", \"format\": \"pcm16\"}"));
        }

        @Test
        void aCustomVoiceAndUnknownAudioFieldsPassThrough() {
            JsonNode chat = chatJson(
                    TranscoderOptions.DEFAULT,
                    with("\"modalities\": [\"text\", \"audio\"], \"audio\": {\"voice\": {\"id\": \"voice_123\"},"
                            + " \"format\": \"mp3\", \"speed\": 1.2}"),
                    List.of());
            assertThat(chat.get("audio"))
                    .isEqualTo(tree("{\"voice\": {\"id\": \"voice_123\"}, \"format\": \"mp3\", \"speed\": 1.2}"));
        }

        @Test
        void textOnlyRequestsSendNeitherField() {
            JsonNode chat = chatJson(TranscoderOptions.DEFAULT, with("\"stream\": true"), List.of());
            assertThat(chat.has("modalities")).isFalse();
            assertThat(chat.has("audio")).isFalse();
            assertThat(chatJson(TranscoderOptions.DEFAULT, with("\"modalities\": [\"text\"]"), List.of())
                            .get("modalities"))
                    .isEqualTo(tree("[\"text\"]"));
        }

        @Test
        void badAudioRequestsAreRejectedNamingTheParam() {
            assertRejected(
                    with("\"modalities\": [\"text\", \"audio\"]"), "audio", "missing_required_parameter", "voice");
            assertRejected(
                    with("\"modalities\": [\"text\", \"audio\"], \"audio\": {\"format\": \"wav\"}"),
                    "audio.voice",
                    "missing_required_parameter",
                    "alloy");
            assertRejected(
                    with("\"modalities\": [\"text\", \"audio\"], \"audio\": {\"voice\": \"alloy\"}"),
                    "audio.format",
                    "missing_required_parameter",
                    "pcm16");
            assertRejected(
                    with("\"modalities\": [\"text\", \"audio\"], \"audio\": {\"voice\": 7, \"format\": \"wav\"}"),
                    "audio.voice",
                    "invalid_value",
                    "number");
            assertRejected(
                    with("\"modalities\": [\"text\", \"image\"]"), "modalities[1]", "unsupported_value", "'image'");
            assertRejected(with("\"modalities\": []"), "modalities", "invalid_value", "at least one");
            assertRejected(
                    with("\"audio\": {\"voice\": \"alloy\", \"format\": \"wav\"}"),
                    "audio",
                    "invalid_value",
                    "modalities");
        }

        @Test
        void inputAudioReachesTheUpstreamInChatForm() {
            JsonNode chat = chatJson(
                    TranscoderOptions.DEFAULT,
                    userParts("[{\"type\": \"input_text\", \"text\": \"What is said?\"},"
                            + " {\"type\": \"input_audio\", \"input_audio\": {\"data\": \"UklGRiQA\\nAABXQVZF\","
                            + " \"format\": \"mp3\"}}]"),
                    List.of());
            assertThat(chat.at("/messages/0/content"))
                    .isEqualTo(tree("[{\"type\": \"text\", \"text\": \"What is said?\"}, {\"type\": \"input_audio\","
                            + " \"input_audio\": {\"data\": \"UklGRiQA\\nAABXQVZF\", \"format\": \"mp3\"}}]"));
        }

        @Test
        void malformedInputAudioIsRejectedNamingTheField() {
            // The flat shape no OpenAI client sends: the message says where data and format go.
            assertRejected(
                    userParts("[{\"type\": \"input_audio\", \"data\": \"UklGRg==\", \"format\": \"wav\"}]"),
                    "input[0].content[0].input_audio",
                    "missing_required_parameter",
                    "go inside it");
            // The Realtime API's shape has no format at all.
            assertRejected(
                    userParts("[{\"type\": \"input_audio\", \"audio\": \"UklGRg==\"}]"),
                    "input[0].content[0].input_audio",
                    "missing_required_parameter",
                    "\"input_audio\":{\"data\"");
            assertRejected(
                    userParts("[{\"type\": \"input_audio\", \"input_audio\": {\"data\": \"\", \"format\": \"wav\"}}]"),
                    "input[0].content[0].input_audio.data",
                    "invalid_value",
                    "empty");
            assertRejected(
                    userParts("[{\"type\": \"input_audio\", \"input_audio\": {\"data\": \"data:audio/wav;base64,UklG\","
                            + " \"format\": \"wav\"}}]"),
                    "input[0].content[0].input_audio.data",
                    "invalid_value",
                    "base64",
                    "character 4 is ':'");
            assertRejected(
                    userParts("[{\"type\": \"input_audio\", \"input_audio\": {\"data\": \"UklGRg==\"}}]"),
                    "input[0].content[0].input_audio.format",
                    "missing_required_parameter",
                    "'wav' or 'mp3'");
        }

        @Test
        void aReplayedSpokenAnswerGoesBackAsItsTranscript() {
            List<Item> history = items("[{\"type\": \"message\", \"role\": \"user\", \"content\": \"Say hi\"},"
                    + " {\"type\": \"message\", \"id\": \"msg_1\", \"status\": \"completed\", \"role\": \"assistant\","
                    + " \"content\": [{\"type\": \"output_text\", \"text\": \"Hi there!\", \"annotations\": [],"
                    + " \"ors:output_audio\": {\"format\": \"wav\", \"data\": \"UklGRg==\", \"id\": \"audio_1\","
                    + " \"expires_at\": 1764082830}}]}]");
            JsonNode chat = chatJson(
                    TranscoderOptions.DEFAULT,
                    "{\"model\": \"m\", \"previous_response_id\": \"resp_1\", \"input\": \"Again\"}",
                    history);
            assertThat(chat.at("/messages/1")).isEqualTo(tree("{\"role\": \"assistant\", \"content\": \"Hi there!\"}"));
        }
    }

    @Nested
    class Stream {

        /**
         * Audio of 3 000 bytes, streamed as OpenAI does: each piece the base64 of its own bytes (here of 500, 301,
         * 700, 433 and 1 066 bytes, so some pieces end in padding).
         */
        private final byte[] audio = bytes(3000);

        private final List<String> pieces = encodedPieces(audio, 500, 301, 700, 433, 1066);

        private CreateResponseRequest request() {
            return Translation.request(with(SPEAK + ", \"stream\": true"));
        }

        /** OpenAI's gpt-4o-audio-preview stream: id and transcript first, then data, then the expiry. */
        private List<ChatChunk> openAiChunks() {
            List<ChatChunk> chunks = new ArrayList<>();
            chunks.add(chunk("{\"role\":\"assistant\",\"content\":null,\"refusal\":null,"
                    + "\"audio\":{\"id\":\"audio_6a1f\",\"transcript\":\"Hello\"}}"));
            chunks.add(chunk("{\"audio\":{\"transcript\":\", world\"}}"));
            for (int i = 0; i < pieces.size(); i++) {
                chunks.add(chunk("{\"audio\":{\"data\":\"" + pieces.get(i) + "\"}}"));
                if (i == 2) {
                    chunks.add(chunk("{\"audio\":{\"transcript\":\"!\"}}"));
                }
            }
            chunks.add(chunk("{\"audio\":{\"expires_at\":1764082830,\"id\":\"audio_6a1f\"}}"));
            chunks.add(Fixtures.read(
                    "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-audio\","
                            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                    ChatChunk.class));
            return chunks;
        }

        @Test
        void aSpokenAnswerIsATextPartCarryingItsAudio() {
            List<ResponseEvent> events = Fixtures.run(request(), openAiChunks(), null);
            Response response = StreamInvariants.check(events);

            Item.Message message = (Item.Message) response.output().get(0);
            assertThat(message.content()).hasSize(1);
            ContentPart.OutputText part =
                    (ContentPart.OutputText) message.content().get(0);
            assertThat(part.text()).isEqualTo("Hello, world!");
            OutputAudio spoken = part.audio().orElseThrow();
            assertThat(Base64.getDecoder().decode(spoken.data())).isEqualTo(audio);
            assertThat(spoken.format()).isEqualTo("pcm16");
            assertThat(spoken.id()).isEqualTo("audio_6a1f");
            assertThat(spoken.expiresAt()).isEqualTo(1764082830L);

            List<ResponseEvent.OutputAudioDelta> deltas = events.stream()
                    .filter(ResponseEvent.OutputAudioDelta.class::isInstance)
                    .map(ResponseEvent.OutputAudioDelta.class::cast)
                    .toList();
            assertThat(deltas).extracting(ResponseEvent.OutputAudioDelta::delta).isEqualTo(pieces);
            // Each delta decodes on its own, and their bytes are the audio; the part holds it as one base64 text.
            assertThat(decodeEach(pieces)).isEqualTo(audio);
            assertThat(spoken.data()).isEqualTo(Base64.getEncoder().encodeToString(audio));
            assertThat(deltas).allSatisfy(d -> {
                assertThat(d.itemId()).isEqualTo(message.id());
                assertThat(d.contentIndex()).isZero();
            });
            // The transcript streams as the part's text; the audio's done event comes before the text's.
            List<String> types = events.stream().map(ResponseEvent::type).toList();
            assertThat(types)
                    .containsSubsequence(
                            "response.content_part.added",
                            "response.output_text.delta",
                            "ors:output_audio.delta",
                            "response.output_text.delta",
                            "ors:output_audio.delta",
                            "ors:output_audio.done",
                            "response.output_text.done",
                            "response.content_part.done",
                            "response.output_item.done",
                            "response.completed");
            ResponseEvent.OutputAudioDone done = events.stream()
                    .filter(ResponseEvent.OutputAudioDone.class::isInstance)
                    .map(ResponseEvent.OutputAudioDone.class::cast)
                    .findFirst()
                    .orElseThrow();
            assertThat(done.format()).isEqualTo("pcm16");
            assertThat(done.id()).isEqualTo("audio_6a1f");
            assertThat(done.expiresAt()).isEqualTo(1764082830L);
            // The added part is the standard empty one: the audio is announced by its first delta.
            ResponseEvent.ContentPartAdded added = events.stream()
                    .filter(ResponseEvent.ContentPartAdded.class::isInstance)
                    .map(ResponseEvent.ContentPartAdded.class::cast)
                    .findFirst()
                    .orElseThrow();
            assertThat(OrsJson.tree(added.part()))
                    .isEqualTo(tree("{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}"));
        }

        @Test
        void theWireShapesAreTheDocumentedOnes() {
            List<ResponseEvent> events = Fixtures.run(request(), openAiChunks(), null);
            for (ResponseEvent event : events) {
                SpecSchemas.assertValidEvent(OrsJson.tree(event));
            }
            JsonNode delta = OrsJson.tree(events.stream()
                    .filter(ResponseEvent.OutputAudioDelta.class::isInstance)
                    .findFirst()
                    .orElseThrow());
            assertThat(delta.toString())
                    .isEqualTo(
                            "{\"type\":\"ors:output_audio.delta\",\"sequence_number\":" + delta.get("sequence_number")
                                    + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\""
                                    + pieces.get(0) + "\"}");
            JsonNode done = OrsJson.tree(events.stream()
                    .filter(ResponseEvent.OutputAudioDone.class::isInstance)
                    .findFirst()
                    .orElseThrow());
            assertThat(done.toString())
                    .isEqualTo("{\"type\":\"ors:output_audio.done\",\"sequence_number\":" + done.get("sequence_number")
                            + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"format\":\"pcm16\","
                            + "\"id\":\"audio_6a1f\",\"expires_at\":1764082830}");
            JsonNode part = OrsJson.tree(Fixtures.finalResponse(events)).at("/output/0/content/0");
            assertThat(part.fieldNames())
                    .toIterable()
                    .containsExactly("type", "text", "annotations", "ors:output_audio");
            assertThat(part.get("ors:output_audio").fieldNames())
                    .toIterable()
                    .containsExactly("format", "data", "id", "expires_at");
            // A spoken part in a message content is what the spec allows; a part of a new type would not be.
            SpecSchemas.assertValid("OutputTextContent", part);
            SpecSchemas.assertInvalid(
                    "Message",
                    tree("{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\","
                            + "\"content\":[{\"type\":\"ors:output_audio\",\"text\":\"Hi\",\"data\":\"UklGRg==\"}]}"));
        }

        @Test
        void theNonStreamedCompletionEndsAsTheStreamDoes() {
            String data = Base64.getEncoder().encodeToString(audio);
            ChatCompletion completion = Fixtures.read(
                    "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-audio\","
                            + "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\","
                            + "\"content\":null,\"refusal\":null,\"audio\":{\"id\":\"audio_6a1f\",\"data\":\"" + data
                            + "\",\"expires_at\":1764082830,\"transcript\":\"Hello, world!\"}}}]}",
                    ChatCompletion.class);
            CreateResponseRequest request = Translation.request(with(SPEAK));
            Response response = ChatTranscoder.create()
                    .toResponse(
                            request, Fixtures.initial(request), completion, IdGenerator.sequential(), Fixtures.CLOCK);
            SpecSchemas.assertValidResponse(response);

            Response streamed = Fixtures.finalResponse(Fixtures.run(request(), openAiChunks(), null));
            assertThat(OrsJson.tree(response.output())).isEqualTo(OrsJson.tree(streamed.output()));
        }

        @Test
        void audioWithoutATranscriptAndTextBesideItShareTheTextPart() {
            // Qwen-Omni's shape: the text in content, the audio's data in delta.audio, no transcript.
            List<ChatChunk> chunks = List.of(
                    chunk("{\"role\":\"assistant\",\"content\":\"I am \"}"),
                    chunk("{\"audio\":{\"data\":\"" + pieces.get(0) + "\"}}"),
                    chunk("{\"content\":\"Qwen.\"}"),
                    chunk("{\"audio\":{\"data\":\"" + pieces.get(1) + "\"}}"));
            Response response = StreamInvariants.check(Fixtures.run(request(), chunks, null));
            ContentPart.OutputText part = (ContentPart.OutputText)
                    ((Item.Message) response.output().get(0)).content().get(0);
            assertThat(part.text()).isEqualTo("I am Qwen.");
            assertThat(decode(part.audio().orElseThrow().data()))
                    .isEqualTo(concat(decode(pieces.get(0)), decode(pieces.get(1))));
            assertThat(part.audio().orElseThrow().id()).isNull();
        }

        @Test
        void audioArrivingWhileAToolCallStreamsWaitsForIt() {
            CreateResponseRequest request =
                    Translation.request(with(SPEAK + ", \"stream\": true, \"tools\": [{\"type\":"
                            + " \"function\", \"name\": \"get_weather\", \"parameters\": {\"type\": \"object\"}}]"));
            List<ChatChunk> chunks = List.of(
                    chunk(
                            "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\"}}]}"),
                    chunk("{\"audio\":{\"transcript\":\"Checking\",\"data\":\"" + pieces.get(0) + "\"}}"),
                    chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}"));
            List<ResponseEvent> events = Fixtures.run(request, chunks, null);
            Response response = StreamInvariants.check(events);
            assertThat(response.output()).hasSize(2);
            ContentPart.OutputText part = (ContentPart.OutputText)
                    ((Item.Message) response.output().get(1)).content().get(0);
            assertThat(part.text()).isEqualTo("Checking");
            assertThat(part.audio().orElseThrow().data()).isEqualTo(pieces.get(0));
        }

        @Test
        void anAudioDeltaOfNullOrOtherTypesIsNoAudio() {
            List<ChatChunk> chunks = List.of(
                    chunk("{\"role\":\"assistant\",\"content\":\"Hi\",\"audio\":null}"),
                    chunk("{\"audio\":\"UklGRg==\"}"),
                    chunk("{\"audio\":{\"data\":7,\"transcript\":null,\"expires_at\":\"soon\"}}"));
            List<ResponseEvent> events = Fixtures.run(request(), chunks, null);
            Response response = StreamInvariants.check(events);
            ContentPart.OutputText part = (ContentPart.OutputText)
                    ((Item.Message) response.output().get(0)).content().get(0);
            assertThat(part.text()).isEqualTo("Hi");
            assertThat(part.audio()).isEmpty();
            assertThat(events).noneMatch(e -> e.type().startsWith("ors:"));
        }

        @Test
        void randomChunkingKeepsTheAudioWhole() {
            String data = Base64.getEncoder().encodeToString(audio);
            java.util.Random random = new java.util.Random(12);
            for (int run = 0; run < 20; run++) {
                List<ChatChunk> chunks = new ArrayList<>();
                chunks.add(chunk("{\"role\":\"assistant\",\"audio\":{\"id\":\"audio_1\"}}"));
                int at = 0;
                while (at < data.length()) {
                    int end = Math.min(data.length(), at + 1 + random.nextInt(200));
                    chunks.add(chunk("{\"audio\":{\"data\":\"" + data.substring(at, end) + "\",\"transcript\":\"w" + at
                            + " \"}}"));
                    at = end;
                }
                Response response = StreamInvariants.check(Fixtures.run(request(), chunks, null));
                ContentPart.OutputText part = (ContentPart.OutputText)
                        ((Item.Message) response.output().get(0)).content().get(0);
                assertThat(Base64.getDecoder().decode(part.audio().orElseThrow().data()))
                        .isEqualTo(audio);
            }
        }

        @Test
        void aStreamCutOffMidAudioKeepsWhatArrived() {
            List<ChatChunk> chunks = openAiChunks().subList(0, 4);
            List<ResponseEvent> events = Fixtures.run(request(), chunks, new java.io.IOException("connection reset"));
            Response response = StreamInvariants.check(events);
            assertThat(response.status()).isEqualTo("failed");
            ContentPart.OutputText part = (ContentPart.OutputText)
                    ((Item.Message) response.output().get(0)).content().get(0);
            assertThat(part.text()).isEqualTo("Hello, world");
            assertThat(decode(part.audio().orElseThrow().data()))
                    .isEqualTo(concat(decode(pieces.get(0)), decode(pieces.get(1))));
        }

        @Test
        void audioCutAnywhereInOneBase64TextStreamsInDecodableDeltas() {
            // Some providers cut one base64 text anywhere: the deltas are re-cut at whole quanta.
            String whole = Base64.getEncoder().encodeToString(audio);
            List<String> slices = pieces(whole, 9);
            assertThat(slices).anyMatch(slice -> slice.length() % 4 != 0);
            List<ChatChunk> chunks = new ArrayList<>();
            chunks.add(chunk("{\"role\":\"assistant\",\"audio\":{\"transcript\":\"Hi\"}}"));
            for (String slice : slices) {
                chunks.add(chunk("{\"audio\":{\"data\":\"" + slice + "\"}}"));
            }
            List<ResponseEvent> events = Fixtures.run(request(), chunks, null);
            Response response = StreamInvariants.check(events);
            List<String> deltas = events.stream()
                    .filter(ResponseEvent.OutputAudioDelta.class::isInstance)
                    .map(e -> ((ResponseEvent.OutputAudioDelta) e).delta())
                    .toList();
            assertThat(String.join("", deltas)).isEqualTo(whole);
            assertThat(decodeEach(deltas)).isEqualTo(audio);
            ContentPart.OutputText part = (ContentPart.OutputText)
                    ((Item.Message) response.output().get(0)).content().get(0);
            assertThat(part.audio().orElseThrow().data()).isEqualTo(whole);
        }
    }

    @Test
    void base64PiecesJoinIntoOneBase64Text() {
        assertThat(Base64Pieces.whole("AAEC" + "AwQ=")).isEqualTo("AAECAwQ=");
        // Pieces encoded on their own: the padding inside goes, the bytes stay.
        assertThat(Base64Pieces.whole("AQ==" + "AgM=" + "BA=="))
                .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4}));
        assertThat(Base64Pieces.whole("")).isEmpty();
        // Not base64 that can be mended: kept as it came.
        assertThat(Base64Pieces.whole("AQ==*Ag=")).isEqualTo("AQ==*Ag=");
    }

    static ChatChunk chunk(String delta) {
        return Fixtures.read(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-audio\","
                        + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}",
                ChatChunk.class);
    }

    static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    /** The base64 of each run of {@code sizes} bytes of {@code bytes}, on its own. */
    static List<String> encodedPieces(byte[] bytes, int... sizes) {
        List<String> pieces = new ArrayList<>();
        int at = 0;
        for (int size : sizes) {
            pieces.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(bytes, at, at + size)));
            at += size;
        }
        assertThat(at).isEqualTo(bytes.length);
        return pieces;
    }

    static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64);
    }

    /** The bytes of each base64 text, decoded on its own, in order. */
    static byte[] decodeEach(List<String> pieces) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        pieces.forEach(piece -> out.writeBytes(decode(piece)));
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** {@code text} cut into {@code n} pieces of about equal length. */
    static List<String> pieces(String text, int n) {
        List<String> pieces = new ArrayList<>();
        int size = (text.length() + n - 1) / n;
        for (int at = 0; at < text.length(); at += size) {
            pieces.add(text.substring(at, Math.min(text.length(), at + size)));
        }
        return pieces;
    }
}
