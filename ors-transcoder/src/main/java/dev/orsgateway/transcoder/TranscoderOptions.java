package dev.orsgateway.transcoder;

import java.util.Objects;

/**
 * Choices in how requests are translated, for providers that differ. The defaults work with OpenAI, Azure OpenAI,
 * vLLM, Ollama, llama.cpp, Groq and OpenRouter alike; {@code docs/REQUEST-MAPPING.md} explains each.
 *
 * @param defaultModel the model used when a request names none, or null to reject such requests
 * @param instructionsRole the role that carries {@code instructions}: {@code system} or {@code developer}
 * @param developerRole the role {@code developer} messages are sent as: {@code system} or {@code developer}
 * @param maxTokensField where {@code max_output_tokens} goes: {@code max_completion_tokens} or {@code max_tokens}
 * @param replayReasoning whether earlier reasoning items are sent back as the assistant's {@code reasoning_content}
 */
public record TranscoderOptions(
        String defaultModel,
        String instructionsRole,
        String developerRole,
        String maxTokensField,
        boolean replayReasoning) {

    /** The defaults: no default model, {@code system} roles, {@code max_completion_tokens}, reasoning dropped. */
    public static final TranscoderOptions DEFAULT =
            new TranscoderOptions(null, "system", "system", "max_completion_tokens", false);

    /** Checks the values. */
    public TranscoderOptions {
        requireOneOf("instructionsRole", instructionsRole, "system", "developer");
        requireOneOf("developerRole", developerRole, "system", "developer");
        requireOneOf("maxTokensField", maxTokensField, "max_completion_tokens", "max_tokens");
    }

    /** These options with another default model. */
    public TranscoderOptions withDefaultModel(String model) {
        return new TranscoderOptions(model, instructionsRole, developerRole, maxTokensField, replayReasoning);
    }

    /** These options with another field for the output token budget. */
    public TranscoderOptions withMaxTokensField(String field) {
        return new TranscoderOptions(defaultModel, instructionsRole, developerRole, field, replayReasoning);
    }

    /** These options with the given roles for instructions and developer messages. */
    public TranscoderOptions withRoles(String instructionsRole, String developerRole) {
        return new TranscoderOptions(defaultModel, instructionsRole, developerRole, maxTokensField, replayReasoning);
    }

    /** These options with reasoning replay on or off. */
    public TranscoderOptions withReplayReasoning(boolean replay) {
        return new TranscoderOptions(defaultModel, instructionsRole, developerRole, maxTokensField, replay);
    }

    private static void requireOneOf(String name, String value, String a, String b) {
        if (!Objects.equals(value, a) && !Objects.equals(value, b)) {
            throw new IllegalArgumentException(name + " must be \"" + a + "\" or \"" + b + "\", was " + value);
        }
    }
}
