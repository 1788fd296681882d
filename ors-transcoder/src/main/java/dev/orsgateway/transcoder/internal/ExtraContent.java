package dev.orsgateway.transcoder.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.model.Item;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A provider's {@code extra_content} object on a chat tool call (Gemini 3 puts its {@code thought_signature} there, and
 * refuses the next request unless the call comes back with it), kept verbatim on the call's item as the extension
 * field {@value #FIELD} and sent back on the call when the item is replayed ({@code docs/REQUEST-MAPPING.md},
 * "Providers' stream shapes").
 */
public final class ExtraContent {
    /** The item field that holds the provider's object. */
    public static final String FIELD = "ors:extra_content";

    /** The chat tool call field it comes in and goes back in. */
    public static final String CHAT_FIELD = "extra_content";

    private ExtraContent() {}

    /**
     * {@code kept} with what a later fragment of the same call carries: the first fragment's object is kept as it is
     * and a later one only adds members it lacks (a provider sends it once, usually with the call's first fragment).
     *
     * @param kept what earlier fragments carried, or null
     * @param fragment a fragment's {@code extra} fields
     * @return the object to keep, or null when there is none
     */
    public static ObjectNode merge(ObjectNode kept, Map<String, JsonNode> fragment) {
        JsonNode value = fragment.get(CHAT_FIELD);
        if (value == null || !value.isObject()) {
            return kept;
        }
        if (kept == null) {
            return ((ObjectNode) value).deepCopy();
        }
        value.properties().forEach(member -> {
            if (!kept.has(member.getKey())) {
                kept.set(member.getKey(), member.getValue().deepCopy());
            }
        });
        return kept;
    }

    /**
     * {@code fields} with {@code extraContent} as {@value #FIELD} (the same map when it is null).
     *
     * @param fields an item's fields
     * @param extraContent the provider's object, or null
     * @return the fields to give the item
     */
    public static Map<String, JsonNode> with(Map<String, JsonNode> fields, ObjectNode extraContent) {
        if (extraContent == null) {
            return fields;
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>(fields);
        copy.put(FIELD, extraContent.deepCopy());
        return copy;
    }

    /**
     * The chat tool call's unknown fields for an item's {@value #FIELD}: {@code extra_content} when the item has an
     * object there, none when it has none (JSON {@code null} included).
     *
     * @param value the item's {@value #FIELD} value, or null
     * @return the fields, or null when {@code value} is neither absent, {@code null} nor an object
     */
    static Map<String, JsonNode> chatFields(JsonNode value) {
        if (value == null || value.isNull()) {
            return Map.of();
        }
        return value.isObject() ? Map.of(CHAT_FIELD, value) : null;
    }

    /** The {@value #FIELD} value of a call item, or null. */
    static JsonNode of(Item item) {
        if (item instanceof Item.FunctionCall call) {
            return call.extra().get(FIELD);
        }
        if (item instanceof Item.CustomToolCall call) {
            return call.extra().get(FIELD);
        }
        if (item instanceof Item.Unknown unknown) {
            return unknown.fields().get(FIELD);
        }
        return null;
    }
}
