package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.orsgateway.core.internal.Extras;
import dev.orsgateway.core.model.internal.InputDeserializer;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/responses} (the spec's {@code CreateResponseBody}). Every field is optional;
 * null means the client did not send it.
 *
 * @param model The model to use.
 * @param input The input items; a string input is read as one user message. Null when absent.
 * @param instructions A system (developer) message placed before the input; not inherited through {@code previous_response_id}.
 * @param previousResponseId The response whose input and output come before this input.
 * @param include Extra output to include: {@code reasoning.encrypted_content}, {@code message.output_text.logprobs}.
 * @param tools Tools the model may call.
 * @param toolChoice How the model may use tools.
 * @param parallelToolCalls Whether the model may call several tools in one turn.
 * @param metadata Up to 16 key-value pairs stored with the response.
 * @param text Output format and verbosity.
 * @param temperature Sampling temperature, 0 to 2.
 * @param topP Nucleus sampling mass, 0 to 1.
 * @param presencePenalty Penalty for tokens already present.
 * @param frequencyPenalty Penalty proportional to token frequency.
 * @param stream Whether to stream events.
 * @param streamOptions Options for streaming.
 * @param background Whether to run in the background.
 * @param maxOutputTokens The most tokens the model may generate.
 * @param maxToolCalls The most tool calls the response may contain.
 * @param reasoning Reasoning effort and summary.
 * @param safetyIdentifier A stable id of the end user, for abuse detection.
 * @param promptCacheKey A key that groups requests for prompt caching.
 * @param truncation {@code auto} or {@code disabled}.
 * @param store Whether to store the response so it can be continued or retrieved.
 * @param serviceTier {@code auto}, {@code default}, {@code flex} or {@code priority}.
 * @param topLogprobs How many most-likely tokens to return per position, 0 to 20.
 * @param user OpenAI's end-user id (not in the spec; superseded by {@code safety_identifier}).
 * @param modalities The output modalities, {@code ["text"]} or {@code ["text","audio"]} (an extension of this gateway,
 *     passed to the Chat Completions {@code modalities}; see the README's "Audio").
 * @param audio The voice and format of audio output, required with the {@code audio} modality (an extension of this
 *     gateway, passed to the Chat Completions {@code audio}).
 * @param extra unknown fields, kept
 */
public record CreateResponseRequest(
        @JsonProperty("model") String model,

        @JsonProperty("input") @JsonDeserialize(using = InputDeserializer.class)
        List<Item> input,

        @JsonProperty("instructions") String instructions,
        @JsonProperty("previous_response_id") String previousResponseId,
        @JsonProperty("include") List<String> include,
        @JsonProperty("tools") List<Tool> tools,
        @JsonProperty("tool_choice") ToolChoice toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("text") TextConfig text,
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("stream") Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        @JsonProperty("background") Boolean background,
        @JsonProperty("max_output_tokens") Integer maxOutputTokens,
        @JsonProperty("max_tool_calls") Integer maxToolCalls,
        @JsonProperty("reasoning") ReasoningConfig reasoning,
        @JsonProperty("safety_identifier") String safetyIdentifier,
        @JsonProperty("prompt_cache_key") String promptCacheKey,
        @JsonProperty("truncation") String truncation,
        @JsonProperty("store") Boolean store,
        @JsonProperty("service_tier") String serviceTier,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        @JsonProperty("user") String user,
        @JsonProperty("modalities") List<String> modalities,
        @JsonProperty("audio") AudioConfig audio,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
    /** Copies collections and {@code extra}. */
    public CreateResponseRequest {
        input = input == null ? null : List.copyOf(input);
        include = include == null ? null : List.copyOf(include);
        tools = tools == null ? null : List.copyOf(tools);
        metadata = metadata == null ? null : Map.copyOf(metadata);
        modalities = modalities == null ? null : List.copyOf(modalities);
        extra = Extras.copy(extra);
    }

    /** Whether the client asked for a stream. */
    @JsonIgnore
    public boolean isStreaming() {
        return Boolean.TRUE.equals(stream);
    }

    /** Whether the response is to be stored (the default, as in OpenAI's API). */
    @JsonIgnore
    public boolean isStored() {
        return !Boolean.FALSE.equals(store);
    }

    /** A builder with every field unset. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from this value. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.input = input;
        b.instructions = instructions;
        b.previousResponseId = previousResponseId;
        b.include = include;
        b.tools = tools;
        b.toolChoice = toolChoice;
        b.parallelToolCalls = parallelToolCalls;
        b.metadata = metadata;
        b.text = text;
        b.temperature = temperature;
        b.topP = topP;
        b.presencePenalty = presencePenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.stream = stream;
        b.streamOptions = streamOptions;
        b.background = background;
        b.maxOutputTokens = maxOutputTokens;
        b.maxToolCalls = maxToolCalls;
        b.reasoning = reasoning;
        b.safetyIdentifier = safetyIdentifier;
        b.promptCacheKey = promptCacheKey;
        b.truncation = truncation;
        b.store = store;
        b.serviceTier = serviceTier;
        b.topLogprobs = topLogprobs;
        b.user = user;
        b.modalities = modalities;
        b.audio = audio;
        b.extra = extra;
        return b;
    }

    /** Builds {@link CreateResponseRequest} values. */
    public static final class Builder {
        private String model;
        private List<Item> input;
        private String instructions;
        private String previousResponseId;
        private List<String> include;
        private List<Tool> tools;
        private ToolChoice toolChoice;
        private Boolean parallelToolCalls;
        private Map<String, String> metadata;
        private TextConfig text;
        private Double temperature;
        private Double topP;
        private Double presencePenalty;
        private Double frequencyPenalty;
        private Boolean stream;
        private StreamOptions streamOptions;
        private Boolean background;
        private Integer maxOutputTokens;
        private Integer maxToolCalls;
        private ReasoningConfig reasoning;
        private String safetyIdentifier;
        private String promptCacheKey;
        private String truncation;
        private Boolean store;
        private String serviceTier;
        private Integer topLogprobs;
        private String user;
        private List<String> modalities;
        private AudioConfig audio;
        private Map<String, JsonNode> extra = Map.of();

        private Builder() {}

        /** Sets {@code model}: the model to use. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Sets {@code input}: the input items; a string input is read as one user message. Null when absent. */
        public Builder input(List<Item> input) {
            this.input = input;
            return this;
        }

        /** Sets {@code instructions}: a system (developer) message placed before the input; not inherited through {@code previous_response_id}. */
        public Builder instructions(String instructions) {
            this.instructions = instructions;
            return this;
        }

        /** Sets {@code previous_response_id}: the response whose input and output come before this input. */
        public Builder previousResponseId(String previousResponseId) {
            this.previousResponseId = previousResponseId;
            return this;
        }

        /** Sets {@code include}: extra output to include: {@code reasoning.encrypted_content}, {@code message.output_text.logprobs}. */
        public Builder include(List<String> include) {
            this.include = include;
            return this;
        }

        /** Sets {@code tools}: tools the model may call. */
        public Builder tools(List<Tool> tools) {
            this.tools = tools;
            return this;
        }

        /** Sets {@code tool_choice}: how the model may use tools. */
        public Builder toolChoice(ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        /** Sets {@code parallel_tool_calls}: whether the model may call several tools in one turn. */
        public Builder parallelToolCalls(Boolean parallelToolCalls) {
            this.parallelToolCalls = parallelToolCalls;
            return this;
        }

        /** Sets {@code metadata}: up to 16 key-value pairs stored with the response. */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** Sets {@code text}: output format and verbosity. */
        public Builder text(TextConfig text) {
            this.text = text;
            return this;
        }

        /** Sets {@code temperature}: sampling temperature, 0 to 2. */
        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Sets {@code top_p}: nucleus sampling mass, 0 to 1. */
        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        /** Sets {@code presence_penalty}: penalty for tokens already present. */
        public Builder presencePenalty(Double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        /** Sets {@code frequency_penalty}: penalty proportional to token frequency. */
        public Builder frequencyPenalty(Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        /** Sets {@code stream}: whether to stream events. */
        public Builder stream(Boolean stream) {
            this.stream = stream;
            return this;
        }

        /** Sets {@code stream_options}: options for streaming. */
        public Builder streamOptions(StreamOptions streamOptions) {
            this.streamOptions = streamOptions;
            return this;
        }

        /** Sets {@code background}: whether to run in the background. */
        public Builder background(Boolean background) {
            this.background = background;
            return this;
        }

        /** Sets {@code max_output_tokens}: the most tokens the model may generate. */
        public Builder maxOutputTokens(Integer maxOutputTokens) {
            this.maxOutputTokens = maxOutputTokens;
            return this;
        }

        /** Sets {@code max_tool_calls}: the most tool calls the response may contain. */
        public Builder maxToolCalls(Integer maxToolCalls) {
            this.maxToolCalls = maxToolCalls;
            return this;
        }

        /** Sets {@code reasoning}: reasoning effort and summary. */
        public Builder reasoning(ReasoningConfig reasoning) {
            this.reasoning = reasoning;
            return this;
        }

        /** Sets {@code safety_identifier}: a stable id of the end user, for abuse detection. */
        public Builder safetyIdentifier(String safetyIdentifier) {
            this.safetyIdentifier = safetyIdentifier;
            return this;
        }

        /** Sets {@code prompt_cache_key}: a key that groups requests for prompt caching. */
        public Builder promptCacheKey(String promptCacheKey) {
            this.promptCacheKey = promptCacheKey;
            return this;
        }

        /** Sets {@code truncation}: {@code auto} or {@code disabled}. */
        public Builder truncation(String truncation) {
            this.truncation = truncation;
            return this;
        }

        /** Sets {@code store}: whether to store the response so it can be continued or retrieved. */
        public Builder store(Boolean store) {
            this.store = store;
            return this;
        }

        /** Sets {@code service_tier}: {@code auto}, {@code default}, {@code flex} or {@code priority}. */
        public Builder serviceTier(String serviceTier) {
            this.serviceTier = serviceTier;
            return this;
        }

        /** Sets {@code top_logprobs}: how many most-likely tokens to return per position, 0 to 20. */
        public Builder topLogprobs(Integer topLogprobs) {
            this.topLogprobs = topLogprobs;
            return this;
        }

        /** Sets {@code user}: openAI's end-user id (not in the spec; superseded by {@code safety_identifier}). */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** Sets {@code modalities}: the output modalities, e.g. {@code ["text","audio"]} (a gateway extension). */
        public Builder modalities(List<String> modalities) {
            this.modalities = modalities;
            return this;
        }

        /** Sets {@code audio}: the voice and format of audio output (a gateway extension). */
        public Builder audio(AudioConfig audio) {
            this.audio = audio;
            return this;
        }

        /** Sets the unknown fields to carry. */
        public Builder extra(Map<String, JsonNode> extra) {
            this.extra = extra;
            return this;
        }

        /** Sets {@code input} to one user message with {@code text}. */
        public Builder input(String text) {
            this.input = List.of(Item.Message.user(text));
            return this;
        }

        /** Builds the value. */
        public CreateResponseRequest build() {
            return new CreateResponseRequest(
                    model,
                    input,
                    instructions,
                    previousResponseId,
                    include,
                    tools,
                    toolChoice,
                    parallelToolCalls,
                    metadata,
                    text,
                    temperature,
                    topP,
                    presencePenalty,
                    frequencyPenalty,
                    stream,
                    streamOptions,
                    background,
                    maxOutputTokens,
                    maxToolCalls,
                    reasoning,
                    safetyIdentifier,
                    promptCacheKey,
                    truncation,
                    store,
                    serviceTier,
                    topLogprobs,
                    user,
                    modalities,
                    audio,
                    extra);
        }
    }
}
