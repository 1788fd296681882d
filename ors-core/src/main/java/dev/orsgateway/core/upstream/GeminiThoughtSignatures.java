package dev.orsgateway.core.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatToolCall;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An upstream that serves Gemini 3 through Google's OpenAI-compatible endpoint. Gemini returns, on each tool call,
 * {@code "extra_content": {"google": {"thought_signature": ...}}}, and answers 400 ("Function call is missing a
 * thought_signature") when, in the current turn (the messages after the last user message), the first tool call of
 * an assistant message (a step) comes back without one. The gateway sends back the signatures it kept, but a client
 * that replays items without unknown fields (Codex) or a conversation begun on another provider has none.
 *
 * <p>This decorator gives such a call the signature Google documents for histories it did not sign,
 * {@value #SKIP_VALIDATOR}, in each request: the first tool call of each assistant message of the current turn, when
 * it has no signature. A real signature is never replaced, other members of {@code extra_content} are kept, and
 * everything the upstream sends back is left alone. See <a
 * href="https://ai.google.dev/gemini-api/docs/thought-signatures">Google's thought signatures</a>.
 */
public final class GeminiThoughtSignatures {
    /** The signature Google accepts in place of one it did not make. */
    public static final String SKIP_VALIDATOR = "skip_thought_signature_validator";

    private static final String EXTRA_CONTENT = "extra_content";
    private static final String THOUGHT_SIGNATURE = "thought_signature";

    private GeminiThoughtSignatures() {}

    /**
     * {@code upstream}, with the tool calls of its requests' current turn signed as Gemini 3 requires.
     *
     * @param upstream the upstream to send the rewritten requests to
     * @return the decorated upstream; closing it closes {@code upstream}
     */
    public static RewritingUpstream wrap(ChatCompletionsUpstream upstream) {
        return RewritingUpstream.of(upstream, GeminiThoughtSignatures::rewrite);
    }

    /**
     * {@code request} with {@value #SKIP_VALIDATOR} on each first tool call of the current turn's assistant messages
     * that has no thought signature (the same instance when none lacks one).
     *
     * @param request a chat request
     * @return the request to send
     */
    public static ChatCompletionRequest rewrite(ChatCompletionRequest request) {
        List<ChatMessage> messages = request.messages();
        if (messages == null) {
            return request;
        }
        // Google validates the current turn only: what follows the last user message (tool results are not one).
        int turn = messages.size() - 1;
        while (turn >= 0 && !(messages.get(turn) instanceof ChatMessage.UserMessage)) {
            turn--;
        }
        List<ChatMessage> rewritten = null;
        for (int i = turn + 1; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            ChatMessage changed = sign(message);
            if (changed != message) {
                if (rewritten == null) {
                    rewritten = new ArrayList<>(messages);
                }
                rewritten.set(i, changed);
            }
        }
        return rewritten == null
                ? request
                : request.toBuilder().messages(rewritten).build();
    }

    private static ChatMessage sign(ChatMessage message) {
        if (!(message instanceof ChatMessage.AssistantMessage assistant)
                || assistant.toolCalls() == null
                || assistant.toolCalls().isEmpty()) {
            return message;
        }
        // Of parallel calls Gemini signs only the first; the others rightly have none.
        ChatToolCall first = assistant.toolCalls().get(0);
        ChatToolCall signed = withSentinel(first);
        if (signed == first) {
            return message;
        }
        List<ChatToolCall> calls = new ArrayList<>(assistant.toolCalls());
        calls.set(0, signed);
        return new ChatMessage.AssistantMessage(
                assistant.content(),
                assistant.refusal(),
                assistant.name(),
                calls,
                assistant.functionCall(),
                assistant.reasoningContent(),
                assistant.reasoning(),
                assistant.audio(),
                assistant.extra());
    }

    /** {@code call} with the sentinel under {@code extra_content.google}, or itself when it needs none or has no room. */
    private static ChatToolCall withSentinel(ChatToolCall call) {
        JsonNode extraContent = call.extra().get(EXTRA_CONTENT);
        ObjectNode content;
        if (extraContent == null || extraContent.isNull()) {
            content = JsonNodeFactory.instance.objectNode();
        } else if (!extraContent.isObject() || hasSignature(extraContent)) {
            // A value that is not an object is the client's own: replacing it would lose it.
            return call;
        } else {
            content = (ObjectNode) extraContent.deepCopy();
        }
        JsonNode google = content.get("google");
        if (google != null && !google.isNull() && !google.isObject()) {
            return call;
        }
        ObjectNode signed = google == null || google.isNull()
                ? JsonNodeFactory.instance.objectNode()
                : (ObjectNode) google.deepCopy();
        signed.put(THOUGHT_SIGNATURE, SKIP_VALIDATOR);
        content.set("google", signed);
        Map<String, JsonNode> extra = new LinkedHashMap<>(call.extra());
        extra.put(EXTRA_CONTENT, content);
        return new ChatToolCall(call.id(), call.type(), call.function(), extra);
    }

    /** Whether any member of {@code extra_content} ({@code google}, or Vertex's {@code vertex}) holds a signature. */
    private static boolean hasSignature(JsonNode extraContent) {
        for (JsonNode vendor : extraContent) {
            JsonNode signature = vendor.get(THOUGHT_SIGNATURE);
            if (signature != null
                    && signature.isTextual()
                    && !signature.textValue().isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
