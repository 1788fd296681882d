package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Who wrote a message. */
public enum MessageRole {
    /** The end user. */
    USER,
    /** The model. */
    ASSISTANT,
    /** System instructions. */
    SYSTEM,
    /** Developer instructions (system instructions on newer models). */
    DEVELOPER;

    /** The role as it appears on the wire. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a wire name; an unknown role is an error. */
    @JsonCreator
    public static MessageRole fromWire(String value) {
        for (MessageRole role : values()) {
            if (role.wireName().equals(value)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown message role: " + value);
    }
}
