package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.List;
import java.util.Map;

/**
 * A response: the spec's {@code ResponseResource}. Every field is written, null or not, since the schema
 * requires all 31 keys in every snapshot, including those inside streaming events.
 *
 * @param id The response id, e.g. {@code resp_...}.
 * @param object Always {@code response}.
 * @param createdAt Creation time in Unix seconds.
 * @param completedAt Completion time in Unix seconds, null until terminal.
 * @param status A {@link ResponseStatus} value.
 * @param incompleteDetails Why the response is incomplete, or null.
 * @param model The model that produced it.
 * @param previousResponseId The response this one continues, or null.
 * @param instructions The instructions of this request, or null.
 * @param output The output items.
 * @param error Why the response failed, or null.
 * @param tools The tools offered to the model.
 * @param toolChoice How the model could use tools.
 * @param truncation {@code auto} or {@code disabled}.
 * @param parallelToolCalls Whether several tool calls per turn were allowed.
 * @param text The output format.
 * @param topP Nucleus sampling mass.
 * @param presencePenalty Presence penalty.
 * @param frequencyPenalty Frequency penalty.
 * @param topLogprobs Most-likely tokens returned per position.
 * @param temperature Sampling temperature.
 * @param reasoning Reasoning configuration, or null.
 * @param usage Token usage, null until terminal.
 * @param maxOutputTokens The output token budget, or null.
 * @param maxToolCalls The tool call budget, or null.
 * @param store Whether the response is stored.
 * @param background Whether it ran in the background.
 * @param serviceTier The service tier used.
 * @param metadata The request's metadata.
 * @param safetyIdentifier The end user's safety identifier, or null.
 * @param promptCacheKey The prompt cache key, or null.
 * @param extra unknown fields, kept
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Response(
        @JsonProperty("id") String id,
        @JsonProperty("object") String object,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("completed_at") Long completedAt,
        @JsonProperty("status") String status,
        @JsonProperty("incomplete_details") IncompleteDetails incompleteDetails,
        @JsonProperty("model") String model,
        @JsonProperty("previous_response_id") String previousResponseId,
        @JsonProperty("instructions") String instructions,
        @JsonProperty("output") List<Item> output,
        @JsonProperty("error") ResponseError error,
        @JsonProperty("tools") List<Tool> tools,
        @JsonProperty("tool_choice") ToolChoice toolChoice,
        @JsonProperty("truncation") String truncation,
        @JsonProperty("parallel_tool_calls") boolean parallelToolCalls,
        @JsonProperty("text") TextConfig text,
        @JsonProperty("top_p") double topP,
        @JsonProperty("presence_penalty") double presencePenalty,
        @JsonProperty("frequency_penalty") double frequencyPenalty,
        @JsonProperty("top_logprobs") int topLogprobs,
        @JsonProperty("temperature") double temperature,
        @JsonProperty("reasoning") ReasoningConfig reasoning,
        @JsonProperty("usage") Usage usage,
        @JsonProperty("max_output_tokens") Integer maxOutputTokens,
        @JsonProperty("max_tool_calls") Integer maxToolCalls,
        @JsonProperty("store") boolean store,
        @JsonProperty("background") boolean background,
        @JsonProperty("service_tier") String serviceTier,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("safety_identifier") String safetyIdentifier,
        @JsonProperty("prompt_cache_key") String promptCacheKey,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
    /** Copies collections and {@code extra}. */
    public Response {
        output = Extras.list(output);
        tools = Extras.list(tools);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        extra = Extras.copy(extra);
    }

    // The echo forms below differ from the request forms where the response schema is stricter.

    private static Tool echoTool(Tool tool) {
        if (tool instanceof Tool.Function f) {
            // Chat Completions applies strict=false when it is not sent, so that is what ran.
            return new Tool.Function(
                    f.name(), f.description(), f.parameters(), f.strict() != null && f.strict(), Map.of());
        }
        return tool;
    }

    private static ToolChoice echoToolChoice(ToolChoice choice) {
        if (choice == null) {
            return ToolChoice.AUTO;
        }
        if (choice instanceof ToolChoice.AllowedTools allowed && allowed.mode() == null) {
            return new ToolChoice.AllowedTools(ToolChoice.Mode.AUTO, allowed.tools());
        }
        return choice;
    }

    private static TextConfig echoText(TextConfig text) {
        if (text == null || text.format() == null) {
            return new TextConfig(TextFormat.TEXT, text == null ? null : text.verbosity(), Map.of());
        }
        TextFormat format = text.format() instanceof TextFormat.JsonSchema schema ? schema.echo() : text.format();
        return new TextConfig(format, text.verbosity(), Map.of());
    }

    /** A builder with every field unset. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from this value. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.object = object;
        b.createdAt = createdAt;
        b.completedAt = completedAt;
        b.status = status;
        b.incompleteDetails = incompleteDetails;
        b.model = model;
        b.previousResponseId = previousResponseId;
        b.instructions = instructions;
        b.output = output;
        b.error = error;
        b.tools = tools;
        b.toolChoice = toolChoice;
        b.truncation = truncation;
        b.parallelToolCalls = parallelToolCalls;
        b.text = text;
        b.topP = topP;
        b.presencePenalty = presencePenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.topLogprobs = topLogprobs;
        b.temperature = temperature;
        b.reasoning = reasoning;
        b.usage = usage;
        b.maxOutputTokens = maxOutputTokens;
        b.maxToolCalls = maxToolCalls;
        b.store = store;
        b.background = background;
        b.serviceTier = serviceTier;
        b.metadata = metadata;
        b.safetyIdentifier = safetyIdentifier;
        b.promptCacheKey = promptCacheKey;
        b.extra = extra;
        return b;
    }

    /** Builds {@link Response} values; unset fields take the spec's defaults. */
    public static final class Builder {
        private String id;
        private String object = "response";
        private long createdAt;
        private Long completedAt;
        private String status = ResponseStatus.IN_PROGRESS;
        private IncompleteDetails incompleteDetails;
        private String model;
        private String previousResponseId;
        private String instructions;
        private List<Item> output = List.of();
        private ResponseError error;
        private List<Tool> tools = List.of();
        private ToolChoice toolChoice = ToolChoice.AUTO;
        private String truncation = "disabled";
        private boolean parallelToolCalls = true;
        private TextConfig text = TextConfig.DEFAULT;
        private double topP = 1.0;
        private double presencePenalty;
        private double frequencyPenalty;
        private int topLogprobs;
        private double temperature = 1.0;
        private ReasoningConfig reasoning = ReasoningConfig.DEFAULT;
        private Usage usage;
        private Integer maxOutputTokens;
        private Integer maxToolCalls;
        private boolean store = true;
        private boolean background;
        private String serviceTier = "default";
        private Map<String, String> metadata = Map.of();
        private String safetyIdentifier;
        private String promptCacheKey;
        private Map<String, JsonNode> extra = Map.of();

        private Builder() {}

        /** Sets {@code id}: the response id, e.g. {@code resp_...}. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Sets {@code object}: always {@code response}. */
        public Builder object(String object) {
            this.object = object;
            return this;
        }

        /** Sets {@code created_at}: creation time in Unix seconds. */
        public Builder createdAt(long createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Sets {@code completed_at}: completion time in Unix seconds, null until terminal. */
        public Builder completedAt(Long completedAt) {
            this.completedAt = completedAt;
            return this;
        }

        /** Sets {@code status}: a {@link ResponseStatus} value. */
        public Builder status(String status) {
            this.status = status;
            return this;
        }

        /** Sets {@code incomplete_details}: why the response is incomplete, or null. */
        public Builder incompleteDetails(IncompleteDetails incompleteDetails) {
            this.incompleteDetails = incompleteDetails;
            return this;
        }

        /** Sets {@code model}: the model that produced it. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Sets {@code previous_response_id}: the response this one continues, or null. */
        public Builder previousResponseId(String previousResponseId) {
            this.previousResponseId = previousResponseId;
            return this;
        }

        /** Sets {@code instructions}: the instructions of this request, or null. */
        public Builder instructions(String instructions) {
            this.instructions = instructions;
            return this;
        }

        /** Sets {@code output}: the output items. */
        public Builder output(List<Item> output) {
            this.output = output;
            return this;
        }

        /** Sets {@code error}: why the response failed, or null. */
        public Builder error(ResponseError error) {
            this.error = error;
            return this;
        }

        /** Sets {@code tools}: the tools offered to the model. */
        public Builder tools(List<Tool> tools) {
            this.tools = tools;
            return this;
        }

        /** Sets {@code tool_choice}: how the model could use tools. */
        public Builder toolChoice(ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        /** Sets {@code truncation}: {@code auto} or {@code disabled}. */
        public Builder truncation(String truncation) {
            this.truncation = truncation;
            return this;
        }

        /** Sets {@code parallel_tool_calls}: whether several tool calls per turn were allowed. */
        public Builder parallelToolCalls(boolean parallelToolCalls) {
            this.parallelToolCalls = parallelToolCalls;
            return this;
        }

        /** Sets {@code text}: the output format. */
        public Builder text(TextConfig text) {
            this.text = text;
            return this;
        }

        /** Sets {@code top_p}: nucleus sampling mass. */
        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        /** Sets {@code presence_penalty}: presence penalty. */
        public Builder presencePenalty(double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        /** Sets {@code frequency_penalty}: frequency penalty. */
        public Builder frequencyPenalty(double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        /** Sets {@code top_logprobs}: most-likely tokens returned per position. */
        public Builder topLogprobs(int topLogprobs) {
            this.topLogprobs = topLogprobs;
            return this;
        }

        /** Sets {@code temperature}: sampling temperature. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Sets {@code reasoning}: reasoning configuration, or null. */
        public Builder reasoning(ReasoningConfig reasoning) {
            this.reasoning = reasoning;
            return this;
        }

        /** Sets {@code usage}: token usage, null until terminal. */
        public Builder usage(Usage usage) {
            this.usage = usage;
            return this;
        }

        /** Sets {@code max_output_tokens}: the output token budget, or null. */
        public Builder maxOutputTokens(Integer maxOutputTokens) {
            this.maxOutputTokens = maxOutputTokens;
            return this;
        }

        /** Sets {@code max_tool_calls}: the tool call budget, or null. */
        public Builder maxToolCalls(Integer maxToolCalls) {
            this.maxToolCalls = maxToolCalls;
            return this;
        }

        /** Sets {@code store}: whether the response is stored. */
        public Builder store(boolean store) {
            this.store = store;
            return this;
        }

        /** Sets {@code background}: whether it ran in the background. */
        public Builder background(boolean background) {
            this.background = background;
            return this;
        }

        /** Sets {@code service_tier}: the service tier used. */
        public Builder serviceTier(String serviceTier) {
            this.serviceTier = serviceTier;
            return this;
        }

        /** Sets {@code metadata}: the request's metadata. */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** Sets {@code safety_identifier}: the end user's safety identifier, or null. */
        public Builder safetyIdentifier(String safetyIdentifier) {
            this.safetyIdentifier = safetyIdentifier;
            return this;
        }

        /** Sets {@code prompt_cache_key}: the prompt cache key, or null. */
        public Builder promptCacheKey(String promptCacheKey) {
            this.promptCacheKey = promptCacheKey;
            return this;
        }

        /** Sets the unknown fields to carry. */
        public Builder extra(Map<String, JsonNode> extra) {
            this.extra = extra;
            return this;
        }

        /**
         * Echoes {@code request}'s configuration and fills the spec's defaults for what it omitted, so that every
         * required field has a value: the form of {@code response.created} and every later snapshot.
         */
        public Builder echo(CreateResponseRequest request) {
            this.object = "response";
            this.status = ResponseStatus.IN_PROGRESS;
            this.model = request.model();
            this.previousResponseId = request.previousResponseId();
            this.instructions = request.instructions();
            this.output = List.of();
            this.tools = request.tools() == null
                    ? List.of()
                    : request.tools().stream().map(Response::echoTool).toList();
            this.toolChoice = echoToolChoice(request.toolChoice());
            this.truncation = request.truncation() == null ? "disabled" : request.truncation();
            this.parallelToolCalls = request.parallelToolCalls() == null || request.parallelToolCalls();
            this.text = echoText(request.text());
            this.topP = request.topP() == null ? 1.0 : request.topP();
            this.presencePenalty = request.presencePenalty() == null ? 0.0 : request.presencePenalty();
            this.frequencyPenalty = request.frequencyPenalty() == null ? 0.0 : request.frequencyPenalty();
            this.topLogprobs = request.topLogprobs() == null ? 0 : request.topLogprobs();
            this.temperature = request.temperature() == null ? 1.0 : request.temperature();
            this.reasoning = request.reasoning() == null ? ReasoningConfig.DEFAULT : request.reasoning();
            this.maxOutputTokens = request.maxOutputTokens();
            this.maxToolCalls = request.maxToolCalls();
            this.store = request.isStored();
            this.background = Boolean.TRUE.equals(request.background());
            this.serviceTier = request.serviceTier() == null || "auto".equals(request.serviceTier())
                    ? "default"
                    : request.serviceTier();
            this.metadata = request.metadata() == null ? Map.of() : request.metadata();
            this.safetyIdentifier = request.safetyIdentifier();
            this.promptCacheKey = request.promptCacheKey();
            return this;
        }

        /** Builds the value. */
        public Response build() {
            return new Response(
                    id,
                    object,
                    createdAt,
                    completedAt,
                    status,
                    incompleteDetails,
                    model,
                    previousResponseId,
                    instructions,
                    output,
                    error,
                    tools,
                    toolChoice,
                    truncation,
                    parallelToolCalls,
                    text,
                    topP,
                    presencePenalty,
                    frequencyPenalty,
                    topLogprobs,
                    temperature,
                    reasoning,
                    usage,
                    maxOutputTokens,
                    maxToolCalls,
                    store,
                    background,
                    serviceTier,
                    metadata,
                    safetyIdentifier,
                    promptCacheKey,
                    extra);
        }
    }
}
