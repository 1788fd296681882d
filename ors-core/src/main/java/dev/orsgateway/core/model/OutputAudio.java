package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * Audio the model spoke: the value of the {@value #FIELD} extension field of an {@code output_text} part, whose
 * {@code text} is the audio's transcript (see {@link ContentPart.OutputText#audio()}). The spec's content unions admit
 * no new part type, so the audio rides on the standard part, and a client that knows nothing of it reads the
 * transcript as the answer.
 *
 * @param format the audio format the request asked for ({@code audio.format}), e.g. {@code wav} or {@code pcm16};
 *     null when unknown
 * @param data the whole audio, base64
 * @param id the provider's audio id, or null
 * @param expiresAt when the provider forgets {@code id}, in Unix seconds, or null
 * @param extra unknown fields, kept
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format", "data", "id", "expires_at"})
public record OutputAudio(
        @JsonProperty("format") String format,
        @JsonProperty("data") String data,
        @JsonProperty("id") String id,
        @JsonProperty("expires_at") Long expiresAt,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /** The name of the extension field on an {@code output_text} part that holds its audio. */
    public static final String FIELD = "ors:output_audio";

    /** Normalizes {@code extra}. */
    public OutputAudio {
        extra = Extras.copy(extra);
    }

    /** Audio without unknown fields. */
    public OutputAudio(String format, String data, String id, Long expiresAt) {
        this(format, data, id, expiresAt, Map.of());
    }
}
