package dev.orsgateway.examples.scripted;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatFunctionCall;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatToolCall;
import dev.orsgateway.core.chat.ChatToolCallDelta;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.chat.CompletionChoice;
import dev.orsgateway.core.json.OrsJson;
import java.util.ArrayList;
import java.util.List;

/** Turns a {@link Script} into the SSE events of a stream and the body of a non-streaming answer. */
final class ScriptRenderer {

    /** The {@code [DONE]} event that ends a stream. */
    static final String DONE = "data: [DONE]\n\n";

    /** The model reported when neither the script nor the request names one. */
    static final String DEFAULT_MODEL = "scripted";

    private static final ChatDelta EMPTY_DELTA = new ChatDelta(null, null, null, null, null, null, null, null);

    /**
     * A rendered script.
     *
     * @param events the SSE events of a stream, without {@code [DONE]}
     * @param completionBody the body of a non-streaming answer
     */
    record Rendered(List<String> events, String completionBody) {}

    private ScriptRenderer() {}

    /**
     * Renders a script for a request.
     *
     * @param script the script
     * @param request the request
     * @param sequence the request's sequence number, used in the completion and tool call ids
     * @param created the creation time, Unix seconds
     * @return the events and the completion body
     */
    static Rendered render(Script script, ChatCompletionRequest request, int sequence, long created) {
        String id = "chatcmpl-scripted-" + sequence;
        String model = script.modelOverride() != null
                ? script.modelOverride()
                : request.model() != null ? request.model() : DEFAULT_MODEL;

        List<String> events = new ArrayList<>();
        StringBuilder reasoning = null;
        StringBuilder text = null;
        StringBuilder refusal = null;
        List<ChatToolCall> toolCalls = new ArrayList<>();
        String firstPayload = null;
        boolean content = false;
        int completionWords = 0;
        int reasoningWords = 0;

        for (Script.Part part : script.parts()) {
            if (part instanceof Script.Raw raw) {
                events.add(raw.event());
                if (firstPayload == null) {
                    firstPayload = raw.payload() != null ? raw.payload() : raw.event();
                }
            } else if (part instanceof Script.Deltas deltas) {
                StringBuilder joined = new StringBuilder();
                for (String delta : deltas.deltas()) {
                    String role = content ? null : "assistant";
                    content = true;
                    ChatDelta chatDelta = switch (deltas.kind()) {
                        case REASONING -> new ChatDelta(role, null, null, null, null, delta, null, null);
                        case TEXT -> new ChatDelta(role, delta, null, null, null, null, null, null);
                        case REFUSAL -> new ChatDelta(role, null, delta, null, null, null, null, null);
                    };
                    events.add(event(
                            new ChatChunk(id, created, model, List.of(new ChunkChoice(0, chatDelta, null)), null)));
                    joined.append(delta);
                }
                // An empty part still counts: Script.text() is an empty answer, not a missing one.
                content = true;
                int words = DemoModel.countWords(joined.toString());
                completionWords += words;
                switch (deltas.kind()) {
                    case REASONING -> {
                        reasoningWords += words;
                        reasoning = append(reasoning, joined);
                    }
                    case TEXT -> text = append(text, joined);
                    case REFUSAL -> refusal = append(refusal, joined);
                }
            } else if (part instanceof Script.Calls calls) {
                for (Script.ToolCall call : calls.calls()) {
                    int index = toolCalls.size();
                    String callId = call.id() != null ? call.id() : "call_" + sequence + "_" + index;
                    String role = content ? null : "assistant";
                    content = true;
                    ChatToolCallDelta header = new ChatToolCallDelta(
                            index, callId, ChatToolCall.FUNCTION, new ChatFunctionCall(call.name(), ""));
                    events.add(toolCallEvent(id, created, model, role, header));
                    for (String fragment : call.argumentFragments()) {
                        events.add(toolCallEvent(
                                id,
                                created,
                                model,
                                null,
                                new ChatToolCallDelta(index, null, null, new ChatFunctionCall(null, fragment))));
                    }
                    toolCalls.add(ChatToolCall.function(callId, call.name(), call.arguments()));
                    completionWords += DemoModel.countWords(call.name()) + DemoModel.countWords(call.arguments());
                }
            }
        }

        boolean finishes = content || script.explicitFinishReason() != null;
        String finishReason = script.explicitFinishReason() != null
                ? script.explicitFinishReason()
                : toolCalls.isEmpty() ? "stop" : "tool_calls";
        ChatUsage usage = script.explicitUsage() != null
                ? script.explicitUsage()
                : wordUsage(promptWords(request), completionWords, reasoningWords);

        if (finishes) {
            events.add(event(
                    new ChatChunk(id, created, model, List.of(new ChunkChoice(0, EMPTY_DELTA, finishReason)), null)));
            ChatCompletionRequest.StreamOptions options = request.streamOptions();
            if (options != null && Boolean.TRUE.equals(options.includeUsage())) {
                events.add(event(new ChatChunk(id, created, model, List.of(), usage)));
            }
        }

        String body;
        if (!finishes && firstPayload != null) {
            body = firstPayload;
        } else {
            ChatMessage.AssistantMessage message = new ChatMessage.AssistantMessage(
                    text == null ? null : ChatContent.of(text.toString()),
                    refusal == null ? null : refusal.toString(),
                    null,
                    toolCalls.isEmpty() ? null : toolCalls,
                    null,
                    reasoning == null ? null : reasoning.toString(),
                    null,
                    null,
                    null);
            body = OrsJson.write(new ChatCompletion(
                    id, created, model, List.of(new CompletionChoice(0, message, finishReason)), usage));
        }
        return new Rendered(List.copyOf(events), body);
    }

    private static StringBuilder append(StringBuilder into, CharSequence more) {
        return into == null ? new StringBuilder(more) : into.append(more);
    }

    private static String toolCallEvent(String id, long created, String model, String role, ChatToolCallDelta call) {
        ChatDelta delta = new ChatDelta(role, null, null, List.of(call), null, null, null, null);
        return event(new ChatChunk(id, created, model, List.of(new ChunkChoice(0, delta, null)), null));
    }

    private static String event(ChatChunk chunk) {
        return "data: " + OrsJson.write(chunk) + "\n\n";
    }

    private static ChatUsage wordUsage(int promptWords, int completionWords, int reasoningWords) {
        return new ChatUsage(
                promptWords,
                completionWords,
                promptWords + completionWords,
                null,
                reasoningWords == 0 ? null : new ChatUsage.CompletionTokensDetails(reasoningWords, null, null, null),
                null);
    }

    /**
     * The words of all messages: their text (the text parts of an array content), and for an assistant message the
     * names and arguments of its tool calls.
     */
    static int promptWords(ChatCompletionRequest request) {
        if (request.messages() == null) {
            return 0;
        }
        int words = 0;
        for (ChatMessage message : request.messages()) {
            if (message instanceof ChatMessage.SystemMessage m) {
                words += DemoModel.countWords(DemoModel.text(m.content()));
            } else if (message instanceof ChatMessage.DeveloperMessage m) {
                words += DemoModel.countWords(DemoModel.text(m.content()));
            } else if (message instanceof ChatMessage.UserMessage m) {
                words += DemoModel.countWords(DemoModel.text(m.content()));
            } else if (message instanceof ChatMessage.ToolMessage m) {
                words += DemoModel.countWords(DemoModel.text(m.content()));
            } else if (message instanceof ChatMessage.FunctionMessage m) {
                words += DemoModel.countWords(DemoModel.text(m.content()));
            } else if (message instanceof ChatMessage.AssistantMessage m) {
                words += DemoModel.countWords(DemoModel.text(m.content()));
                if (m.toolCalls() != null) {
                    for (ChatToolCall call : m.toolCalls()) {
                        if (call != null && call.function() != null) {
                            words += DemoModel.countWords(call.function().name())
                                    + DemoModel.countWords(call.function().arguments());
                        }
                    }
                }
            }
        }
        return words;
    }
}
