package dev.orsgateway.transcoder.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatContentPart;
import dev.orsgateway.core.chat.ChatFunctionCall;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatToolCall;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.transcoder.TranscoderOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the conversation (instructions, replayed history, this request's input) into chat messages, validating
 * each item as it goes; see the "Items" and "Content parts" tables of {@code docs/REQUEST-MAPPING.md}. One instance
 * per translation: it keeps the state of the walk.
 */
final class MessageAssembler {
    private static final int MAX_CALL_ID = 64;

    private final TranscoderOptions options;
    private final ToolCatalog catalog;
    private final List<ChatMessage> messages = new ArrayList<>();
    private final Set<String> callIds = new HashSet<>();
    /** Whether the last message is an assistant message that following function calls join. */
    private boolean assistantOpen;
    /** Replayed reasoning waiting for the assistant message that follows it, or null. */
    private StringBuilder pendingReasoning;

    MessageAssembler(TranscoderOptions options, ToolCatalog catalog) {
        this.options = options;
        this.catalog = catalog;
    }

    /** The messages of {@code instructions}, then {@code history}, then {@code input} (either may be null). */
    List<ChatMessage> assemble(String instructions, List<Item> history, List<Item> input) {
        if (instructions != null && !instructions.isEmpty()) {
            messages.add(
                    "developer".equals(options.instructionsRole())
                            ? ChatMessage.developer(instructions)
                            : ChatMessage.system(instructions));
        }
        if (history != null) {
            for (int i = 0; i < history.size(); i++) {
                add(history.get(i), Where.history(i));
            }
        }
        if (input != null) {
            for (int i = 0; i < input.size(); i++) {
                add(input.get(i), Where.input(i));
            }
        }
        return List.copyOf(messages);
    }

    private void add(Item item, Where where) {
        if (item == null) {
            throw Checks.missing(where.param(""), where.path("") + " is null; an input item is an object.");
        }
        if (item instanceof Item.Message message) {
            message(message, where);
        } else if (item instanceof Item.FunctionCall call) {
            functionCall(call, where);
        } else if (item instanceof Item.FunctionCallOutput output) {
            functionCallOutput(output, where);
        } else if (item instanceof Item.CustomToolCall call) {
            customToolCall(call, where);
        } else if (item instanceof Item.CustomToolCallOutput output) {
            toolOutput(output.callId(), output.output(), where, "custom_tool_call_output");
        } else if (item instanceof Item.Unknown unknown && BuiltInItems.handles(unknown.type())) {
            builtInItem(unknown, where);
        } else if (item instanceof Item.Reasoning reasoning) {
            reasoning(reasoning);
        } else if (item instanceof Item.ItemReference reference) {
            throw Checks.reject(
                    where.param(""),
                    Checks.ITEM_NOT_FOUND,
                    where.path("") + ": item_reference '" + Checks.clip(reference.id())
                            + "' does not name a stored item.");
        } else if (item instanceof Item.Compaction) {
            throw Checks.reject(
                    where.param(""),
                    Checks.UNSUPPORTED_ITEM,
                    where.path("") + ": compaction items are not supported by this gateway yet.");
        } else {
            throw Checks.reject(
                    where.param(""),
                    Checks.UNSUPPORTED_ITEM,
                    where.path("") + ": item type '" + Checks.clip(item.type())
                            + "' is not supported; a Chat Completions provider takes messages, reasoning, and the"
                            + " calls and outputs of function, custom and client-executed tools.");
        }
    }

    // ---- messages

    private void message(Item.Message message, Where where) {
        if (message.role() == null) {
            throw Checks.missing(where.param(".role"), where.path(".role") + " is required on a message.");
        }
        switch (message.role()) {
            case USER -> append(new ChatMessage.UserMessage(userContent(message.content(), where)));
            case SYSTEM -> append(ChatMessage.system(instructionText(message.content(), where, "system")));
            case DEVELOPER -> {
                String text = instructionText(message.content(), where, "developer");
                append(
                        "developer".equals(options.developerRole())
                                ? ChatMessage.developer(text)
                                : ChatMessage.system(text));
            }
            case ASSISTANT -> assistant(message.content(), where);
        }
    }

    /** Appends a message that is not the model's: it closes the assistant turn and drops unplaced reasoning. */
    private void append(ChatMessage message) {
        messages.add(message);
        assistantOpen = false;
        pendingReasoning = null;
    }

    private ChatContent userContent(List<ContentPart> content, Where where) {
        List<ChatContentPart> parts = new ArrayList<>(content.size());
        boolean textOnly = true;
        for (int j = 0; j < content.size(); j++) {
            ContentPart part = content.get(j);
            String at = ".content[" + j + "]";
            String text = text(part, where, at);
            if (text != null) {
                parts.add(ChatContentPart.text(text));
                continue;
            }
            textOnly = false;
            if (part instanceof ContentPart.InputImage image) {
                parts.add(image(image, where, at));
            } else if (part instanceof ContentPart.InputFile file) {
                parts.add(file(file, where, at));
            } else if (part instanceof ContentPart.InputAudio audio) {
                parts.add(audio(audio, where, at));
            } else {
                throw unsupportedPart(part, where, at, "a user message");
            }
        }
        if (parts.isEmpty()) {
            return ChatContent.of("");
        }
        if (parts.size() == 1 && textOnly) {
            return ChatContent.of(((ChatContentPart.TextPart) parts.get(0)).text());
        }
        return ChatContent.of(parts);
    }

    /** The text of a system or developer message: its text parts joined with newlines. */
    private static String instructionText(List<ContentPart> content, Where where, String role) {
        List<String> texts = new ArrayList<>(content.size());
        for (int j = 0; j < content.size(); j++) {
            String at = ".content[" + j + "]";
            String text = text(content.get(j), where, at);
            if (text == null) {
                throw unsupportedPart(content.get(j), where, at, "a " + role + " message (text only)");
            }
            texts.add(text);
        }
        return String.join("\n", texts);
    }

    /**
     * An assistant turn: its text and refusal. A spoken part (an {@code output_text} with audio) goes back as its
     * transcript, never as the chat {@code audio: {"id":...}} reference: OpenAI keeps the audio behind that id only
     * until its {@code expires_at} (then the request fails), only for the account that made it, and no other
     * provider knows it, while a conversation may be continued later and on another upstream. The transcript is what
     * the model said, and any model reads it.
     */
    private void assistant(List<ContentPart> content, Where where) {
        StringBuilder text = null;
        StringBuilder refusal = null;
        for (int j = 0; j < content.size(); j++) {
            ContentPart part = content.get(j);
            String at = ".content[" + j + "]";
            String partText = text(part, where, at);
            if (partText != null) {
                text = text == null ? new StringBuilder() : text;
                text.append(partText);
            } else if (part instanceof ContentPart.Refusal r) {
                if (r.refusal() == null) {
                    throw Checks.missing(
                            where.param(at + ".refusal"),
                            where.path(at + ".refusal") + " is required on a refusal part.");
                }
                refusal = refusal == null ? new StringBuilder() : refusal;
                refusal.append(r.refusal());
            } else {
                throw unsupportedPart(part, where, at, "an assistant message (output_text and refusal only)");
            }
        }
        ChatContent chatContent;
        if (text != null) {
            chatContent = ChatContent.of(text.toString());
        } else if (refusal != null) {
            chatContent = null;
        } else {
            chatContent = ChatContent.of("");
        }
        messages.add(new ChatMessage.AssistantMessage(
                chatContent,
                refusal == null ? null : refusal.toString(),
                null,
                null,
                null,
                takeReasoning(),
                null,
                null,
                null));
        assistantOpen = true;
    }

    // ---- content parts

    /**
     * The text of a text part ({@code input_text}, {@code output_text} or {@code text}, whatever the role: text is
     * text), or null for any other part.
     */
    private static String text(ContentPart part, Where where, String at) {
        String text;
        if (part instanceof ContentPart.InputText p) {
            text = p.text();
        } else if (part instanceof ContentPart.OutputText p) {
            text = p.text();
        } else if (part instanceof ContentPart.Text p) {
            text = p.text();
        } else {
            return null;
        }
        if (text == null) {
            throw Checks.missing(
                    where.param(at + ".text"),
                    where.path(at + ".text") + " is required on a " + part.type() + " part.");
        }
        return text;
    }

    private static ChatContentPart image(ContentPart.InputImage image, Where where, String at) {
        if (image.imageUrl() == null) {
            if (image.fileId() != null) {
                throw Checks.reject(
                        where.param(at + ".file_id"),
                        Checks.UNSUPPORTED_PARAMETER,
                        where.path(at) + ": an input_image by file_id ('" + Checks.clip(image.fileId())
                                + "') cannot be sent to a Chat Completions provider; send image_url (a URL or a"
                                + " data: URL) instead.");
            }
            throw Checks.missing(
                    where.param(at + ".image_url"), where.path(at + ".image_url") + " is required on an input_image.");
        }
        return new ChatContentPart.ImageUrlPart(new ChatContentPart.ImageUrl(image.imageUrl(), image.detail()));
    }

    private static ChatContentPart file(ContentPart.InputFile file, Where where, String at) {
        if (file.fileData() != null) {
            return new ChatContentPart.FilePart(new ChatContentPart.FileData(file.fileData(), null, file.filename()));
        }
        if (file.fileId() != null) {
            return new ChatContentPart.FilePart(new ChatContentPart.FileData(null, file.fileId(), null));
        }
        if (file.fileUrl() != null) {
            throw Checks.reject(
                    where.param(at + ".file_url"),
                    Checks.UNSUPPORTED_PARAMETER,
                    where.path(at) + ": an input_file by file_url ('" + Checks.clip(file.fileUrl())
                            + "') cannot be sent: Chat Completions has no file URL form; send file_data instead.");
        }
        throw Checks.missing(
                where.param(at + ".file_data"), where.path(at) + ": an input_file needs file_data or file_id.");
    }

    /**
     * OpenAI's {@code input_audio} part, the one shape its clients send (Chat Completions' and the Responses types'
     * {@code ResponseInputAudio} alike): {@code {"type":"input_audio","input_audio":{"data":<base64>,"format":...}}}.
     * The same part in chat form; anything else is a 400 naming the field, before the upstream is called.
     */
    private static ChatContentPart audio(ContentPart.InputAudio audio, Where where, String at) {
        ContentPart.InputAudio.AudioData payload = audio.inputAudio();
        if (payload == null) {
            boolean flat = audio.extra().containsKey("data") || audio.extra().containsKey("audio");
            throw Checks.missing(
                    where.param(at + ".input_audio"),
                    where.path(at + ".input_audio") + " is required on an input_audio part"
                            + (flat ? " (data and format go inside it)" : "")
                            + ": {\"type\":\"input_audio\",\"input_audio\":{\"data\":<base64>,\"format\":\"wav\"}}.");
        }
        String data = payload.data();
        if (data == null) {
            throw Checks.missing(
                    where.param(at + ".input_audio.data"),
                    where.path(at + ".input_audio.data") + " is required on an input_audio part: the audio, base64.");
        }
        int bad = firstNonBase64(data);
        if (data.isEmpty() || bad >= 0) {
            throw Checks.reject(
                    where.param(at + ".input_audio.data"),
                    Checks.INVALID,
                    where.path(at + ".input_audio.data")
                            + (data.isEmpty()
                                    ? " is empty; it must be the audio, base64."
                                    : " must be base64 (without a data: URL prefix); character " + bad + " is '"
                                            + data.charAt(bad) + "'."));
        }
        String format = payload.format();
        if (format == null || format.isBlank()) {
            throw Checks.missing(
                    where.param(at + ".input_audio.format"),
                    where.path(at + ".input_audio.format") + " is required on an input_audio part: 'wav' or 'mp3'.");
        }
        return new ChatContentPart.InputAudioPart(new ChatContentPart.InputAudio(data, format));
    }

    /** The index of the first character that base64 (standard or URL-safe, wrapped or not) cannot hold, or -1. */
    private static int firstNonBase64(String data) {
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '+'
                    || c == '/'
                    || c == '='
                    || c == '-'
                    || c == '_'
                    || c == '\n'
                    || c == '\r';
            if (!ok) {
                return i;
            }
        }
        return -1;
    }

    private static OrsException unsupportedPart(ContentPart part, Where where, String at, String context) {
        String type = part == null ? null : part.type();
        String why = part instanceof ContentPart.InputVideo
                ? "Chat Completions has no video input"
                : "it has no Chat Completions equivalent there";
        return Checks.reject(
                where.param(at + ".type"),
                Checks.UNSUPPORTED_CONTENT,
                where.path(at) + ": content type '" + Checks.clip(type) + "' is not supported in " + context + ": "
                        + why + ".");
    }

    // ---- function calls, outputs, reasoning

    private void functionCall(Item.FunctionCall call, Where where) {
        if (where.fromInput()) {
            checkCallId(call.callId(), where);
            if (call.name() == null) {
                throw Checks.missing(where.param(".name"), where.path(".name") + " is required on a function_call.");
            }
            if (call.arguments() == null) {
                throw Checks.missing(
                        where.param(".arguments"), where.path(".arguments") + " is required on a function_call.");
            }
        }
        toolCall(
                call.callId(),
                catalog.upstreamName(ToolCatalog.Kind.FUNCTION, call.namespace(), call.name()),
                call.arguments(),
                providerFields(call, where));
    }

    private void customToolCall(Item.CustomToolCall call, Where where) {
        if (where.fromInput()) {
            checkCallId(call.callId(), where);
            if (call.name() == null) {
                throw Checks.missing(where.param(".name"), where.path(".name") + " is required on a custom_tool_call.");
            }
            if (call.input() == null) {
                throw Checks.missing(
                        where.param(".input"), where.path(".input") + " is required on a custom_tool_call.");
            }
        }
        toolCall(
                call.callId(),
                catalog.upstreamName(ToolCatalog.Kind.CUSTOM, call.namespace(), call.name()),
                BuiltInItems.customArguments(call.input()),
                providerFields(call, where));
    }

    /** The call or output of a client-executed built-in ({@link BuiltInItems}); server-executed ones are skipped. */
    private void builtInItem(Item.Unknown item, Where where) {
        BuiltInItems.Mapped mapped = BuiltInItems.map(item, catalog);
        if (mapped == null) {
            return;
        }
        if (mapped.callId() == null) {
            throw Checks.missing(
                    where.param(".call_id"), where.path(".call_id") + " is required on a " + item.type() + ".");
        }
        if (where.fromInput()) {
            checkCallId(mapped.callId(), where);
        }
        if (mapped.isCall()) {
            toolCall(mapped.callId(), mapped.upstreamName(), mapped.text(), providerFields(item, where));
        } else {
            answer(mapped.callId(), mapped.text(), where, item.type());
        }
    }

    /**
     * The chat tool call's fields besides id, type and function: the provider's {@code extra_content} that the call
     * item keeps as {@value ExtraContent#FIELD} (Gemini refuses its own calls without their thought signatures), or
     * none. Only an object is sent back; a client's other value is a 400.
     */
    private static Map<String, JsonNode> providerFields(Item call, Where where) {
        Map<String, JsonNode> fields = ExtraContent.chatFields(ExtraContent.of(call));
        if (fields == null) {
            throw Checks.reject(
                    where.param("." + ExtraContent.FIELD),
                    Checks.INVALID,
                    where.path("." + ExtraContent.FIELD) + " must be an object (the provider's extra_content of the"
                            + " call, as the gateway returned it).");
        }
        return fields;
    }

    /** One call of the model: joins the assistant turn it belongs to (see the class description). */
    private void toolCall(String callId, String upstreamName, String arguments, Map<String, JsonNode> fields) {
        callIds.add(callId);
        ChatToolCall toolCall =
                new ChatToolCall(callId, ChatToolCall.FUNCTION, new ChatFunctionCall(upstreamName, arguments), fields);
        int last = messages.size() - 1;
        if (assistantOpen && pendingReasoning == null && messages.get(last) instanceof ChatMessage.AssistantMessage a) {
            List<ChatToolCall> calls = a.toolCalls() == null ? new ArrayList<>() : new ArrayList<>(a.toolCalls());
            calls.add(toolCall);
            messages.set(
                    last,
                    new ChatMessage.AssistantMessage(
                            a.content(),
                            a.refusal(),
                            a.name(),
                            calls,
                            a.functionCall(),
                            a.reasoningContent(),
                            a.reasoning(),
                            a.audio(),
                            a.extra()));
        } else {
            messages.add(new ChatMessage.AssistantMessage(
                    null, null, null, List.of(toolCall), null, takeReasoning(), null, null, null));
        }
        assistantOpen = true;
    }

    private void functionCallOutput(Item.FunctionCallOutput output, Where where) {
        toolOutput(output.callId(), output.output(), where, "function_call_output");
    }

    /** A {@code function_call_output} or {@code custom_tool_call_output}: a tool message of text. */
    private void toolOutput(String callId, Item.Output output, Where where, String type) {
        if (where.fromInput()) {
            checkCallId(callId, where);
        }
        if (!callIds.contains(callId)) {
            throw notAnswering(callId, where, type);
        }
        if (output == null) {
            throw Checks.missing(where.param(".output"), where.path(".output") + " is required on a " + type + ".");
        }
        String text;
        if (output instanceof Item.Output.Text t) {
            text = t.text();
        } else {
            List<ContentPart> parts = ((Item.Output.Parts) output).parts();
            List<String> texts = new ArrayList<>(parts.size());
            for (int j = 0; j < parts.size(); j++) {
                String at = ".output[" + j + "]";
                String partText = text(parts.get(j), where, at);
                if (partText == null) {
                    throw unsupportedPart(parts.get(j), where, at, "a " + type + " (tool messages carry text only)");
                }
                texts.add(partText);
            }
            text = String.join("\n", texts);
        }
        append(new ChatMessage.ToolMessage(ChatContent.of(text), callId));
    }

    private void answer(String callId, String text, Where where, String type) {
        if (!callIds.contains(callId)) {
            throw notAnswering(callId, where, type);
        }
        append(new ChatMessage.ToolMessage(ChatContent.of(text), callId));
    }

    private static OrsException notAnswering(String callId, Where where, String type) {
        return Checks.reject(
                where.param(".call_id"),
                Checks.TOOL_CALL_NOT_FOUND,
                where.path("") + ": no tool call with call_id '" + Checks.clip(callId) + "' comes before this " + type
                        + ".");
    }

    private static void checkCallId(String callId, Where where) {
        if (callId == null) {
            throw Checks.missing(where.param(".call_id"), where.path(".call_id") + " is required.");
        }
        int length = Checks.length(callId);
        if (length < 1) {
            throw Checks.reject(
                    where.param(".call_id"),
                    "string_below_min_length",
                    where.path(".call_id") + " must be 1 to " + MAX_CALL_ID + " characters, got an empty string.");
        }
        if (length > MAX_CALL_ID) {
            throw Checks.reject(
                    where.param(".call_id"),
                    "string_above_max_length",
                    where.path(".call_id") + " must be 1 to " + MAX_CALL_ID + " characters, got " + length + ": '"
                            + Checks.clip(callId) + "'.");
        }
    }

    private void reasoning(Item.Reasoning reasoning) {
        if (!options.replayReasoning()) {
            return;
        }
        String text = reasoning.text();
        if (text.isEmpty()) {
            text = summaryText(reasoning);
        }
        if (text.isEmpty()) {
            return;
        }
        if (pendingReasoning == null) {
            pendingReasoning = new StringBuilder(text);
        } else {
            pendingReasoning.append('\n').append(text);
        }
    }

    private static String summaryText(Item.Reasoning reasoning) {
        List<String> texts = new ArrayList<>();
        for (ContentPart part : reasoning.summary()) {
            if (part instanceof ContentPart.SummaryText s
                    && s.text() != null
                    && !s.text().isEmpty()) {
                texts.add(s.text());
            }
        }
        return String.join("\n", texts);
    }

    private String takeReasoning() {
        String text = pendingReasoning == null ? null : pendingReasoning.toString();
        pendingReasoning = null;
        return text;
    }

    /**
     * Where an item sits, for error messages and {@code param}: {@code input[i]} of this request, or item {@code i}
     * of the replayed history, which the client did not send: its errors name {@code previous_response_id}.
     */
    private record Where(int index, boolean fromInput) {
        static Where input(int index) {
            return new Where(index, true);
        }

        static Where history(int index) {
            return new Where(index, false);
        }

        String param(String suffix) {
            return fromInput ? "input[" + index + "]" + suffix : "previous_response_id";
        }

        String path(String suffix) {
            return fromInput
                    ? "input[" + index + "]" + suffix
                    : "history[" + index + "]" + suffix + " (replayed from previous_response_id)";
        }
    }
}
