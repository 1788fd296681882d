package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * The {@code text} configuration: output {@code format} and {@code verbosity} ({@code low}, {@code medium},
 * {@code high}).
 *
 * @param format the output format, or null for plain text
 * @param verbosity the requested verbosity, or null
 * @param extra unknown fields, kept
 */
public record TextConfig(
        TextFormat format,
        String verbosity,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
    /** Plain text, default verbosity. */
    public static final TextConfig DEFAULT = new TextConfig(TextFormat.TEXT, null, Map.of());

    /** Normalizes {@code extra}. */
    public TextConfig {
        extra = Extras.copy(extra);
    }

    /** A configuration with just a format. */
    public static TextConfig of(TextFormat format) {
        return new TextConfig(format, null, Map.of());
    }
}
