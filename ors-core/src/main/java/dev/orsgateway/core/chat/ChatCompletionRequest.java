package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import dev.orsgateway.core.json.OrsJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code POST /chat/completions} request body. Every field but {@code model} and {@code messages} is optional and
 * omitted when {@code null}; provider-specific keys ({@code top_k}, {@code min_p}, {@code chat_template_kwargs},
 * OpenRouter's {@code provider}, Ollama's {@code think}, ...) go in {@code extra}. Build one with
 * {@link #builder()}.
 *
 * @param model the model id
 * @param messages the conversation
 * @param tools the tools the model may call
 * @param toolChoice how the model chooses tools
 * @param parallelToolCalls whether several tool calls may be made in one turn
 * @param responseFormat the required output format
 * @param stream whether to stream chunks over SSE
 * @param streamOptions streaming options, e.g. {@code include_usage}
 * @param temperature the sampling temperature
 * @param topP the nucleus sampling mass
 * @param presencePenalty the presence penalty
 * @param frequencyPenalty the frequency penalty
 * @param maxTokens the legacy output token limit (still the one most non-OpenAI servers read)
 * @param maxCompletionTokens the output token limit including reasoning tokens (OpenAI's current name)
 * @param n the number of choices to generate
 * @param stop stop sequences; a single string on the wire is read as a one-element list, and always written as an
 *     array
 * @param seed the sampling seed
 * @param logprobs whether to return log probabilities
 * @param topLogprobs how many alternatives per token to return with log probabilities
 * @param user the legacy end-user identifier
 * @param safetyIdentifier a stable hashed end-user identifier for abuse detection
 * @param promptCacheKey a key that groups requests for prompt caching
 * @param reasoningEffort the reasoning effort: OpenAI uses {@code minimal}, {@code low}, {@code medium},
 *     {@code high} (and newer values); other providers' values pass through
 * @param serviceTier the requested service tier
 * @param metadata key-value metadata stored with the completion
 * @param store whether the provider stores the completion
 * @param logitBias token id (as a string) to bias in {@code [-100, 100]}
 * @param modalities the output modalities, e.g. {@code ["text","audio"]}
 * @param audio the audio output parameters, required with the {@code audio} modality
 * @param verbosity the answer verbosity: {@code low}, {@code medium} or {@code high}
 * @param extra provider-specific and unknown fields, kept for forwarding
 */
@JsonPropertyOrder({
    "model",
    "messages",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "response_format",
    "stream",
    "stream_options",
    "temperature",
    "top_p",
    "presence_penalty",
    "frequency_penalty",
    "max_tokens",
    "max_completion_tokens",
    "n",
    "stop",
    "seed",
    "logprobs",
    "top_logprobs",
    "user",
    "safety_identifier",
    "prompt_cache_key",
    "reasoning_effort",
    "service_tier",
    "metadata",
    "store",
    "logit_bias",
    "modalities",
    "audio",
    "verbosity"
})
public record ChatCompletionRequest(
        @JsonProperty("model") String model,
        @JsonProperty("messages") List<ChatMessage> messages,
        @JsonProperty("tools") List<ChatTool> tools,
        @JsonProperty("tool_choice") ChatToolChoice toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        @JsonProperty("response_format") ResponseFormat responseFormat,
        @JsonProperty("stream") Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        @JsonProperty("n") Integer n,

        @JsonProperty("stop") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> stop,

        @JsonProperty("seed") Long seed,
        @JsonProperty("logprobs") Boolean logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        @JsonProperty("user") String user,
        @JsonProperty("safety_identifier") String safetyIdentifier,
        @JsonProperty("prompt_cache_key") String promptCacheKey,
        @JsonProperty("reasoning_effort") String reasoningEffort,
        @JsonProperty("service_tier") String serviceTier,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("store") Boolean store,
        @JsonProperty("logit_bias") Map<String, Integer> logitBias,
        @JsonProperty("modalities") List<String> modalities,
        @JsonProperty("audio") AudioOptions audio,
        @JsonProperty("verbosity") String verbosity,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    /**
     * Copies the lists and maps; {@code null} ones stay absent, {@code extra} becomes empty.
     *
     * @param model the model id
     * @param messages the conversation
     * @param tools the tools the model may call
     * @param toolChoice how the model chooses tools
     * @param parallelToolCalls whether several tool calls may be made in one turn
     * @param responseFormat the required output format
     * @param stream whether to stream chunks over SSE
     * @param streamOptions streaming options, e.g. {@code include_usage}
     * @param temperature the sampling temperature
     * @param topP the nucleus sampling mass
     * @param presencePenalty the presence penalty
     * @param frequencyPenalty the frequency penalty
     * @param maxTokens the legacy output token limit (still the one most non-OpenAI servers read)
     * @param maxCompletionTokens the output token limit including reasoning tokens (OpenAI's current name)
     * @param n the number of choices to generate
     * @param stop stop sequences; a single string on the wire is read as a one-element list, and always written as an
     *     array
     * @param seed the sampling seed
     * @param logprobs whether to return log probabilities
     * @param topLogprobs how many alternatives per token to return with log probabilities
     * @param user the legacy end-user identifier
     * @param safetyIdentifier a stable hashed end-user identifier for abuse detection
     * @param promptCacheKey a key that groups requests for prompt caching
     * @param reasoningEffort the reasoning effort: OpenAI uses {@code minimal}, {@code low}, {@code medium},
     *     {@code high} (and newer values); other providers' values pass through
     * @param serviceTier the requested service tier
     * @param metadata key-value metadata stored with the completion
     * @param store whether the provider stores the completion
     * @param logitBias token id (as a string) to bias in {@code [-100, 100]}
     * @param modalities the output modalities, e.g. {@code ["text","audio"]}
     * @param audio the audio output parameters, required with the {@code audio} modality
     * @param verbosity the answer verbosity: {@code low}, {@code medium} or {@code high}
     * @param extra provider-specific and unknown fields, kept for forwarding
     */
    public ChatCompletionRequest {
        messages = Copies.list(messages);
        tools = Copies.list(tools);
        stop = Copies.list(stop);
        metadata = Copies.map(metadata);
        logitBias = Copies.map(logitBias);
        modalities = Copies.list(modalities);
        extra = Extras.copy(extra);
    }

    /**
     * An empty builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder initialised with every field of this request.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Whether this is a streaming request.
     *
     * @return {@code true} only when {@code stream} is {@code true}
     */
    @JsonIgnore
    public boolean isStreaming() {
        return Boolean.TRUE.equals(stream);
    }

    /**
     * The request's {@code stream_options}.
     *
     * @param includeUsage whether a final chunk with empty {@code choices} carries the usage
     * @param includeObfuscation whether OpenAI pads chunks with a random {@code obfuscation} field
     * @param extra unknown fields, kept for forwarding
     */
    public record StreamOptions(
            @JsonProperty("include_usage") Boolean includeUsage,
            @JsonProperty("include_obfuscation") Boolean includeObfuscation,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}.
         *
         * @param includeUsage whether a final chunk with empty {@code choices} carries the usage
         * @param includeObfuscation whether OpenAI pads chunks with a random {@code obfuscation} field
         * @param extra unknown fields, kept for forwarding
         */
        public StreamOptions {
            extra = Extras.copy(extra);
        }

        /**
         * Stream options with only {@code include_usage}.
         *
         * @param includeUsage whether to send usage on a final chunk
         */
        public StreamOptions(Boolean includeUsage) {
            this(includeUsage, null, null);
        }
    }

    /**
     * The request's {@code audio} output parameters.
     *
     * @param voice a built-in voice name (a JSON string) or a custom voice reference such as {@code {"id":...}}
     * @param format the output format, e.g. {@code wav}, {@code mp3}, {@code pcm16}
     * @param extra unknown fields, kept for forwarding
     */
    public record AudioOptions(
            @JsonProperty("voice") JsonNode voice,
            @JsonProperty("format") String format,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}; a JSON {@code null} voice counts as absent.
         *
         * @param voice a built-in voice name (a JSON string) or a custom voice reference such as {@code {"id":...}}
         * @param format the output format, e.g. {@code wav}, {@code mp3}, {@code pcm16}
         * @param extra unknown fields, kept for forwarding
         */
        public AudioOptions {
            voice = Copies.node(voice);
            extra = Extras.copy(extra);
        }

        /**
         * Audio options with a built-in voice.
         *
         * @param voice the voice name
         * @param format the output format
         */
        public AudioOptions(String voice, String format) {
            this(voice == null ? null : OrsJson.mapper().getNodeFactory().textNode(voice), format, null);
        }
    }

    /** A mutable builder for {@link ChatCompletionRequest}; not thread-safe. */
    public static final class Builder {

        private String model;
        private List<ChatMessage> messages;
        private List<ChatTool> tools;
        private ChatToolChoice toolChoice;
        private Boolean parallelToolCalls;
        private ResponseFormat responseFormat;
        private Boolean stream;
        private StreamOptions streamOptions;
        private Double temperature;
        private Double topP;
        private Double presencePenalty;
        private Double frequencyPenalty;
        private Integer maxTokens;
        private Integer maxCompletionTokens;
        private Integer n;
        private List<String> stop;
        private Long seed;
        private Boolean logprobs;
        private Integer topLogprobs;
        private String user;
        private String safetyIdentifier;
        private String promptCacheKey;
        private String reasoningEffort;
        private String serviceTier;
        private Map<String, String> metadata;
        private Boolean store;
        private Map<String, Integer> logitBias;
        private List<String> modalities;
        private AudioOptions audio;
        private String verbosity;
        private final Map<String, JsonNode> extra = new LinkedHashMap<>();

        private Builder() {}

        private Builder(ChatCompletionRequest r) {
            model = r.model;
            messages = r.messages == null ? null : new ArrayList<>(r.messages);
            tools = r.tools == null ? null : new ArrayList<>(r.tools);
            toolChoice = r.toolChoice;
            parallelToolCalls = r.parallelToolCalls;
            responseFormat = r.responseFormat;
            stream = r.stream;
            streamOptions = r.streamOptions;
            temperature = r.temperature;
            topP = r.topP;
            presencePenalty = r.presencePenalty;
            frequencyPenalty = r.frequencyPenalty;
            maxTokens = r.maxTokens;
            maxCompletionTokens = r.maxCompletionTokens;
            n = r.n;
            stop = r.stop;
            seed = r.seed;
            logprobs = r.logprobs;
            topLogprobs = r.topLogprobs;
            user = r.user;
            safetyIdentifier = r.safetyIdentifier;
            promptCacheKey = r.promptCacheKey;
            reasoningEffort = r.reasoningEffort;
            serviceTier = r.serviceTier;
            metadata = r.metadata == null ? null : new LinkedHashMap<>(r.metadata);
            store = r.store;
            logitBias = r.logitBias;
            modalities = r.modalities;
            audio = r.audio;
            verbosity = r.verbosity;
            extra.putAll(r.extra);
        }

        /**
         * Sets {@code model}.
         *
         * @param model the model id
         * @return this builder
         */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /**
         * Replaces {@code messages}.
         *
         * @param messages the conversation, or {@code null}
         * @return this builder
         */
        public Builder messages(List<? extends ChatMessage> messages) {
            this.messages = messages == null ? null : new ArrayList<>(messages);
            return this;
        }

        /**
         * Appends to {@code messages}.
         *
         * @param message the message to append
         * @return this builder
         */
        public Builder addMessage(ChatMessage message) {
            if (messages == null) {
                messages = new ArrayList<>();
            }
            messages.add(message);
            return this;
        }

        /**
         * Replaces {@code tools}.
         *
         * @param tools the tools, or {@code null}
         * @return this builder
         */
        public Builder tools(List<? extends ChatTool> tools) {
            this.tools = tools == null ? null : new ArrayList<>(tools);
            return this;
        }

        /**
         * Appends to {@code tools}.
         *
         * @param tool the tool to append
         * @return this builder
         */
        public Builder addTool(ChatTool tool) {
            if (tools == null) {
                tools = new ArrayList<>();
            }
            tools.add(tool);
            return this;
        }

        /**
         * Sets {@code tool_choice}.
         *
         * @param toolChoice the tool choice, or {@code null}
         * @return this builder
         */
        public Builder toolChoice(ChatToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        /**
         * Sets {@code parallel_tool_calls}.
         *
         * @param parallelToolCalls the flag, or {@code null}
         * @return this builder
         */
        public Builder parallelToolCalls(Boolean parallelToolCalls) {
            this.parallelToolCalls = parallelToolCalls;
            return this;
        }

        /**
         * Sets {@code response_format}.
         *
         * @param responseFormat the format, or {@code null}
         * @return this builder
         */
        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        /**
         * Sets {@code stream}.
         *
         * @param stream the flag, or {@code null}
         * @return this builder
         */
        public Builder stream(Boolean stream) {
            this.stream = stream;
            return this;
        }

        /**
         * Sets {@code stream_options}.
         *
         * @param streamOptions the options, or {@code null}
         * @return this builder
         */
        public Builder streamOptions(StreamOptions streamOptions) {
            this.streamOptions = streamOptions;
            return this;
        }

        /**
         * Sets {@code temperature}.
         *
         * @param temperature the temperature, or {@code null}
         * @return this builder
         */
        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * Sets {@code top_p}.
         *
         * @param topP the nucleus mass, or {@code null}
         * @return this builder
         */
        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        /**
         * Sets {@code presence_penalty}.
         *
         * @param presencePenalty the penalty, or {@code null}
         * @return this builder
         */
        public Builder presencePenalty(Double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        /**
         * Sets {@code frequency_penalty}.
         *
         * @param frequencyPenalty the penalty, or {@code null}
         * @return this builder
         */
        public Builder frequencyPenalty(Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        /**
         * Sets {@code max_tokens}.
         *
         * @param maxTokens the limit, or {@code null}
         * @return this builder
         */
        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Sets {@code max_completion_tokens}.
         *
         * @param maxCompletionTokens the limit, or {@code null}
         * @return this builder
         */
        public Builder maxCompletionTokens(Integer maxCompletionTokens) {
            this.maxCompletionTokens = maxCompletionTokens;
            return this;
        }

        /**
         * Sets {@code n}.
         *
         * @param n the number of choices, or {@code null}
         * @return this builder
         */
        public Builder n(Integer n) {
            this.n = n;
            return this;
        }

        /**
         * Sets {@code stop}.
         *
         * @param stop the stop sequences, or {@code null}
         * @return this builder
         */
        public Builder stop(List<String> stop) {
            this.stop = stop;
            return this;
        }

        /**
         * Sets {@code stop}.
         *
         * @param stop the stop sequences
         * @return this builder
         */
        public Builder stop(String... stop) {
            this.stop = Arrays.asList(stop);
            return this;
        }

        /**
         * Sets {@code seed}.
         *
         * @param seed the seed, or {@code null}
         * @return this builder
         */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets {@code logprobs}.
         *
         * @param logprobs the flag, or {@code null}
         * @return this builder
         */
        public Builder logprobs(Boolean logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /**
         * Sets {@code top_logprobs}.
         *
         * @param topLogprobs the count, or {@code null}
         * @return this builder
         */
        public Builder topLogprobs(Integer topLogprobs) {
            this.topLogprobs = topLogprobs;
            return this;
        }

        /**
         * Sets {@code user}.
         *
         * @param user the end-user identifier, or {@code null}
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * Sets {@code safety_identifier}.
         *
         * @param safetyIdentifier the identifier, or {@code null}
         * @return this builder
         */
        public Builder safetyIdentifier(String safetyIdentifier) {
            this.safetyIdentifier = safetyIdentifier;
            return this;
        }

        /**
         * Sets {@code prompt_cache_key}.
         *
         * @param promptCacheKey the key, or {@code null}
         * @return this builder
         */
        public Builder promptCacheKey(String promptCacheKey) {
            this.promptCacheKey = promptCacheKey;
            return this;
        }

        /**
         * Sets {@code reasoning_effort}.
         *
         * @param reasoningEffort the effort, or {@code null}
         * @return this builder
         */
        public Builder reasoningEffort(String reasoningEffort) {
            this.reasoningEffort = reasoningEffort;
            return this;
        }

        /**
         * Sets {@code service_tier}.
         *
         * @param serviceTier the tier, or {@code null}
         * @return this builder
         */
        public Builder serviceTier(String serviceTier) {
            this.serviceTier = serviceTier;
            return this;
        }

        /**
         * Replaces {@code metadata}.
         *
         * @param metadata the metadata, or {@code null}
         * @return this builder
         */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata == null ? null : new LinkedHashMap<>(metadata);
            return this;
        }

        /**
         * Adds one {@code metadata} entry.
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder putMetadata(String key, String value) {
            if (metadata == null) {
                metadata = new LinkedHashMap<>();
            }
            metadata.put(key, value);
            return this;
        }

        /**
         * Sets {@code store}.
         *
         * @param store the flag, or {@code null}
         * @return this builder
         */
        public Builder store(Boolean store) {
            this.store = store;
            return this;
        }

        /**
         * Sets {@code logit_bias}.
         *
         * @param logitBias token id to bias, or {@code null}
         * @return this builder
         */
        public Builder logitBias(Map<String, Integer> logitBias) {
            this.logitBias = logitBias;
            return this;
        }

        /**
         * Sets {@code modalities}.
         *
         * @param modalities the output modalities, or {@code null}
         * @return this builder
         */
        public Builder modalities(List<String> modalities) {
            this.modalities = modalities;
            return this;
        }

        /**
         * Sets {@code audio}.
         *
         * @param audio the audio output parameters, or {@code null}
         * @return this builder
         */
        public Builder audio(AudioOptions audio) {
            this.audio = audio;
            return this;
        }

        /**
         * Sets {@code verbosity}.
         *
         * @param verbosity the verbosity, or {@code null}
         * @return this builder
         */
        public Builder verbosity(String verbosity) {
            this.verbosity = verbosity;
            return this;
        }

        /**
         * Replaces all provider-specific fields.
         *
         * @param extra the fields, or {@code null} for none
         * @return this builder
         */
        public Builder extra(Map<String, JsonNode> extra) {
            this.extra.clear();
            if (extra != null) {
                this.extra.putAll(extra);
            }
            return this;
        }

        /**
         * Sets one provider-specific field, e.g. {@code putExtra("top_k", IntNode.valueOf(40))}.
         *
         * @param key the JSON key, which must not be one of the named fields
         * @param value the JSON value; {@code null} removes the key
         * @return this builder
         */
        public Builder putExtra(String key, JsonNode value) {
            if (value == null) {
                extra.remove(key);
            } else {
                extra.put(key, value);
            }
            return this;
        }

        /**
         * Sets one provider-specific field from any value Jackson can write, e.g.
         * {@code putExtra("chat_template_kwargs", Map.of("enable_thinking", false))}.
         *
         * @param key the JSON key, which must not be one of the named fields
         * @param value the value; {@code null} removes the key
         * @return this builder
         */
        public Builder putExtra(String key, Object value) {
            return putExtra(key, value == null ? null : OrsJson.tree(value));
        }

        /**
         * Builds the immutable request.
         *
         * @return the request
         */
        public ChatCompletionRequest build() {
            return new ChatCompletionRequest(
                    model,
                    messages,
                    tools,
                    toolChoice,
                    parallelToolCalls,
                    responseFormat,
                    stream,
                    streamOptions,
                    temperature,
                    topP,
                    presencePenalty,
                    frequencyPenalty,
                    maxTokens,
                    maxCompletionTokens,
                    n,
                    stop,
                    seed,
                    logprobs,
                    topLogprobs,
                    user,
                    safetyIdentifier,
                    promptCacheKey,
                    reasoningEffort,
                    serviceTier,
                    metadata,
                    store,
                    logitBias,
                    modalities,
                    audio,
                    verbosity,
                    extra);
        }
    }
}
