package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * The request's {@code audio}: how the model speaks when {@code modalities} includes {@code audio} (an extension
 * field of this gateway, passed to the Chat Completions {@code audio} parameter; see the README's "Audio").
 *
 * @param voice a voice name (a JSON string, e.g. {@code "alloy"}) or a custom voice reference ({@code {"id":...}});
 *     a JSON {@code null} counts as absent
 * @param format the audio format, e.g. {@code wav}, {@code mp3}, {@code pcm16}
 * @param extra unknown fields, kept and forwarded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AudioConfig(
        @JsonProperty("voice") JsonNode voice,
        @JsonProperty("format") String format,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
    /** Normalizes {@code voice} and {@code extra}. */
    public AudioConfig {
        voice = voice == null || voice.isNull() || voice.isMissingNode() ? null : voice;
        extra = Extras.copy(extra);
    }

    /** A built-in voice and a format. */
    public AudioConfig(String voice, String format) {
        this(voice == null ? null : TextNode.valueOf(voice), format, Map.of());
    }
}
