package dev.orsgateway.transcoder.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import java.util.Iterator;
import java.util.Map;

/**
 * The input of a custom tool call, decoded while its chat arguments ({@code {"input":"..."}}) stream in pieces: each
 * {@link #feed} returns the next piece of the decoded string, so the client sees the raw text grow, never JSON. It
 * follows the arguments' first member only while that member is {@code "input"} with a string value; anything else
 * stops it, and {@link #finish} then decodes the whole arguments instead ({@link #inputOf}). A high surrogate at the
 * end of a piece is held back until its pair arrives, so no piece splits a character. Not thread-safe.
 */
public final class CustomInput {
    private enum State {
        START,
        KEY_OPEN,
        KEY,
        COLON,
        VALUE_OPEN,
        VALUE,
        DONE,
        LOST
    }

    private State state = State.START;
    private final StringBuilder key = new StringBuilder();
    private final StringBuilder decoded = new StringBuilder();
    /** An escape sequence begun in one fragment and continued in the next ({@code \} or {@code \}{@code uXX}). */
    private final StringBuilder escape = new StringBuilder();
    /** How much of {@link #decoded} the pieces returned so far hold. */
    private int emitted;

    /** The next piece of the decoded input that {@code fragment} of the arguments completes; may be empty. */
    public String feed(String fragment) {
        for (int i = 0; i < fragment.length() && state != State.DONE && state != State.LOST; i++) {
            step(fragment.charAt(i));
        }
        return piece();
    }

    /** Whether the input string has begun, so {@link #text()} is (a prefix of) the input. */
    public boolean started() {
        return state == State.VALUE || state == State.DONE;
    }

    /** The input decoded so far, including a held-back surrogate. */
    public String text() {
        return decoded.toString();
    }

    /**
     * The whole input of a call whose arguments are {@code arguments}: the decoded string when it streamed, else
     * {@link #inputOf}.
     */
    public String finish(String arguments) {
        return started() ? text() : inputOf(arguments);
    }

    /**
     * The input in complete arguments: the {@code input} string; else the only string member of an object; else
     * the string a JSON string holds; else the arguments themselves (a model that wrote the raw text).
     */
    public static String inputOf(String arguments) {
        JsonNode parsed;
        try {
            parsed = OrsJson.mapper().readTree(arguments);
        } catch (JsonProcessingException e) {
            return arguments;
        }
        if (parsed == null) {
            return arguments;
        }
        if (parsed.isTextual()) {
            return parsed.textValue();
        }
        if (parsed.isObject()) {
            JsonNode input = parsed.get("input");
            if (input != null && input.isTextual()) {
                return input.textValue();
            }
            if (parsed.size() == 1) {
                Iterator<Map.Entry<String, JsonNode>> only = parsed.properties().iterator();
                JsonNode value = only.next().getValue();
                if (value.isTextual()) {
                    return value.textValue();
                }
            }
        }
        return arguments;
    }

    private String piece() {
        int end = decoded.length();
        if (end > emitted && state != State.DONE && Character.isHighSurrogate(decoded.charAt(end - 1))) {
            end--;
        }
        String piece = end > emitted ? decoded.substring(emitted, end) : "";
        emitted = end;
        return piece;
    }

    private void step(char c) {
        switch (state) {
            case START -> {
                if (c == '{') {
                    state = State.KEY_OPEN;
                } else if (!isWhitespace(c)) {
                    state = State.LOST;
                }
            }
            case KEY_OPEN -> {
                if (c == '"') {
                    state = State.KEY;
                } else if (!isWhitespace(c)) {
                    state = State.LOST;
                }
            }
            case KEY -> {
                if (c == '"') {
                    state = key.toString().equals("input") ? State.COLON : State.LOST;
                } else if (c == '\\' || key.length() > 5) {
                    state = State.LOST;
                } else {
                    key.append(c);
                }
            }
            case COLON -> {
                if (c == ':') {
                    state = State.VALUE_OPEN;
                } else if (!isWhitespace(c)) {
                    state = State.LOST;
                }
            }
            case VALUE_OPEN -> {
                if (c == '"') {
                    state = State.VALUE;
                } else if (!isWhitespace(c)) {
                    state = State.LOST;
                }
            }
            case VALUE -> value(c);
            default -> {}
        }
    }

    private void value(char c) {
        if (escape.length() == 0) {
            if (c == '\\') {
                escape.append(c);
            } else if (c == '"') {
                state = State.DONE;
            } else {
                decoded.append(c);
            }
            return;
        }
        escape.append(c);
        if (escape.length() == 2) {
            char decodedChar;
            switch (c) {
                case '"' -> decodedChar = '"';
                case '\\' -> decodedChar = '\\';
                case '/' -> decodedChar = '/';
                case 'b' -> decodedChar = '\b';
                case 'f' -> decodedChar = '\f';
                case 'n' -> decodedChar = '\n';
                case 'r' -> decodedChar = '\r';
                case 't' -> decodedChar = '\t';
                case 'u' -> {
                    return;
                }
                default -> {
                    // Not JSON: the arguments will not parse either; keep what was written.
                    decoded.append(escape);
                    escape.setLength(0);
                    return;
                }
            }
            decoded.append(decodedChar);
            escape.setLength(0);
        } else if (escape.length() == 6) {
            try {
                decoded.append((char) Integer.parseInt(escape.substring(2), 16));
            } catch (NumberFormatException e) {
                decoded.append(escape);
            }
            escape.setLength(0);
        }
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
}
