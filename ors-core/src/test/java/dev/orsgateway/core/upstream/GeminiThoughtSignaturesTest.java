package dev.orsgateway.core.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.testing.ScriptedUpstream;
import dev.orsgateway.core.testing.UpstreamFixtures;
import org.junit.jupiter.api.Test;

class GeminiThoughtSignaturesTest {

    private static final String SKIP = "skip_thought_signature_validator";

    private static ChatCompletionRequest request(String messages) throws Exception {
        return OrsJson.mapper()
                .readValue(
                        "{\"model\":\"gemini-3-flash-preview\",\"messages\":" + messages + "}",
                        ChatCompletionRequest.class);
    }

    private static String call(String id, String extra) {
        return "{\"id\":\"" + id
                + "\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}" + extra + "}";
    }

    private static JsonNode messages(ChatCompletionRequest request) {
        return OrsJson.tree(request).path("messages");
    }

    @Test
    void theFirstCallOfEachStepOfTheCurrentTurnGetsTheSentinelWhenItHasNoSignature() throws Exception {
        ChatCompletionRequest request = request("[{\"role\":\"user\",\"content\":\"Weather in Paris and Rome?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call("call_1", "") + ","
                + call("call_2", "") + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"18C\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":\"22C\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[" + call("call_3", "") + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_3\",\"content\":\"sunny\"}]");

        JsonNode sent = messages(GeminiThoughtSignatures.rewrite(request));

        assertThat(sent.at("/1/tool_calls/0/extra_content/google/thought_signature")
                        .asText())
                .isEqualTo(SKIP);
        // Of parallel calls Gemini validates the first only, as it signs only the first.
        assertThat(sent.at("/1/tool_calls/1").has("extra_content")).isFalse();
        assertThat(sent.at("/4/tool_calls/0/extra_content/google/thought_signature")
                        .asText())
                .isEqualTo(SKIP);
        assertThat(sent.at("/2")).isEqualTo(messages(request).at("/2"));
        assertThat(sent.at("/1/tool_calls/0/id").asText()).isEqualTo("call_1");
    }

    @Test
    void aRealSignatureIsKeptAndOtherMembersOfExtraContentStay() throws Exception {
        ChatCompletionRequest request = request("[{\"role\":\"user\",\"content\":\"Go\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":["
                + call("call_1", ",\"extra_content\":{\"google\":{\"thought_signature\":\"CiQB0e2K\"}}") + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"ok\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":["
                + call("call_2", ",\"extra_content\":{\"acme\":{\"trace\":7},\"google\":{\"cache\":\"x\"}}") + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":\"ok\"}]");

        ChatCompletionRequest rewritten = GeminiThoughtSignatures.rewrite(request);
        JsonNode sent = messages(rewritten);

        assertThat(sent.at("/1")).isEqualTo(messages(request).at("/1"));
        assertThat(rewritten.messages().get(1)).isSameAs(request.messages().get(1));
        assertThat(sent.at("/3/tool_calls/0/extra_content"))
                .isEqualTo(OrsJson.mapper()
                        .readTree("{\"acme\":{\"trace\":7},\"google\":{\"cache\":\"x\",\"thought_signature\":\"" + SKIP
                                + "\"}}"));
        // The request's own objects are not changed.
        assertThat(messages(request).at("/3/tool_calls/0/extra_content/google").has("thought_signature"))
                .isFalse();
    }

    @Test
    void stepsOfEarlierTurnsAreNotValidatedAndStayAsTheyAre() throws Exception {
        ChatCompletionRequest request = request("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[" + call("call_1", "") + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"18C\"},"
                + "{\"role\":\"assistant\",\"content\":\"18 degrees.\"},"
                + "{\"role\":\"user\",\"content\":\"Thanks!\"}]");

        assertThat(GeminiThoughtSignatures.rewrite(request)).isSameAs(request);
    }

    @Test
    void aRequestThatNeedsNoSentinelIsSentAsItIs() throws Exception {
        ChatCompletionRequest request = request("[{\"role\":\"user\",\"content\":\"hi\"}]");
        assertThat(GeminiThoughtSignatures.rewrite(request)).isSameAs(request);
        // Signed under Vertex AI's member, or extra_content the client made that is not an object: left alone.
        for (String extra : new String[] {
            ",\"extra_content\":{\"vertex\":{\"thought_signature\":\"AY89a18I\"}}", ",\"extra_content\":\"opaque\""
        }) {
            ChatCompletionRequest signed = request("[{\"role\":\"user\",\"content\":\"Go\"},"
                    + "{\"role\":\"assistant\",\"tool_calls\":[" + call("call_1", extra) + "]}]");
            assertThat(GeminiThoughtSignatures.rewrite(signed)).isSameAs(signed);
        }

        ScriptedUpstream upstream = new ScriptedUpstream();
        upstream.enqueueCompletion(upstream.completion("ok"));
        try (RewritingUpstream gemini = GeminiThoughtSignatures.wrap(upstream)) {
            gemini.complete(request).join();
            assertThat(upstream.lastRequest()).isSameAs(request);
            assertThat(gemini.describe()).isEqualTo(upstream.describe());
        }
    }

    @Test
    void theWrappedUpstreamReceivesTheSignedRequest() throws Exception {
        ChatCompletionRequest request = request("[{\"role\":\"user\",\"content\":\"Go\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[" + call("call_1", "") + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"ok\"}]");
        ScriptedUpstream upstream = new ScriptedUpstream();
        upstream.enqueueText("Done.");

        assertThat(UpstreamFixtures.content(
                        UpstreamFixtures.collect(GeminiThoughtSignatures.wrap(upstream).stream(request))))
                .isEqualTo("Done.");

        assertThat(messages(upstream.lastRequest())
                        .at("/1/tool_calls/0/extra_content/google/thought_signature")
                        .asText())
                .isEqualTo(SKIP);
    }
}
