package dev.orsgateway.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Defensive-copy helpers shared by the records of this package (unknown fields: {@code core.internal.Extras}). */
final class Copies {

    private Copies() {}

    /** An unmodifiable copy that tolerates {@code null} elements; a {@code null} list stays {@code null} (absent). */
    static <T> List<T> list(List<T> list) {
        if (list == null) {
            return null;
        }
        // List.of's lists are immutable already (and hold no nulls): no copy, which matters once per streamed chunk.
        if (list.getClass() == IMMUTABLE_ONE || list.getClass() == IMMUTABLE_EMPTY) {
            return list;
        }
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    private static final Class<?> IMMUTABLE_ONE = List.of(1).getClass();
    private static final Class<?> IMMUTABLE_EMPTY = List.of().getClass();

    /** An unmodifiable, order-preserving copy; a {@code null} map stays {@code null} (absent). */
    static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Maps a JSON {@code null} (which Jackson hands to {@link JsonNode} components) to an absent value. */
    static JsonNode node(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    /** The first non-empty string, else the first non-null one, else {@code null}. */
    static String firstText(String first, String second) {
        if (first != null && !first.isEmpty()) {
            return first;
        }
        if (second != null && !second.isEmpty()) {
            return second;
        }
        return first != null ? first : second;
    }
}
