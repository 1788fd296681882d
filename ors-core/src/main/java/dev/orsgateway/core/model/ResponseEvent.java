package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.List;
import java.util.Map;

/**
 * A streaming event of the Open Responses API. Every event carries its {@code type} and a {@code sequence_number}
 * that increases strictly from 0 within one response. Besides the spec's 24 events, OpenAI's two events of custom
 * tool calls ({@code response.custom_tool_call_input.delta} and {@code .done}) are modelled: they are sent only to
 * clients that declare custom tools. This gateway's own extension events, {@code ors:output_audio.delta} and
 * {@code .done}, carry audio the model speaks, and come only to clients that ask for audio. Events of unknown types
 * (provider extensions) are read as {@link Unknown} and written back unchanged.
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "type",
        visible = true,
        defaultImpl = ResponseEvent.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = ResponseEvent.Created.class, name = "response.created"),
    @JsonSubTypes.Type(value = ResponseEvent.Queued.class, name = "response.queued"),
    @JsonSubTypes.Type(value = ResponseEvent.InProgress.class, name = "response.in_progress"),
    @JsonSubTypes.Type(value = ResponseEvent.Completed.class, name = "response.completed"),
    @JsonSubTypes.Type(value = ResponseEvent.Failed.class, name = "response.failed"),
    @JsonSubTypes.Type(value = ResponseEvent.Incomplete.class, name = "response.incomplete"),
    @JsonSubTypes.Type(value = ResponseEvent.OutputItemAdded.class, name = "response.output_item.added"),
    @JsonSubTypes.Type(value = ResponseEvent.OutputItemDone.class, name = "response.output_item.done"),
    @JsonSubTypes.Type(value = ResponseEvent.ContentPartAdded.class, name = "response.content_part.added"),
    @JsonSubTypes.Type(value = ResponseEvent.ContentPartDone.class, name = "response.content_part.done"),
    @JsonSubTypes.Type(value = ResponseEvent.OutputTextDelta.class, name = "response.output_text.delta"),
    @JsonSubTypes.Type(value = ResponseEvent.OutputTextDone.class, name = "response.output_text.done"),
    @JsonSubTypes.Type(
            value = ResponseEvent.OutputTextAnnotationAdded.class,
            name = "response.output_text.annotation.added"),
    @JsonSubTypes.Type(value = ResponseEvent.RefusalDelta.class, name = "response.refusal.delta"),
    @JsonSubTypes.Type(value = ResponseEvent.RefusalDone.class, name = "response.refusal.done"),
    @JsonSubTypes.Type(value = ResponseEvent.ReasoningDelta.class, name = "response.reasoning.delta"),
    @JsonSubTypes.Type(value = ResponseEvent.ReasoningDone.class, name = "response.reasoning.done"),
    @JsonSubTypes.Type(
            value = ResponseEvent.ReasoningSummaryPartAdded.class,
            name = "response.reasoning_summary_part.added"),
    @JsonSubTypes.Type(
            value = ResponseEvent.ReasoningSummaryPartDone.class,
            name = "response.reasoning_summary_part.done"),
    @JsonSubTypes.Type(
            value = ResponseEvent.ReasoningSummaryTextDelta.class,
            name = "response.reasoning_summary_text.delta"),
    @JsonSubTypes.Type(
            value = ResponseEvent.ReasoningSummaryTextDone.class,
            name = "response.reasoning_summary_text.done"),
    @JsonSubTypes.Type(
            value = ResponseEvent.FunctionCallArgumentsDelta.class,
            name = "response.function_call_arguments.delta"),
    @JsonSubTypes.Type(
            value = ResponseEvent.FunctionCallArgumentsDone.class,
            name = "response.function_call_arguments.done"),
    @JsonSubTypes.Type(
            value = ResponseEvent.CustomToolCallInputDelta.class,
            name = "response.custom_tool_call_input.delta"),
    @JsonSubTypes.Type(
            value = ResponseEvent.CustomToolCallInputDone.class,
            name = "response.custom_tool_call_input.done"),
    @JsonSubTypes.Type(value = ResponseEvent.Error.class, name = "error"),
    @JsonSubTypes.Type(value = ResponseEvent.OutputAudioDelta.class, name = ResponseEvent.OutputAudioDelta.TYPE),
    @JsonSubTypes.Type(value = ResponseEvent.OutputAudioDone.class, name = ResponseEvent.OutputAudioDone.TYPE),
})
@JsonPropertyOrder({"type", "sequence_number"})
public sealed interface ResponseEvent {

    /** The event's {@code type}. */
    String type();

    /** The event's position in its stream, from 0. */
    @JsonProperty("sequence_number")
    long sequenceNumber();

    /** The same event with another sequence number. */
    ResponseEvent withSequenceNumber(long sequenceNumber);

    /** The response of a lifecycle event ({@code response.created}, ..., {@code response.failed}). */
    sealed interface Lifecycle extends ResponseEvent {
        /** The whole response at this point. */
        Response response();
    }

    /** Whether this event ends a response: {@code response.completed}, {@code .incomplete} or {@code .failed}. */
    @JsonIgnore
    default boolean isTerminal() {
        return this instanceof Completed || this instanceof Failed || this instanceof Incomplete;
    }

    /**
     * The response was created (status {@code in_progress}, no output yet).
     *
     * @param sequenceNumber the event's position in its stream
     * @param response the response
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "response"})
    record Created(
            @JsonProperty("sequence_number") long sequenceNumber,
            Response response,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Lifecycle {
        /** Normalizes {@code extra}. */
        public Created {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public Created(long sequenceNumber, Response response) {
            this(sequenceNumber, response, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.created";
        }

        @Override
        public Created withSequenceNumber(long sequenceNumber) {
            return new Created(sequenceNumber, response, extra);
        }
    }

    /**
     * The response is queued (background mode).
     *
     * @param sequenceNumber the event's position in its stream
     * @param response the response
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "response"})
    record Queued(
            @JsonProperty("sequence_number") long sequenceNumber,
            Response response,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Lifecycle {
        /** Normalizes {@code extra}. */
        public Queued {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public Queued(long sequenceNumber, Response response) {
            this(sequenceNumber, response, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.queued";
        }

        @Override
        public Queued withSequenceNumber(long sequenceNumber) {
            return new Queued(sequenceNumber, response, extra);
        }
    }

    /**
     * The model started producing output.
     *
     * @param sequenceNumber the event's position in its stream
     * @param response the response
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "response"})
    record InProgress(
            @JsonProperty("sequence_number") long sequenceNumber,
            Response response,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Lifecycle {
        /** Normalizes {@code extra}. */
        public InProgress {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public InProgress(long sequenceNumber, Response response) {
            this(sequenceNumber, response, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.in_progress";
        }

        @Override
        public InProgress withSequenceNumber(long sequenceNumber) {
            return new InProgress(sequenceNumber, response, extra);
        }
    }

    /**
     * The response finished; carries the whole response with output and usage.
     *
     * @param sequenceNumber the event's position in its stream
     * @param response the response
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "response"})
    record Completed(
            @JsonProperty("sequence_number") long sequenceNumber,
            Response response,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Lifecycle {
        /** Normalizes {@code extra}. */
        public Completed {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public Completed(long sequenceNumber, Response response) {
            this(sequenceNumber, response, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.completed";
        }

        @Override
        public Completed withSequenceNumber(long sequenceNumber) {
            return new Completed(sequenceNumber, response, extra);
        }
    }

    /**
     * The response failed; carries the whole response with its error.
     *
     * @param sequenceNumber the event's position in its stream
     * @param response the response
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "response"})
    record Failed(
            @JsonProperty("sequence_number") long sequenceNumber,
            Response response,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Lifecycle {
        /** Normalizes {@code extra}. */
        public Failed {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public Failed(long sequenceNumber, Response response) {
            this(sequenceNumber, response, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.failed";
        }

        @Override
        public Failed withSequenceNumber(long sequenceNumber) {
            return new Failed(sequenceNumber, response, extra);
        }
    }

    /**
     * The response stopped early; carries the whole response with its incomplete details.
     *
     * @param sequenceNumber the event's position in its stream
     * @param response the response
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "response"})
    record Incomplete(
            @JsonProperty("sequence_number") long sequenceNumber,
            Response response,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Lifecycle {
        /** Normalizes {@code extra}. */
        public Incomplete {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public Incomplete(long sequenceNumber, Response response) {
            this(sequenceNumber, response, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.incomplete";
        }

        @Override
        public Incomplete withSequenceNumber(long sequenceNumber) {
            return new Incomplete(sequenceNumber, response, extra);
        }
    }

    /**
     * An output item started, schema-complete but empty.
     *
     * @param sequenceNumber the event's position in its stream
     * @param outputIndex the output index
     * @param item the item
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "output_index", "item"})
    record OutputItemAdded(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("output_index") int outputIndex,
            @JsonInclude(JsonInclude.Include.ALWAYS) Item item,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public OutputItemAdded {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public OutputItemAdded(long sequenceNumber, int outputIndex, Item item) {
            this(sequenceNumber, outputIndex, item, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.output_item.added";
        }

        @Override
        public OutputItemAdded withSequenceNumber(long sequenceNumber) {
            return new OutputItemAdded(sequenceNumber, outputIndex, item, extra);
        }
    }

    /**
     * An output item finished; carries the whole item.
     *
     * @param sequenceNumber the event's position in its stream
     * @param outputIndex the output index
     * @param item the item
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "output_index", "item"})
    record OutputItemDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("output_index") int outputIndex,
            @JsonInclude(JsonInclude.Include.ALWAYS) Item item,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public OutputItemDone {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public OutputItemDone(long sequenceNumber, int outputIndex, Item item) {
            this(sequenceNumber, outputIndex, item, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.output_item.done";
        }

        @Override
        public OutputItemDone withSequenceNumber(long sequenceNumber) {
            return new OutputItemDone(sequenceNumber, outputIndex, item, extra);
        }
    }

    /**
     * A content part started, empty.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param contentIndex the content index
     * @param part the part
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "content_index", "part"})
    record ContentPartAdded(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            ContentPart part,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public ContentPartAdded {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public ContentPartAdded(
                long sequenceNumber, String itemId, int outputIndex, int contentIndex, ContentPart part) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, part, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.content_part.added";
        }

        @Override
        public ContentPartAdded withSequenceNumber(long sequenceNumber) {
            return new ContentPartAdded(sequenceNumber, itemId, outputIndex, contentIndex, part, extra);
        }
    }

    /**
     * A content part finished; carries the whole part.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param contentIndex the content index
     * @param part the part
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "content_index", "part"})
    record ContentPartDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            ContentPart part,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public ContentPartDone {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public ContentPartDone(
                long sequenceNumber, String itemId, int outputIndex, int contentIndex, ContentPart part) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, part, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.content_part.done";
        }

        @Override
        public ContentPartDone withSequenceNumber(long sequenceNumber) {
            return new ContentPartDone(sequenceNumber, itemId, outputIndex, contentIndex, part, extra);
        }
    }

    /**
     * A piece of output text.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param contentIndex the content index
     * @param delta the delta
     * @param logprobs the logprobs
     * @param obfuscation the obfuscation
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({
        "type",
        "sequence_number",
        "item_id",
        "output_index",
        "content_index",
        "delta",
        "logprobs",
        "obfuscation"
    })
    record OutputTextDelta(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            String delta,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<LogProb> logprobs,
            String obfuscation,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public OutputTextDelta {
            logprobs = logprobs == null ? null : List.copyOf(logprobs);
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public OutputTextDelta(
                long sequenceNumber,
                String itemId,
                int outputIndex,
                int contentIndex,
                String delta,
                List<LogProb> logprobs,
                String obfuscation) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, delta, logprobs, obfuscation, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.output_text.delta";
        }

        @Override
        public OutputTextDelta withSequenceNumber(long sequenceNumber) {
            return new OutputTextDelta(
                    sequenceNumber, itemId, outputIndex, contentIndex, delta, logprobs, obfuscation, extra);
        }
    }

    /**
     * The output text of a part is final; carries the whole text.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param contentIndex the content index
     * @param text the text
     * @param logprobs the logprobs
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "content_index", "text", "logprobs"})
    record OutputTextDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            String text,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<LogProb> logprobs,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public OutputTextDone {
            logprobs = logprobs == null ? null : List.copyOf(logprobs);
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public OutputTextDone(
                long sequenceNumber,
                String itemId,
                int outputIndex,
                int contentIndex,
                String text,
                List<LogProb> logprobs) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, text, logprobs, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.output_text.done";
        }

        @Override
        public OutputTextDone withSequenceNumber(long sequenceNumber) {
            return new OutputTextDone(sequenceNumber, itemId, outputIndex, contentIndex, text, logprobs, extra);
        }
    }

    /**
     * An annotation was added to output text.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param contentIndex the content index
     * @param annotationIndex the annotation index
     * @param annotation the annotation
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({
        "type",
        "sequence_number",
        "item_id",
        "output_index",
        "content_index",
        "annotation_index",
        "annotation"
    })
    record OutputTextAnnotationAdded(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            @JsonProperty("annotation_index") int annotationIndex,
            @JsonInclude(JsonInclude.Include.ALWAYS) Annotation annotation,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public OutputTextAnnotationAdded {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public OutputTextAnnotationAdded(
                long sequenceNumber,
                String itemId,
                int outputIndex,
                int contentIndex,
                int annotationIndex,
                Annotation annotation) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, annotationIndex, annotation, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.output_text.annotation.added";
        }

        @Override
        public OutputTextAnnotationAdded withSequenceNumber(long sequenceNumber) {
            return new OutputTextAnnotationAdded(
                    sequenceNumber, itemId, outputIndex, contentIndex, annotationIndex, annotation, extra);
        }
    }

    /**
     * A piece of refusal text.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param contentIndex the content index
     * @param delta the delta
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "content_index", "delta"})
    record RefusalDelta(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            String delta,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public RefusalDelta {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public RefusalDelta(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String delta) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, delta, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.refusal.delta";
        }

        @Override
        public RefusalDelta withSequenceNumber(long sequenceNumber) {
            return new RefusalDelta(sequenceNumber, itemId, outputIndex, contentIndex, delta, extra);
        }
    }

    /**
     * The refusal is final; carries the whole text.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param contentIndex the content index
     * @param refusal the refusal
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "content_index", "refusal"})
    record RefusalDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            String refusal,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public RefusalDone {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public RefusalDone(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String refusal) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, refusal, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.refusal.done";
        }

        @Override
        public RefusalDone withSequenceNumber(long sequenceNumber) {
            return new RefusalDone(sequenceNumber, itemId, outputIndex, contentIndex, refusal, extra);
        }
    }

    /**
     * A piece of raw reasoning text (the spec's name; OpenAI's is {@code response.reasoning_text.delta}).
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param contentIndex the content index
     * @param delta the delta
     * @param obfuscation the obfuscation
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "content_index", "delta", "obfuscation"})
    record ReasoningDelta(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            String delta,
            String obfuscation,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public ReasoningDelta {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public ReasoningDelta(
                long sequenceNumber,
                String itemId,
                int outputIndex,
                int contentIndex,
                String delta,
                String obfuscation) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, delta, obfuscation, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.reasoning.delta";
        }

        @Override
        public ReasoningDelta withSequenceNumber(long sequenceNumber) {
            return new ReasoningDelta(sequenceNumber, itemId, outputIndex, contentIndex, delta, obfuscation, extra);
        }
    }

    /**
     * The raw reasoning text of a part is final.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param contentIndex the content index
     * @param text the text
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "content_index", "text"})
    record ReasoningDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            String text,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public ReasoningDone {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public ReasoningDone(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String text) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, text, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.reasoning.done";
        }

        @Override
        public ReasoningDone withSequenceNumber(long sequenceNumber) {
            return new ReasoningDone(sequenceNumber, itemId, outputIndex, contentIndex, text, extra);
        }
    }

    /**
     * A reasoning summary part started.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param summaryIndex the summary index
     * @param part the part
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "summary_index", "part"})
    record ReasoningSummaryPartAdded(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("summary_index") int summaryIndex,
            ContentPart part,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public ReasoningSummaryPartAdded {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public ReasoningSummaryPartAdded(
                long sequenceNumber, String itemId, int outputIndex, int summaryIndex, ContentPart part) {
            this(sequenceNumber, itemId, outputIndex, summaryIndex, part, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.reasoning_summary_part.added";
        }

        @Override
        public ReasoningSummaryPartAdded withSequenceNumber(long sequenceNumber) {
            return new ReasoningSummaryPartAdded(sequenceNumber, itemId, outputIndex, summaryIndex, part, extra);
        }
    }

    /**
     * A reasoning summary part finished.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param summaryIndex the summary index
     * @param part the part
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "summary_index", "part"})
    record ReasoningSummaryPartDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("summary_index") int summaryIndex,
            ContentPart part,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public ReasoningSummaryPartDone {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public ReasoningSummaryPartDone(
                long sequenceNumber, String itemId, int outputIndex, int summaryIndex, ContentPart part) {
            this(sequenceNumber, itemId, outputIndex, summaryIndex, part, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.reasoning_summary_part.done";
        }

        @Override
        public ReasoningSummaryPartDone withSequenceNumber(long sequenceNumber) {
            return new ReasoningSummaryPartDone(sequenceNumber, itemId, outputIndex, summaryIndex, part, extra);
        }
    }

    /**
     * A piece of reasoning summary text.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param summaryIndex the summary index
     * @param delta the delta
     * @param obfuscation the obfuscation
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "summary_index", "delta", "obfuscation"})
    record ReasoningSummaryTextDelta(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("summary_index") int summaryIndex,
            String delta,
            String obfuscation,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public ReasoningSummaryTextDelta {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public ReasoningSummaryTextDelta(
                long sequenceNumber,
                String itemId,
                int outputIndex,
                int summaryIndex,
                String delta,
                String obfuscation) {
            this(sequenceNumber, itemId, outputIndex, summaryIndex, delta, obfuscation, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.reasoning_summary_text.delta";
        }

        @Override
        public ReasoningSummaryTextDelta withSequenceNumber(long sequenceNumber) {
            return new ReasoningSummaryTextDelta(
                    sequenceNumber, itemId, outputIndex, summaryIndex, delta, obfuscation, extra);
        }
    }

    /**
     * The reasoning summary text is final.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param summaryIndex the summary index
     * @param text the text
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "summary_index", "text"})
    record ReasoningSummaryTextDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("summary_index") int summaryIndex,
            String text,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public ReasoningSummaryTextDone {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public ReasoningSummaryTextDone(
                long sequenceNumber, String itemId, int outputIndex, int summaryIndex, String text) {
            this(sequenceNumber, itemId, outputIndex, summaryIndex, text, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.reasoning_summary_text.done";
        }

        @Override
        public ReasoningSummaryTextDone withSequenceNumber(long sequenceNumber) {
            return new ReasoningSummaryTextDone(sequenceNumber, itemId, outputIndex, summaryIndex, text, extra);
        }
    }

    /**
     * A piece of a function call's arguments.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param delta the delta
     * @param obfuscation the obfuscation
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "delta", "obfuscation"})
    record FunctionCallArgumentsDelta(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            String delta,
            String obfuscation,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public FunctionCallArgumentsDelta {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public FunctionCallArgumentsDelta(
                long sequenceNumber, String itemId, int outputIndex, String delta, String obfuscation) {
            this(sequenceNumber, itemId, outputIndex, delta, obfuscation, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.function_call_arguments.delta";
        }

        @Override
        public FunctionCallArgumentsDelta withSequenceNumber(long sequenceNumber) {
            return new FunctionCallArgumentsDelta(sequenceNumber, itemId, outputIndex, delta, obfuscation, extra);
        }
    }

    /**
     * A function call's arguments are final; carries the whole JSON string.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param arguments the arguments
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "arguments"})
    record FunctionCallArgumentsDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            String arguments,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public FunctionCallArgumentsDone {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public FunctionCallArgumentsDone(long sequenceNumber, String itemId, int outputIndex, String arguments) {
            this(sequenceNumber, itemId, outputIndex, arguments, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.function_call_arguments.done";
        }

        @Override
        public FunctionCallArgumentsDone withSequenceNumber(long sequenceNumber) {
            return new FunctionCallArgumentsDone(sequenceNumber, itemId, outputIndex, arguments, extra);
        }
    }

    /**
     * A piece of a custom tool call's input (OpenAI's {@code response.custom_tool_call_input.delta}).
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param delta the next piece of the input text
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "delta"})
    record CustomToolCallInputDelta(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            String delta,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public CustomToolCallInputDelta {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public CustomToolCallInputDelta(long sequenceNumber, String itemId, int outputIndex, String delta) {
            this(sequenceNumber, itemId, outputIndex, delta, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.custom_tool_call_input.delta";
        }

        @Override
        public CustomToolCallInputDelta withSequenceNumber(long sequenceNumber) {
            return new CustomToolCallInputDelta(sequenceNumber, itemId, outputIndex, delta, extra);
        }
    }

    /**
     * A custom tool call's input is final; carries the whole text (OpenAI's
     * {@code response.custom_tool_call_input.done}).
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the item id
     * @param outputIndex the output index
     * @param input the whole input text
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "input"})
    record CustomToolCallInputDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            String input,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public CustomToolCallInputDone {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public CustomToolCallInputDone(long sequenceNumber, String itemId, int outputIndex, String input) {
            this(sequenceNumber, itemId, outputIndex, input, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "response.custom_tool_call_input.done";
        }

        @Override
        public CustomToolCallInputDone withSequenceNumber(long sequenceNumber) {
            return new CustomToolCallInputDone(sequenceNumber, itemId, outputIndex, input, extra);
        }
    }

    /**
     * An error while streaming; a {@code response.failed} follows.
     *
     * @param sequenceNumber the event's position in its stream
     * @param error the error
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "error"})
    record Error(
            @JsonProperty("sequence_number") long sequenceNumber,
            ErrorPayload error,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** Normalizes {@code extra}. */
        public Error {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public Error(long sequenceNumber, ErrorPayload error) {
            this(sequenceNumber, error, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "error";
        }

        @Override
        public Error withSequenceNumber(long sequenceNumber) {
            return new Error(sequenceNumber, error, extra);
        }
    }

    /**
     * A piece of the audio of an {@code output_text} part ({@code ors:output_audio.delta}, an extension event of this
     * gateway): base64 of the next bytes, decodable on its own (as OpenAI's audio deltas are); the bytes of the
     * deltas in order are the audio, whose base64 is the {@link OutputAudio#data()} of the finished part. It comes
     * between the part's {@code content_part.added} and its {@link OutputAudioDone}, interleaved with the
     * {@code output_text.delta}s of its transcript.
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the message item's id
     * @param outputIndex the output index
     * @param contentIndex the index of the part in the message
     * @param delta the next piece of base64 audio
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({"type", "sequence_number", "item_id", "output_index", "content_index", "delta"})
    record OutputAudioDelta(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            String delta,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** The event's {@code type}. */
        public static final String TYPE = "ors:output_audio.delta";

        /** Normalizes {@code extra}. */
        public OutputAudioDelta {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public OutputAudioDelta(long sequenceNumber, String itemId, int outputIndex, int contentIndex, String delta) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, delta, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return TYPE;
        }

        @Override
        public OutputAudioDelta withSequenceNumber(long sequenceNumber) {
            return new OutputAudioDelta(sequenceNumber, itemId, outputIndex, contentIndex, delta, extra);
        }
    }

    /**
     * The audio of an {@code output_text} part is complete ({@code ors:output_audio.done}, an extension event of this
     * gateway); it comes before the part's {@code output_text.done}. It does not repeat the audio: the part of the
     * {@code content_part.done} that follows holds all of it ({@link ContentPart.OutputText#audio()}).
     *
     * @param sequenceNumber the event's position in its stream
     * @param itemId the message item's id
     * @param outputIndex the output index
     * @param contentIndex the index of the part in the message
     * @param format the audio format, or null when unknown
     * @param id the provider's audio id, or null
     * @param expiresAt when the provider forgets {@code id}, in Unix seconds, or null
     * @param extra unknown fields, kept
     */
    @JsonPropertyOrder({
        "type",
        "sequence_number",
        "item_id",
        "output_index",
        "content_index",
        "format",
        "id",
        "expires_at"
    })
    record OutputAudioDone(
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonProperty("item_id") String itemId,
            @JsonProperty("output_index") int outputIndex,
            @JsonProperty("content_index") int contentIndex,
            String format,
            String id,
            @JsonProperty("expires_at") Long expiresAt,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ResponseEvent {
        /** The event's {@code type}. */
        public static final String TYPE = "ors:output_audio.done";

        /** Normalizes {@code extra}. */
        public OutputAudioDone {
            extra = Extras.withoutType(extra);
        }

        /** The event without unknown fields. */
        public OutputAudioDone(
                long sequenceNumber,
                String itemId,
                int outputIndex,
                int contentIndex,
                String format,
                String id,
                Long expiresAt) {
            this(sequenceNumber, itemId, outputIndex, contentIndex, format, id, expiresAt, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return TYPE;
        }

        @Override
        public OutputAudioDone withSequenceNumber(long sequenceNumber) {
            return new OutputAudioDone(sequenceNumber, itemId, outputIndex, contentIndex, format, id, expiresAt, extra);
        }
    }

    /**
     * An event of a type this library does not know (a provider extension such as {@code acme:trace_event}).
     *
     * @param type its type
     * @param sequenceNumber its position in the stream
     * @param fields every other field
     */
    record Unknown(
            @JsonProperty("type") String type,
            @JsonProperty("sequence_number") long sequenceNumber,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> fields)
            implements ResponseEvent {
        /** Normalizes {@code fields}. */
        public Unknown {
            fields = Extras.withoutType(fields);
        }

        @Override
        public Unknown withSequenceNumber(long sequenceNumber) {
            return new Unknown(type, sequenceNumber, fields);
        }
    }
}
