package dev.orsgateway.transcoder.internal;

import dev.orsgateway.core.OrsException;
import java.util.regex.Pattern;

/**
 * The 400s of request validation, each naming its {@code param} and the offending value. Codes follow OpenAI's
 * where it has one ({@code integer_below_min_value}, {@code string_above_max_length}, ...), so clients written
 * against OpenAI recognise them; {@code docs/REQUEST-MAPPING.md} lists them.
 */
final class Checks {
    static final String MISSING = "missing_required_parameter";
    static final String INVALID = "invalid_value";
    static final String UNSUPPORTED_PARAMETER = "unsupported_parameter";
    static final String UNSUPPORTED_VALUE = "unsupported_value";
    static final String UNSUPPORTED_CONTENT = "unsupported_content_type";
    static final String UNSUPPORTED_ITEM = "unsupported_item_type";
    static final String UNSUPPORTED_TOOL = "unsupported_tool_type";
    static final String ITEM_NOT_FOUND = "item_not_found";
    static final String TOOL_CALL_NOT_FOUND = "tool_call_not_found";

    /** Function and response format names (the spec's pattern and length). */
    static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    private Checks() {}

    /** A 400 with the given param, code and message. */
    static OrsException reject(String param, String code, String message) {
        return OrsException.invalidRequest(param, code, message);
    }

    /** A 400 for a required value that is absent. */
    static OrsException missing(String param, String message) {
        return reject(param, MISSING, message);
    }

    /** Rejects a number outside {@code [min, max]} (NaN too); null passes. */
    static void between(Double value, double min, double max, String param) {
        if (value == null) {
            return;
        }
        if (value.isNaN() || value < min) {
            throw reject(
                    param,
                    "decimal_below_min_value",
                    param + " must be between " + num(min) + " and " + num(max) + ", got " + num(value) + ".");
        }
        if (value > max) {
            throw reject(
                    param,
                    "decimal_above_max_value",
                    param + " must be between " + num(min) + " and " + num(max) + ", got " + num(value) + ".");
        }
    }

    /** Rejects an integer outside {@code [min, max]}; null passes. */
    static void between(Integer value, int min, int max, String param) {
        if (value == null) {
            return;
        }
        if (value < min) {
            throw reject(
                    param,
                    "integer_below_min_value",
                    param + " must be between " + min + " and " + max + ", got " + value + ".");
        }
        if (value > max) {
            throw reject(
                    param,
                    "integer_above_max_value",
                    param + " must be between " + min + " and " + max + ", got " + value + ".");
        }
    }

    /** Rejects an integer below {@code min}; null passes. */
    static void atLeast(Integer value, int min, String param) {
        if (value != null && value < min) {
            throw reject(param, "integer_below_min_value", param + " must be at least " + min + ", got " + value + ".");
        }
    }

    /** Rejects a string longer than {@code max} characters; null passes. */
    static void maxLength(String value, int max, String param) {
        if (value != null && length(value) > max) {
            throw reject(
                    param,
                    "string_above_max_length",
                    param + " must be at most " + max + " characters, got " + length(value) + ": '" + clip(value)
                            + "'.");
        }
    }

    /** The length in characters (code points), as the spec's {@code maxLength} counts. */
    static int length(String value) {
        return value.codePointCount(0, value.length());
    }

    /** {@code value} quoted for a message, clipped to 80 characters. */
    static String clip(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }

    private static String num(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value)
                ? Long.toString((long) value)
                : Double.toString(value);
    }
}
