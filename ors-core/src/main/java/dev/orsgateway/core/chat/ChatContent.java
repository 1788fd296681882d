package dev.orsgateway.core.chat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Objects;

/**
 * A message's {@code content}, which the wire carries either as a plain string ({@link Text}) or as an array of
 * parts ({@link Parts}); the form read is the form written. An absent or {@code null} content is a {@code null}
 * {@code ChatContent}.
 */
@JsonDeserialize(using = ChatContentDeserializer.class)
public sealed interface ChatContent {

    /**
     * The string form.
     *
     * @param text the text
     * @return the content
     */
    static Text of(String text) {
        return new Text(text);
    }

    /**
     * The array form.
     *
     * @param parts the parts
     * @return the content
     */
    static Parts of(List<ChatContentPart> parts) {
        return new Parts(parts);
    }

    /**
     * The array form.
     *
     * @param parts the parts
     * @return the content
     */
    static Parts of(ChatContentPart... parts) {
        return new Parts(List.of(parts));
    }

    /**
     * The plain text: the string itself, or the {@code text} parts concatenated (other parts are skipped).
     *
     * @return the text, never {@code null}
     */
    String asText();

    /**
     * String-form content, written as a JSON string.
     *
     * @param text the text, never {@code null}
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record Text(@JsonValue String text) implements ChatContent {

        /**
         * Rejects a {@code null} text; absent content is a {@code null} {@code ChatContent} instead.
         *
         * @param text the text, never {@code null}
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String asText() {
            return text;
        }
    }

    /**
     * Array-form content, written as a JSON array of {@link ChatContentPart}s.
     *
     * @param parts the parts, unmodifiable and never {@code null}
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record Parts(@JsonValue List<ChatContentPart> parts) implements ChatContent {

        /**
         * Copies {@code parts}; {@code null} becomes an empty list.
         *
         * @param parts the parts, unmodifiable and never {@code null}
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public Parts {
            parts = parts == null ? List.of() : Copies.list(parts);
        }

        @Override
        public String asText() {
            StringBuilder text = new StringBuilder();
            for (ChatContentPart part : parts) {
                if (part instanceof ChatContentPart.TextPart t && t.text() != null) {
                    text.append(t.text());
                }
            }
            return text.toString();
        }
    }
}
