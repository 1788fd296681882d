package dev.orsgateway.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Normalizes the "unknown fields" maps that records keep so provider extensions survive a round trip. */
public final class Extras {
    private Extras() {}

    /** An unmodifiable copy of {@code extra} (empty when null). */
    public static Map<String, JsonNode> copy(Map<String, JsonNode> extra) {
        if (extra == null || extra.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * Like {@link #copy} but drops the discriminator: with {@code visible = true} type info Jackson hands the
     * {@code type} property to the any-setter too, and it would be written twice.
     */
    public static Map<String, JsonNode> withoutType(Map<String, JsonNode> extra) {
        return withoutKey(extra, "type");
    }

    /** Like {@link #copy} but drops {@code key}, which the record writes itself (a constant such as {@code object}). */
    public static Map<String, JsonNode> withoutKey(Map<String, JsonNode> extra, String key) {
        if (extra == null || extra.isEmpty()) {
            return Map.of();
        }
        if (!extra.containsKey(key)) {
            return copy(extra);
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>(extra);
        copy.remove(key);
        return copy.isEmpty() ? Map.of() : Collections.unmodifiableMap(copy);
    }

    /** The text of {@code extra}'s {@code key}, or null when it is absent or not a string. */
    public static String text(Map<String, JsonNode> extra, String key) {
        JsonNode value = extra == null ? null : extra.get(key);
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    /** An unmodifiable copy of a list, empty when null. */
    public static <T> java.util.List<T> list(java.util.List<T> list) {
        return list == null ? java.util.List.of() : java.util.List.copyOf(list);
    }
}
