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
 * @param hostedTools what happens to hosted tools ({@code web_search}, {@code file_search}, {@code mcp}, ...) that a
 *     Chat Completions upstream cannot run
 */
public record TranscoderOptions(
        String defaultModel,
        String instructionsRole,
        String developerRole,
        String maxTokensField,
        boolean replayReasoning,
        HostedTools hostedTools) {

    /**
     * The defaults: no default model, {@code system} roles, {@code max_completion_tokens}, reasoning dropped, hosted
     * tools left out.
     */
    public static final TranscoderOptions DEFAULT =
            new TranscoderOptions(null, "system", "system", "max_completion_tokens", false, HostedTools.DROP);

    /** What happens to a hosted tool in a request: a tool the provider would run itself, which a chat model cannot. */
    public enum HostedTools {
        /** Left out of the upstream request, logged once per request at INFO: the model simply cannot use it. */
        DROP,
        /** The request is rejected with a 400 ({@code unsupported_tool_type}) that names every such tool. */
        REJECT
    }

    /** Checks the values. */
    public TranscoderOptions {
        requireOneOf("instructionsRole", instructionsRole, "system", "developer");
        requireOneOf("developerRole", developerRole, "system", "developer");
        requireOneOf("maxTokensField", maxTokensField, "max_completion_tokens", "max_tokens");
        Objects.requireNonNull(hostedTools, "hostedTools");
    }

    /** These options with another default model. */
    public TranscoderOptions withDefaultModel(String model) {
        return new TranscoderOptions(
                model, instructionsRole, developerRole, maxTokensField, replayReasoning, hostedTools);
    }

    /** These options with another field for the output token budget. */
    public TranscoderOptions withMaxTokensField(String field) {
        return new TranscoderOptions(
                defaultModel, instructionsRole, developerRole, field, replayReasoning, hostedTools);
    }

    /** These options with the given roles for instructions and developer messages. */
    public TranscoderOptions withRoles(String instructionsRole, String developerRole) {
        return new TranscoderOptions(
                defaultModel, instructionsRole, developerRole, maxTokensField, replayReasoning, hostedTools);
    }

    /** These options with reasoning replay on or off. */
    public TranscoderOptions withReplayReasoning(boolean replay) {
        return new TranscoderOptions(
                defaultModel, instructionsRole, developerRole, maxTokensField, replay, hostedTools);
    }

    /** These options with another policy for hosted tools. */
    public TranscoderOptions withHostedTools(HostedTools policy) {
        return new TranscoderOptions(
                defaultModel, instructionsRole, developerRole, maxTokensField, replayReasoning, policy);
    }

    private static void requireOneOf(String name, String value, String a, String b) {
        if (!Objects.equals(value, a) && !Objects.equals(value, b)) {
            throw new IllegalArgumentException(name + " must be \"" + a + "\" or \"" + b + "\", was " + value);
        }
    }
}
