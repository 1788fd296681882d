package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The {@code reasoning} configuration. Both keys are always written, since a response's echo requires them.
 *
 * @param effort {@code none}, {@code low}, {@code medium}, {@code high}, {@code xhigh} (or a provider's own value
 *     such as OpenAI's {@code minimal}), or null
 * @param summary {@code concise}, {@code detailed}, {@code auto}, or null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ReasoningConfig(String effort, String summary) {
    /** No effort or summary requested. */
    public static final ReasoningConfig DEFAULT = new ReasoningConfig(null, null);
}
