package dev.orsgateway.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.ItemStatus;
import dev.orsgateway.core.model.MessageRole;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * What compaction means for a Chat Completions model: the older part of a context window becomes a summary the model
 * writes, sealed into a {@code compaction} item that only this gateway can open; the most recent items stay verbatim.
 * A compaction item that comes back as input is opened and given to the model as a user message carrying the summary.
 */
public final class Compactor {

    /** The default instruction the summary is written to. */
    public static final String DEFAULT_PROMPT = "The conversation above is being compacted to save context. Write a"
            + " summary of it that you will read instead of it later: the user's goals and constraints, decisions"
            + " made, facts and results learned (tool calls and their outcomes included), the current state of the"
            + " work, and what remains to be done. Be concise and specific; keep names, numbers, file paths and"
            + " identifiers exact. Write only the summary.";

    /** The default number of most recent items kept verbatim. */
    public static final int DEFAULT_KEEP_RECENT_ITEMS = 2;

    /** What a summary is introduced with when a compaction item goes back to the model. */
    static final String SUMMARY_HEADER = "Summary of the earlier conversation, compacted:\n\n";

    private static final String INVALID = "invalid_encrypted_content";
    private static final int MAX_ITEM_CHARS = 20_000;

    private final CompactionCipher cipher;
    private final String prompt;
    private final int keepRecentItems;

    /** A compactor sealing with {@code cipher}, summarizing to {@code prompt}, keeping {@code keepRecentItems}. */
    public Compactor(CompactionCipher cipher, String prompt, int keepRecentItems) {
        if (keepRecentItems < 0) {
            throw new IllegalArgumentException("keepRecentItems must not be negative");
        }
        this.cipher = cipher;
        this.prompt = prompt;
        this.keepRecentItems = keepRecentItems;
    }

    /** A window split into the part to summarize (never empty when the window is not) and the part kept as it is. */
    public record Split(List<Item> older, List<Item> recent) {}

    /**
     * Splits {@code window}: the last {@code keepRecentItems} items are kept, but at least the first item is
     * summarized, and tool calls are never parted from their outputs (parallel calls stay together).
     */
    public Split split(List<Item> window) {
        int boundary = Math.max(Math.min(1, window.size()), window.size() - keepRecentItems);
        while (boundary > 1 && boundary < window.size() && splitsCalls(window, boundary)) {
            boundary--;
        }
        while (boundary < window.size() && splitsCalls(window, boundary)) {
            boundary++; // the calls begin the window: they and their outputs go into the summary
        }
        return new Split(
                List.copyOf(window.subList(0, boundary)), List.copyOf(window.subList(boundary, window.size())));
    }

    /**
     * Whether a boundary before {@code index} would part tool calls from their outputs: it falls after a call
     * ({@code *_call} items, parallel calls included) or before an output ({@code *_output} items).
     */
    private static boolean splitsCalls(List<Item> window, int index) {
        return window.get(index).type().endsWith("_output")
                || window.get(index - 1).type().endsWith("_call");
    }

    /** The instruction and transcript the model summarizes, as one user message's text. */
    public String summaryRequest(List<Item> older, IntFunction<String> param) {
        StringBuilder text = new StringBuilder("<conversation>\n");
        for (int i = 0; i < older.size(); i++) {
            text.append(line(older.get(i), param.apply(i))).append('\n');
        }
        return text.append("</conversation>\n\n").append(prompt).toString();
    }

    /** Seals {@code summary} into a compaction item with id {@code id}. */
    public Item.Compaction seal(String id, String summary, String model, long createdAt) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("summary", summary);
        state.put("model", model);
        state.put("created_at", createdAt);
        return new Item.Compaction(id, cipher.seal(OrsJson.write(state)), null, Map.of());
    }

    /**
     * {@code items} with every compaction item opened into the user message the model reads instead; {@code param}
     * names the item at an index for errors (a blob that does not open is a 400).
     */
    public List<Item> expand(List<Item> items, IntFunction<String> param) {
        List<Item> expanded = null;
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof Item.Compaction compaction) {
                if (expanded == null) {
                    expanded = new ArrayList<>(items);
                }
                expanded.set(
                        i,
                        new Item.Message(
                                compaction.id(),
                                ItemStatus.COMPLETED,
                                MessageRole.USER,
                                List.of(new ContentPart.InputText(
                                        SUMMARY_HEADER + summary(compaction, param.apply(i)))),
                                null,
                                Map.of()));
            }
        }
        return expanded == null ? items : List.copyOf(expanded);
    }

    private String summary(Item.Compaction compaction, String param) {
        String plaintext = cipher.open(compaction.encryptedContent())
                .orElseThrow(() -> OrsException.invalidRequest(
                        param,
                        INVALID,
                        "The compaction item's encrypted_content was not made by this gateway, or was changed; send"
                                + " the compaction output exactly as it was returned."));
        JsonNode summary;
        try {
            summary = OrsJson.read(plaintext, JsonNode.class).path("summary");
        } catch (JsonProcessingException e) {
            summary = null;
        }
        if (summary == null || !summary.isTextual()) {
            throw OrsException.invalidRequest(
                    param, INVALID, "The compaction item's encrypted_content is not readable.");
        }
        return summary.asText();
    }

    private String line(Item item, String param) {
        if (item instanceof Item.Message message) {
            return (message.role() == null ? "user" : message.role().wireName()) + ": " + text(message.content());
        }
        if (item instanceof Item.FunctionCall call) {
            return "assistant called tool " + call.name() + " (call " + call.callId() + ") with arguments "
                    + clip(call.arguments());
        }
        if (item instanceof Item.FunctionCallOutput output) {
            String result = output.output() instanceof Item.Output.Text text
                    ? text.text()
                    : output.output() instanceof Item.Output.Parts parts ? text(parts.parts()) : "";
            return "tool result (call " + output.callId() + "): " + clip(result);
        }
        if (item instanceof Item.Compaction compaction) {
            return "summary of what came before: " + summary(compaction, param);
        }
        if (item instanceof Item.Reasoning) {
            return "(the assistant reasoned privately)";
        }
        return "[" + item.type() + "] " + clip(OrsJson.write(item));
    }

    private static String text(List<ContentPart> parts) {
        StringBuilder text = new StringBuilder();
        for (ContentPart part : parts) {
            if (text.length() > 0) {
                text.append(' ');
            }
            if (part instanceof ContentPart.InputText input) {
                text.append(input.text());
            } else if (part instanceof ContentPart.OutputText output) {
                text.append(output.text());
            } else if (part instanceof ContentPart.Text plain) {
                text.append(plain.text());
            } else if (part instanceof ContentPart.Refusal refusal) {
                text.append("(refused) ").append(refusal.refusal());
            } else if (part instanceof ContentPart.InputFile file) {
                text.append("[file")
                        .append(file.filename() == null ? "" : " " + file.filename())
                        .append(']');
            } else {
                text.append('[').append(part.type()).append(']');
            }
        }
        return clip(text.toString());
    }

    private static String clip(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= MAX_ITEM_CHARS ? value : value.substring(0, MAX_ITEM_CHARS) + " [...]";
    }
}
