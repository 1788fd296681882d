package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.internal.Extras;
import java.util.Map;

/**
 * One element of an array-form message {@code content}, discriminated by {@code type}; unrecognised types become
 * {@link Unknown} and round-trip unchanged.
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "type",
        visible = true,
        defaultImpl = ChatContentPart.Unknown.class)
@JsonSubTypes({
    @JsonSubTypes.Type(value = ChatContentPart.TextPart.class, name = "text"),
    @JsonSubTypes.Type(value = ChatContentPart.ImageUrlPart.class, name = "image_url"),
    @JsonSubTypes.Type(value = ChatContentPart.InputAudioPart.class, name = "input_audio"),
    @JsonSubTypes.Type(value = ChatContentPart.FilePart.class, name = "file"),
    @JsonSubTypes.Type(value = ChatContentPart.RefusalPart.class, name = "refusal")
})
@JsonPropertyOrder({"type"})
public sealed interface ChatContentPart {

    /**
     * The {@code type} discriminator as it appears on the wire.
     *
     * @return the part type, or {@code null} for an {@link Unknown} part that had none
     */
    @JsonProperty("type")
    String type();

    /**
     * Fields this model does not name, kept so that forwarding the part loses nothing.
     *
     * @return an unmodifiable map, never {@code null}
     */
    Map<String, JsonNode> extra();

    /**
     * A {@code text} part.
     *
     * @param text the text
     * @return the part
     */
    static TextPart text(String text) {
        return new TextPart(text);
    }

    /**
     * An {@code image_url} part with no {@code detail}.
     *
     * @param url an {@code https:} or {@code data:} URL
     * @return the part
     */
    static ImageUrlPart imageUrl(String url) {
        return new ImageUrlPart(new ImageUrl(url, null));
    }

    /**
     * A {@code text} part: {@code {"type":"text","text":...}}.
     *
     * @param text the text
     * @param extra unknown fields, kept for forwarding
     */
    record TextPart(
            @JsonProperty("text") String text,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatContentPart {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param text the text
         * @param extra unknown fields, kept for forwarding
         */
        public TextPart {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * A text part without unknown fields.
         *
         * @param text the text
         */
        public TextPart(String text) {
            this(text, null);
        }

        @Override
        public String type() {
            return "text";
        }
    }

    /**
     * An {@code image_url} part: {@code {"type":"image_url","image_url":{"url":...,"detail":...}}}.
     *
     * @param imageUrl the image reference
     * @param extra unknown fields, kept for forwarding
     */
    record ImageUrlPart(
            @JsonProperty("image_url") ImageUrl imageUrl,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatContentPart {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param imageUrl the image reference
         * @param extra unknown fields, kept for forwarding
         */
        public ImageUrlPart {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * An image part without unknown fields.
         *
         * @param imageUrl the image reference
         */
        public ImageUrlPart(ImageUrl imageUrl) {
            this(imageUrl, null);
        }

        @Override
        public String type() {
            return "image_url";
        }
    }

    /**
     * The payload of an {@link ImageUrlPart}.
     *
     * @param url an {@code https:} or {@code data:} URL
     * @param detail {@code auto}, {@code low} or {@code high}; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    record ImageUrl(
            @JsonProperty("url") String url,
            @JsonProperty("detail") String detail,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}.
         *
         * @param url an {@code https:} or {@code data:} URL
         * @param detail {@code auto}, {@code low} or {@code high}; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public ImageUrl {
            extra = Extras.copy(extra);
        }

        /**
         * An image reference without unknown fields.
         *
         * @param url an {@code https:} or {@code data:} URL
         * @param detail the detail level, or {@code null}
         */
        public ImageUrl(String url, String detail) {
            this(url, detail, null);
        }
    }

    /**
     * An {@code input_audio} part: {@code {"type":"input_audio","input_audio":{"data":...,"format":...}}}.
     *
     * @param inputAudio the audio payload
     * @param extra unknown fields, kept for forwarding
     */
    record InputAudioPart(
            @JsonProperty("input_audio") InputAudio inputAudio,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements ChatContentPart {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param inputAudio the audio payload
         * @param extra unknown fields, kept for forwarding
         */
        public InputAudioPart {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * An audio part without unknown fields.
         *
         * @param inputAudio the audio payload
         */
        public InputAudioPart(InputAudio inputAudio) {
            this(inputAudio, null);
        }

        @Override
        public String type() {
            return "input_audio";
        }
    }

    /**
     * The payload of an {@link InputAudioPart}.
     *
     * @param data base64-encoded audio
     * @param format {@code wav} or {@code mp3} (providers may accept more)
     * @param extra unknown fields, kept for forwarding
     */
    record InputAudio(
            @JsonProperty("data") String data,
            @JsonProperty("format") String format,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}.
         *
         * @param data base64-encoded audio
         * @param format {@code wav} or {@code mp3} (providers may accept more)
         * @param extra unknown fields, kept for forwarding
         */
        public InputAudio {
            extra = Extras.copy(extra);
        }

        /**
         * An audio payload without unknown fields.
         *
         * @param data base64-encoded audio
         * @param format the audio format
         */
        public InputAudio(String data, String format) {
            this(data, format, null);
        }
    }

    /**
     * A {@code file} part: {@code {"type":"file","file":{"file_data":...,"file_id":...,"filename":...}}}.
     *
     * @param file the file reference or inline data
     * @param extra unknown fields, kept for forwarding
     */
    record FilePart(
            @JsonProperty("file") FileData file,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatContentPart {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param file the file reference or inline data
         * @param extra unknown fields, kept for forwarding
         */
        public FilePart {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * A file part without unknown fields.
         *
         * @param file the file reference or inline data
         */
        public FilePart(FileData file) {
            this(file, null);
        }

        @Override
        public String type() {
            return "file";
        }
    }

    /**
     * The payload of a {@link FilePart}: either inline {@code file_data} or an uploaded {@code file_id}.
     *
     * @param fileData base64 data, usually as a {@code data:} URL; {@code null} when absent
     * @param fileId the id of an uploaded file; {@code null} when absent
     * @param filename the file name; {@code null} when absent
     * @param extra unknown fields, kept for forwarding
     */
    record FileData(
            @JsonProperty("file_data") String fileData,
            @JsonProperty("file_id") String fileId,
            @JsonProperty("filename") String filename,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        /**
         * Copies {@code extra}.
         *
         * @param fileData base64 data, usually as a {@code data:} URL; {@code null} when absent
         * @param fileId the id of an uploaded file; {@code null} when absent
         * @param filename the file name; {@code null} when absent
         * @param extra unknown fields, kept for forwarding
         */
        public FileData {
            extra = Extras.copy(extra);
        }

        /**
         * A file payload without unknown fields.
         *
         * @param fileData inline data, or {@code null}
         * @param fileId an uploaded file's id, or {@code null}
         * @param filename the file name, or {@code null}
         */
        public FileData(String fileData, String fileId, String filename) {
            this(fileData, fileId, filename, null);
        }
    }

    /**
     * A {@code refusal} part of an assistant message: {@code {"type":"refusal","refusal":...}}.
     *
     * @param refusal the refusal text
     * @param extra unknown fields, kept for forwarding
     */
    record RefusalPart(
            @JsonProperty("refusal") String refusal,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatContentPart {

        /**
         * Copies {@code extra} and drops the discriminator from it.
         *
         * @param refusal the refusal text
         * @param extra unknown fields, kept for forwarding
         */
        public RefusalPart {
            extra = Extras.withoutKey(extra, "type");
        }

        /**
         * A refusal part without unknown fields.
         *
         * @param refusal the refusal text
         */
        public RefusalPart(String refusal) {
            this(refusal, null);
        }

        @Override
        public String type() {
            return "refusal";
        }
    }

    /**
     * A part whose {@code type} this model does not know (or that has none); every field is kept in {@code extra}.
     *
     * @param type the discriminator, or {@code null} when absent
     * @param extra every other field
     */
    record Unknown(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements ChatContentPart {

        /**
         * Copies {@code extra}.
         *
         * @param type the discriminator, or {@code null} when absent
         * @param extra every other field
         */
        public Unknown {
            extra = Extras.withoutKey(extra, "type");
        }
    }
}
