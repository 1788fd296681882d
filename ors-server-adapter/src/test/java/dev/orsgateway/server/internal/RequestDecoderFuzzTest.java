package dev.orsgateway.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.RequestLimits;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.transcoder.ChatTranscoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes what a client's body goes through before any upstream call: {@link RequestParser} (the HTTP body and the
 * WebSocket message paths) and the transcoder's translation to a chat request. Properties: each either succeeds or
 * throws an {@link OrsException} with a 400 in the spec's shape whose message names no Java type (with {@link
 * RequestLimits} set tight, so that small inputs cross them); both parser paths agree; a request that translates also
 * serializes.
 *
 * <p>Without {@code JAZZER_FUZZ} it replays its corpus ({@code src/test/resources/.../RequestDecoderFuzzTestInputs}).
 */
class RequestDecoderFuzzTest {

    private static final ChatTranscoder TRANSCODER = ChatTranscoder.create();
    /** Tight bounds, so that inputs of a few hundred bytes cross every one of them. */
    private static final RequestLimits LIMITS = RequestLimits.builder()
            .maxInputItems(4)
            .maxNestingDepth(6)
            .maxStringLength(64)
            .maxInlineDataLength(96)
            .maxTools(3)
            .maxToolBytes(200)
            .maxMetadataPairs(4)
            .maxMetadataKeyLength(8)
            .maxMetadataValueLength(16)
            .build();

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "request.dict")
    void decodesOrAnswers400(byte[] body) {
        CreateResponseRequest request;
        try {
            request = RequestParser.parse(body, body.length, LIMITS);
        } catch (OrsException e) {
            assertSpecShaped(e, body);
            assertWebSocketPathAgrees(body, e);
            return;
        }
        assertWebSocketPathAgrees(body, null);
        try {
            OrsJson.writeBytes(TRANSCODER.toChatRequest(request, List.of()));
        } catch (OrsException e) {
            assertSpecShaped(e, body);
        }
    }

    private static void assertWebSocketPathAgrees(byte[] body, OrsException expected) {
        try {
            ObjectNode tree = RequestParser.readObject(body, body.length);
            LIMITS.check(tree);
            RequestParser.parse(tree);
            assertThat(expected)
                    .as("the body path failed, the message path did not")
                    .isNull();
        } catch (OrsException e) {
            assertThat(expected)
                    .as("the message path failed, the body path did not: %s", e.getMessage())
                    .isNotNull();
            assertThat(e.error()).isEqualTo(expected.error());
        }
    }

    /** A 400 in the spec's shape; its message may quote the client's text, but names no Java type of its own. */
    static void assertSpecShaped(OrsException e, byte[] body) {
        assertThat(e.httpStatus()).as("status of %s", e.error()).isEqualTo(400);
        assertThat(e.error().type()).isEqualTo(OrsException.INVALID_REQUEST);
        assertThat(e.error().code()).isNotBlank();
        assertThat(e.error().message()).isNotBlank();
        String sent = new String(body, StandardCharsets.UTF_8);
        for (String internal : List.of("java.", "com.fasterxml", "dev.orsgateway", "Exception")) {
            if (!sent.contains(internal)) {
                assertThat(e.error().message()).doesNotContain(internal);
            }
        }
    }
}
