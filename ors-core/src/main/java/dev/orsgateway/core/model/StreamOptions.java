package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Options for a streamed response.
 *
 * @param includeObfuscation whether delta events may carry {@code obfuscation} padding, or null
 */
public record StreamOptions(
        @JsonProperty("include_obfuscation") Boolean includeObfuscation) {}
