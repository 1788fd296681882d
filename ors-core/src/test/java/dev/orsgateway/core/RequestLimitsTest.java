package dev.orsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import org.junit.jupiter.api.Test;

/** The checks on a request's JSON; the servlet's tests cover each bound over HTTP. */
class RequestLimitsTest {

    private static JsonNode json(String text) throws Exception {
        return OrsJson.mapper().readTree(text);
    }

    private static String nested(int depth) {
        // the request object is depth 1; each array adds one
        return "{\"model\":\"m\",\"x\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    @Test
    void theDefaultDepthIsCountedFromTheRequestObject() throws Exception {
        RequestLimits limits = RequestLimits.defaults();
        assertThatCode(() -> limits.check(json(nested(128)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> limits.check(json(nested(129)))).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.error().code()).isEqualTo("nesting_too_deep");
            assertThat(e.error().param()).startsWith("x[0][0]");
        });
    }

    @Test
    void inlineDataHasItsOwnBoundOnlyInItsFields() throws Exception {
        RequestLimits limits = RequestLimits.builder()
                .maxStringLength(12)
                .maxInlineDataLength(20)
                .build();
        String audio = "{\"input\":[{\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"%s\"}}]}]}";
        assertThatCode(() -> limits.check(json(audio.formatted("A".repeat(20)))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> limits.check(json(audio.formatted("A".repeat(21)))))
                .isInstanceOfSatisfying(
                        OrsException.class,
                        e -> assertThat(e.error().param()).isEqualTo("input[0].content[0].input_audio.data"));
        // A field named data elsewhere is text.
        assertThatThrownBy(() -> limits.check(json("{\"tools\":[{\"data\":\"" + "A".repeat(13) + "\"}]}")))
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.error().param()).isEqualTo("tools[0].data"));
    }

    @Test
    void theBuilderRefusesBoundsThatCannotHold() {
        assertThatThrownBy(() -> RequestLimits.builder().maxNestingDepth(OrsJson.MAX_NESTING_DEPTH + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestLimits.builder().maxTools(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
