package dev.orsgateway.core.upstream;

import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatToolCall;
import dev.orsgateway.core.spi.ChatCompletionsUpstream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An upstream that only accepts tool call ids of exactly nine letters and digits: Mistral's API, and Mistral models
 * whose chat template checks them (served by vLLM, llama.cpp, mlx). Its 400 ("Tool call id was call_0fypS1hVX but
 * must be a-z, A-Z, 0-9, with a length of 9") comes on the turn after a tool call whose id another provider (or a
 * client) made, which a conversation moved between upstreams always has.
 *
 * <p>This decorator rewrites, in each request, every id of an assistant message's tool calls and every tool message's
 * {@code tool_call_id} that does not have that form, to nine characters derived from it (SHA-256, in base 62): the
 * same id always becomes the same one, so a call and its output stay paired, across turns too. Ids already valid,
 * and everything the upstream sends back, are left alone.
 */
public final class MistralToolCallIds {
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9]{9}");
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private MistralToolCallIds() {}

    /**
     * {@code upstream}, with tool call ids in its requests made valid for Mistral.
     *
     * @param upstream the upstream to send the rewritten requests to
     * @return the decorated upstream; closing it closes {@code upstream}
     */
    public static RewritingUpstream wrap(ChatCompletionsUpstream upstream) {
        return RewritingUpstream.of(upstream, MistralToolCallIds::rewrite);
    }

    /**
     * The id Mistral accepts for {@code id}: itself when it has the form, else nine letters and digits derived from it.
     *
     * @param id a tool call id
     * @return a valid id, the same for the same input
     */
    public static String validId(String id) {
        if (id == null || VALID.matcher(id).matches()) {
            return id;
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        char[] out = new char[9];
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (digest[i] & 0xff);
        }
        bits &= Long.MAX_VALUE; // 63 bits: 62^9 is about 2^53.6, so nine digits use them well
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[(int) (bits % ALPHABET.length)];
            bits /= ALPHABET.length;
        }
        return new String(out);
    }

    /**
     * {@code request} with its tool call ids made valid (the same instance when they all are).
     *
     * @param request a chat request
     * @return the request to send
     */
    public static ChatCompletionRequest rewrite(ChatCompletionRequest request) {
        List<ChatMessage> messages = request.messages();
        if (messages == null) {
            return request;
        }
        List<ChatMessage> rewritten = null;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            ChatMessage changed = rewrite(message);
            if (changed != message && rewritten == null) {
                rewritten = new ArrayList<>(messages.subList(0, i));
            }
            if (rewritten != null) {
                rewritten.add(changed);
            }
        }
        return rewritten == null
                ? request
                : request.toBuilder().messages(rewritten).build();
    }

    private static ChatMessage rewrite(ChatMessage message) {
        if (message instanceof ChatMessage.ToolMessage tool) {
            String id = validId(tool.toolCallId());
            return Objects.equals(id, tool.toolCallId())
                    ? tool
                    : new ChatMessage.ToolMessage(tool.content(), id, tool.extra());
        }
        if (message instanceof ChatMessage.AssistantMessage assistant
                && !assistant.toolCalls().isEmpty()) {
            List<ChatToolCall> calls = new ArrayList<>(assistant.toolCalls().size());
            boolean changed = false;
            for (ChatToolCall call : assistant.toolCalls()) {
                String id = validId(call.id());
                changed |= !Objects.equals(id, call.id());
                calls.add(
                        Objects.equals(id, call.id())
                                ? call
                                : new ChatToolCall(id, call.type(), call.function(), call.extra()));
            }
            return changed
                    ? new ChatMessage.AssistantMessage(
                            assistant.content(),
                            assistant.refusal(),
                            assistant.name(),
                            calls,
                            assistant.functionCall(),
                            assistant.reasoningContent(),
                            assistant.reasoning(),
                            assistant.audio(),
                            assistant.extra())
                    : assistant;
        }
        return message;
    }
}
