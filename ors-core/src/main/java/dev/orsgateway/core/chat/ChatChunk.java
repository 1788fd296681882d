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
 * One {@code chat.completion.chunk} of a streamed completion (the JSON of one SSE {@code data:} line).
 *
 * @param id the completion id, the same on every chunk (an integer id is read as its text); {@code null} when absent
 * @param object {@code chat.completion.chunk}; {@code null} when absent
 * @param created the creation time in Unix seconds; {@code null} when absent
 * @param model the model that answered; {@code null} when absent
 * @param systemFingerprint the backend configuration fingerprint; {@code null} when absent
 * @param serviceTier the tier that served the request; {@code null} when absent
 * @param choices the choice increments; empty on the usage-only final chunk, {@code null} when absent
 * @param usage token usage, on the final chunk when {@code stream_options.include_usage} is set; otherwise
 *     {@code null} (see {@link #findUsage()} for providers that put it elsewhere)
 * @param extra unknown fields (e.g. Groq's {@code x_groq}, OpenAI's {@code obfuscation}, OpenRouter's
 *     {@code provider} and mid-stream {@code error}), kept for forwarding
 */
@JsonPropertyOrder({"id", "object", "created", "model", "system_fingerprint", "service_tier", "choices", "usage"})
public record ChatChunk(
        @JsonProperty("id") @JsonDeserialize(using = IdDeserializer.class)
        String id,

        @JsonProperty("object") String object,
        @JsonProperty("created") Long created,
        @JsonProperty("model") String model,
        @JsonProperty("system_fingerprint") String systemFingerprint,
        @JsonProperty("service_tier") String serviceTier,
        @JsonProperty("choices") List<ChunkChoice> choices,
        @JsonProperty("usage") ChatUsage usage,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /** The {@code object} value of a chunk. */
    public static final String OBJECT = "chat.completion.chunk";

    /**
     * Copies {@code choices} and {@code extra}.
     *
     * @param id the completion id, the same on every chunk; {@code null} when absent
     * @param object {@code chat.completion.chunk}; {@code null} when absent
     * @param created the creation time in Unix seconds; {@code null} when absent
     * @param model the model that answered; {@code null} when absent
     * @param systemFingerprint the backend configuration fingerprint; {@code null} when absent
     * @param serviceTier the tier that served the request; {@code null} when absent
     * @param choices the choice increments; empty on the usage-only final chunk, {@code null} when absent
     * @param usage token usage, on the final chunk when {@code stream_options.include_usage} is set; otherwise
     *     {@code null} (see {@link #findUsage()} for providers that put it elsewhere)
     * @param extra unknown fields (e.g. Groq's {@code x_groq}, OpenAI's {@code obfuscation}, OpenRouter's
     *     {@code provider} and mid-stream {@code error}), kept for forwarding
     */
    public ChatChunk {
        choices = Copies.list(choices);
        extra = Extras.copy(extra);
    }

    /**
     * A chunk without fingerprint, tier or unknown fields.
     *
     * @param id the completion id
     * @param created the creation time in Unix seconds
     * @param model the model
     * @param choices the choice increments
     * @param usage the usage, or {@code null}
     */
    public ChatChunk(String id, Long created, String model, List<ChunkChoice> choices, ChatUsage usage) {
        this(id, OBJECT, created, model, null, null, choices, usage, null);
    }

    /**
     * The usage wherever this provider put it: the standard {@code usage}, else Groq's {@code x_groq.usage}, else a
     * choice's {@code usage} (Moonshot's).
     *
     * @return the usage, or empty when the chunk carries none
     */
    public Optional<ChatUsage> findUsage() {
        Optional<ChatUsage> found = ChatUsage.find(usage, extra);
        if (found.isPresent()) {
            return found;
        }
        if (choices == null) {
            return Optional.empty();
        }
        for (ChunkChoice choice : choices) {
            Optional<ChatUsage> inChoice = choice == null ? Optional.empty() : ChatUsage.inChoice(choice.extra());
            if (inChoice.isPresent()) {
                return inChoice;
            }
        }
        return Optional.empty();
    }

    /**
     * An error reported inside the stream as an {@code error} field of a chunk (OpenRouter sends this, with a
     * {@code finish_reason} of {@code error}, when the upstream fails after the response has started).
     *
     * @return the error, or empty when the chunk carries none
     */
    public Optional<ChatError> findError() {
        JsonNode error = extra.get("error");
        return error == null ? Optional.empty() : ChatError.fromErrorValue(error);
    }
}
