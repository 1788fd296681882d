package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import dev.orsgateway.core.json.OrsJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A content part of a message, reasoning item or function call output: the spec's {@code input_text},
 * {@code input_image}, {@code input_file}, {@code input_video}, {@code output_text}, {@code refusal},
 * {@code reasoning_text}, {@code summary_text} and {@code text}; OpenAI's {@code input_audio}; anything else is kept
 * as {@link Unknown}. Audio the model speaks is an {@code output_text} part with an {@link OutputAudio} field.
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "type",
        visible = true,
        defaultImpl = ContentPart.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = ContentPart.InputText.class, name = "input_text"),
    @JsonSubTypes.Type(value = ContentPart.InputImage.class, name = "input_image"),
    @JsonSubTypes.Type(value = ContentPart.InputFile.class, name = "input_file"),
    @JsonSubTypes.Type(value = ContentPart.InputVideo.class, name = "input_video"),
    @JsonSubTypes.Type(value = ContentPart.InputAudio.class, name = "input_audio"),
    @JsonSubTypes.Type(value = ContentPart.OutputText.class, name = "output_text"),
    @JsonSubTypes.Type(value = ContentPart.Refusal.class, name = "refusal"),
    @JsonSubTypes.Type(value = ContentPart.ReasoningText.class, name = "reasoning_text"),
    @JsonSubTypes.Type(value = ContentPart.SummaryText.class, name = "summary_text"),
    @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
})
@JsonPropertyOrder({"type"})
public sealed interface ContentPart {

    /** The part's {@code type} discriminator. */
    String type();

    /** Text supplied by the user, system or developer. */
    record InputText(
            String text, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ContentPart {
        /** Normalizes {@code extra}. */
        public InputText {
            extra = Extras.withoutType(extra);
        }

        /** A text part. */
        public InputText(String text) {
            this(text, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "input_text";
        }
    }

    /**
     * An image by URL or base64 {@code data:} URL. {@code detail} is {@code low}, {@code high} or {@code auto};
     * {@code fileId} is OpenAI's (not in the spec) and kept so it can be passed to providers that know it.
     */
    record InputImage(
            @JsonProperty("image_url") String imageUrl,
            String detail,
            @JsonProperty("file_id") String fileId,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ContentPart {
        /** Normalizes {@code extra}. */
        public InputImage {
            extra = Extras.withoutType(extra);
        }

        /** An image by URL with the given detail (may be null). */
        public InputImage(String imageUrl, String detail) {
            this(imageUrl, detail, null, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "input_image";
        }
    }

    /** A file as base64 {@code file_data}, a {@code file_url}, or OpenAI's {@code file_id}. */
    record InputFile(
            String filename,
            @JsonProperty("file_data") String fileData,
            @JsonProperty("file_url") String fileUrl,
            @JsonProperty("file_id") String fileId,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ContentPart {
        /** Normalizes {@code extra}. */
        public InputFile {
            extra = Extras.withoutType(extra);
        }

        /** A file given inline as base64 data. */
        public static InputFile ofData(String filename, String fileData) {
            return new InputFile(filename, fileData, null, null, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "input_file";
        }
    }

    /** A video by URL or base64 data; the spec allows it in function call outputs only. */
    record InputVideo(
            @JsonProperty("video_url") String videoUrl,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ContentPart {
        /** Normalizes {@code extra}. */
        public InputVideo {
            extra = Extras.withoutType(extra);
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "input_video";
        }
    }

    /** Base64 audio (OpenAI's {@code input_audio} part; not in the spec, which has no audio input yet). */
    record InputAudio(
            @JsonProperty("input_audio") AudioData inputAudio,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ContentPart {
        /** Normalizes {@code extra}. */
        public InputAudio {
            extra = Extras.withoutType(extra);
        }

        /** Audio {@code data} (base64) in {@code format} ({@code wav}, {@code mp3}, ...). */
        public InputAudio(String data, String format) {
            this(new AudioData(data, format), Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "input_audio";
        }

        /** The base64 audio and its format. */
        public record AudioData(String data, String format) {}
    }

    /**
     * Text the model produced. {@code annotations} is always written (the schema requires it, possibly empty);
     * {@code logprobs} is written when present.
     */
    record OutputText(
            String text,
            @JsonInclude(JsonInclude.Include.ALWAYS) List<Annotation> annotations,
            List<LogProb> logprobs,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ContentPart {
        /** Normalizes {@code annotations} (null → empty) and {@code extra}. */
        public OutputText {
            annotations = Extras.list(annotations);
            logprobs = logprobs == null ? null : List.copyOf(logprobs);
            extra = Extras.withoutType(extra);
        }

        /** Model text with no annotations and no logprobs. */
        public OutputText(String text) {
            this(text, List.of(), null, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "output_text";
        }

        /**
         * The audio this part's text is the transcript of (its {@value OutputAudio#FIELD} field), if the model spoke.
         *
         * @throws IllegalArgumentException if the field is there but not an audio object
         */
        public Optional<OutputAudio> audio() {
            JsonNode node = extra.get(OutputAudio.FIELD);
            if (node == null || node.isNull()) {
                return Optional.empty();
            }
            return Optional.of(OrsJson.mapper().convertValue(node, OutputAudio.class));
        }

        /** This part with {@code audio} as its {@value OutputAudio#FIELD} field (none when null). */
        public OutputText withAudio(OutputAudio audio) {
            Map<String, JsonNode> fields = new LinkedHashMap<>(extra);
            if (audio == null) {
                fields.remove(OutputAudio.FIELD);
            } else {
                fields.put(OutputAudio.FIELD, OrsJson.mapper().valueToTree(audio));
            }
            return new OutputText(text, annotations, logprobs, fields);
        }
    }

    /** A refusal by the model. */
    record Refusal(
            String refusal, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ContentPart {
        /** Normalizes {@code extra}. */
        public Refusal {
            extra = Extras.withoutType(extra);
        }

        /** A refusal with the given text. */
        public Refusal(String refusal) {
            this(refusal, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "refusal";
        }
    }

    /** Raw reasoning text. */
    record ReasoningText(
            String text, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ContentPart {
        /** Normalizes {@code extra}. */
        public ReasoningText {
            extra = Extras.withoutType(extra);
        }

        /** Reasoning with the given text. */
        public ReasoningText(String text) {
            this(text, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "reasoning_text";
        }
    }

    /** A reasoning summary, safe to show users. */
    record SummaryText(
            String text, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ContentPart {
        /** Normalizes {@code extra}. */
        public SummaryText {
            extra = Extras.withoutType(extra);
        }

        /** A summary with the given text. */
        public SummaryText(String text) {
            this(text, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "summary_text";
        }
    }

    /** Plain text (the spec's {@code text} part). */
    record Text(String text, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ContentPart {
        /** Normalizes {@code extra}. */
        public Text {
            extra = Extras.withoutType(extra);
        }

        /** A text part. */
        public Text(String text) {
            this(text, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "text";
        }
    }

    /** A part of a type this library does not know; every field is kept as read. */
    record Unknown(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> fields) implements ContentPart {
        /** Normalizes {@code fields}. */
        public Unknown {
            fields = Extras.copy(fields);
        }
    }
}
