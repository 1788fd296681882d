package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.orsgateway.core.internal.Extras;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A non-streaming {@code chat.completion} response.
 *
 * @param id the completion id; {@code null} when absent
 * @param object {@code chat.completion}; {@code null} when absent
 * @param created the creation time in Unix seconds; {@code null} when absent
 * @param model the model that answered; {@code null} when absent
 * @param choices the generated choices; {@code null} when absent
 * @param usage token usage; {@code null} when absent
 * @param systemFingerprint the backend configuration fingerprint; {@code null} when absent
 * @param serviceTier the tier that served the request; {@code null} when absent
 * @param extra unknown fields (e.g. Groq's {@code x_groq}, OpenRouter's {@code provider}), kept for forwarding
 */
@JsonPropertyOrder({"id", "object", "created", "model", "choices", "usage", "system_fingerprint", "service_tier"})
public record ChatCompletion(
        @JsonProperty("id") @JsonDeserialize(using = IdDeserializer.class)
        String id,

        @JsonProperty("object") String object,
        @JsonProperty("created") Long created,
        @JsonProperty("model") String model,
        @JsonProperty("choices") List<CompletionChoice> choices,
        @JsonProperty("usage") ChatUsage usage,
        @JsonProperty("system_fingerprint") String systemFingerprint,
        @JsonProperty("service_tier") String serviceTier,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /** The {@code object} value of a completion. */
    public static final String OBJECT = "chat.completion";

    /**
     * Copies {@code choices} and {@code extra}.
     *
     * @param id the completion id; {@code null} when absent
     * @param object {@code chat.completion}; {@code null} when absent
     * @param created the creation time in Unix seconds; {@code null} when absent
     * @param model the model that answered; {@code null} when absent
     * @param choices the generated choices; {@code null} when absent
     * @param usage token usage; {@code null} when absent
     * @param systemFingerprint the backend configuration fingerprint; {@code null} when absent
     * @param serviceTier the tier that served the request; {@code null} when absent
     * @param extra unknown fields (e.g. Groq's {@code x_groq}, OpenRouter's {@code provider}), kept for forwarding
     */
    public ChatCompletion {
        choices = Copies.list(choices);
        extra = Extras.copy(extra);
    }

    /**
     * A completion without fingerprint, tier or unknown fields.
     *
     * @param id the completion id
     * @param created the creation time in Unix seconds
     * @param model the model
     * @param choices the choices
     * @param usage the usage, or {@code null}
     */
    public ChatCompletion(String id, Long created, String model, List<CompletionChoice> choices, ChatUsage usage) {
        this(id, OBJECT, created, model, choices, usage, null, null, null);
    }

    /**
     * The usage wherever this provider put it: the standard {@code usage}, else Groq's {@code x_groq.usage}.
     *
     * @return the usage, or empty when the completion carries none
     */
    public Optional<ChatUsage> findUsage() {
        return ChatUsage.find(usage, extra);
    }
}
