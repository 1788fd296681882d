package dev.orsgateway.transcoder.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.chat.ChatCompletionRequest;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatTool;
import dev.orsgateway.core.chat.ChatToolChoice;
import dev.orsgateway.core.chat.ResponseFormat;
import dev.orsgateway.core.model.AudioConfig;
import dev.orsgateway.core.model.CreateResponseRequest;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.TextConfig;
import dev.orsgateway.core.model.TextFormat;
import dev.orsgateway.core.model.ToolChoice;
import dev.orsgateway.transcoder.TranscoderOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a {@link CreateResponseRequest} and its replayed history to one {@link ChatCompletionRequest}, exactly as
 * {@code docs/REQUEST-MAPPING.md} decides; the whole request is validated before anything is returned, so an
 * invalid one fails with a 400 {@link dev.orsgateway.core.OrsException} before any upstream call. Fields the
 * gateway enforces itself ({@code store}, {@code metadata}, {@code background}, {@code truncation},
 * {@code include}, {@code max_tool_calls}) are never sent upstream. Thread-safe.
 */
public final class RequestTranslator {
    private static final Logger log = LoggerFactory.getLogger(RequestTranslator.class);
    private static final Set<String> TRUNCATIONS = Set.of("auto", "disabled");
    private static final String INCLUDE_LOGPROBS = "message.output_text.logprobs";
    private static final int MAX_METADATA_KEYS = 16;
    private static final Set<String> MODALITIES = Set.of("text", "audio");

    private final TranscoderOptions options;

    /** A translator with the given options. */
    public RequestTranslator(TranscoderOptions options) {
        this.options = options;
    }

    /**
     * The chat request for {@code request}, with {@code history} (the replayed {@code previous_response_id} chain,
     * oldest first, may be null or empty) before its input.
     *
     * @throws dev.orsgateway.core.OrsException 400 when the request is invalid or cannot be served by a Chat
     *     Completions provider
     */
    public ChatCompletionRequest translate(CreateResponseRequest request, List<Item> history) {
        ChatCompletionRequest.Builder chat = ChatCompletionRequest.builder().model(model(request));
        checkUnsupported(request);
        checkGatewayFields(request);
        sampling(request, chat);
        identifiers(request, chat);
        logprobs(request, chat);
        text(request.text(), chat);
        audioOutput(request, chat);
        ToolCatalog catalog = ToolCatalog.of(request.tools(), history, request.input(), true);
        tools(request, catalog, chat);
        if (request.reasoning() != null && request.reasoning().effort() != null) {
            chat.reasoningEffort(request.reasoning().effort());
        }
        if (request.serviceTier() != null) {
            chat.serviceTier(request.serviceTier());
        }
        if (request.isStreaming()) {
            chat.stream(true).streamOptions(new ChatCompletionRequest.StreamOptions(true));
        }
        chat.messages(messages(request, history, catalog));
        return chat.build();
    }

    private String model(CreateResponseRequest request) {
        if (request.model() != null && !request.model().isBlank()) {
            return request.model();
        }
        if (options.defaultModel() != null) {
            return options.defaultModel();
        }
        throw Checks.missing("model", "model is required: this gateway has no default model.");
    }

    /** Fields whose state or mode this gateway cannot honour: rejected rather than silently lost. */
    private static void checkUnsupported(CreateResponseRequest request) {
        if (Boolean.TRUE.equals(request.background())) {
            throw Checks.reject(
                    "background",
                    Checks.UNSUPPORTED_PARAMETER,
                    "background: true is not supported: this gateway has no background mode; send the request in"
                            + " the foreground (optionally with stream: true).");
        }
        for (String field : List.of("conversation", "prompt")) {
            JsonNode value = request.extra().get(field);
            if (value != null && !value.isNull()) {
                throw Checks.reject(
                        field,
                        Checks.UNSUPPORTED_PARAMETER,
                        field + " is not supported by this gateway (its state would be silently lost); use"
                                + " previous_response_id or send the input yourself.");
            }
        }
    }

    /** Checks the fields the gateway enforces or stores itself; none of them is sent upstream. */
    private static void checkGatewayFields(CreateResponseRequest request) {
        Checks.atLeast(request.maxToolCalls(), 1, "max_tool_calls");
        if (request.truncation() != null && !TRUNCATIONS.contains(request.truncation())) {
            throw Checks.reject(
                    "truncation",
                    Checks.INVALID,
                    "truncation must be 'auto' or 'disabled', got '" + Checks.clip(request.truncation()) + "'.");
        }
        Map<String, String> metadata = request.metadata();
        if (metadata != null) {
            if (metadata.size() > MAX_METADATA_KEYS) {
                throw Checks.reject(
                        "metadata",
                        "object_above_max_properties",
                        "metadata may have at most " + MAX_METADATA_KEYS + " keys, got " + metadata.size() + ".");
            }
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                if (Checks.length(entry.getKey()) > 64) {
                    throw Checks.reject(
                            "metadata",
                            "string_above_max_length",
                            "metadata keys must be at most 64 characters, got " + Checks.length(entry.getKey()) + ": '"
                                    + Checks.clip(entry.getKey()) + "'.");
                }
                Checks.maxLength(entry.getValue(), 512, "metadata." + entry.getKey());
            }
        }
    }

    private static void sampling(CreateResponseRequest request, ChatCompletionRequest.Builder chat) {
        Checks.between(request.temperature(), 0, 2, "temperature");
        Checks.between(request.topP(), 0, 1, "top_p");
        Checks.between(request.presencePenalty(), -2, 2, "presence_penalty");
        Checks.between(request.frequencyPenalty(), -2, 2, "frequency_penalty");
        chat.temperature(request.temperature())
                .topP(request.topP())
                .presencePenalty(request.presencePenalty())
                .frequencyPenalty(request.frequencyPenalty());
    }

    private void identifiers(CreateResponseRequest request, ChatCompletionRequest.Builder chat) {
        Checks.maxLength(request.safetyIdentifier(), 64, "safety_identifier");
        Checks.maxLength(request.promptCacheKey(), 64, "prompt_cache_key");
        Checks.atLeast(request.maxOutputTokens(), 16, "max_output_tokens");
        chat.safetyIdentifier(request.safetyIdentifier())
                .promptCacheKey(request.promptCacheKey())
                .user(request.user());
        if ("max_tokens".equals(options.maxTokensField())) {
            chat.maxTokens(request.maxOutputTokens());
        } else {
            chat.maxCompletionTokens(request.maxOutputTokens());
        }
    }

    private static void logprobs(CreateResponseRequest request, ChatCompletionRequest.Builder chat) {
        boolean logprobs = false;
        if (request.include() != null) {
            for (int i = 0; i < request.include().size(); i++) {
                String value = request.include().get(i);
                if (value == null) {
                    throw Checks.reject(
                            "include[" + i + "]", Checks.INVALID, "include[" + i + "] is null; it must be a string.");
                }
                // Every include value asks for extra data in the output, never changes what is generated: the
                // ones a chat upstream cannot give (reasoning.encrypted_content, web_search_call.results, ...) are
                // accepted and give nothing.
                if (INCLUDE_LOGPROBS.equals(value)) {
                    logprobs = true;
                }
            }
        }
        Checks.between(request.topLogprobs(), 0, 20, "top_logprobs");
        if (request.topLogprobs() != null && request.topLogprobs() > 0) {
            chat.logprobs(true).topLogprobs(request.topLogprobs());
        } else if (logprobs) {
            chat.logprobs(true);
        }
    }

    private static void text(TextConfig text, ChatCompletionRequest.Builder chat) {
        if (text == null) {
            return;
        }
        TextFormat format = text.format();
        if (format instanceof TextFormat.JsonObject) {
            chat.responseFormat(ResponseFormat.jsonObject());
        } else if (format instanceof TextFormat.JsonSchema schema) {
            if (schema.name() == null) {
                throw Checks.missing("text.format.name", "text.format.name is required for a json_schema format.");
            }
            if (!Checks.NAME.matcher(schema.name()).matches()) {
                throw Checks.reject(
                        "text.format.name",
                        Checks.INVALID,
                        "text.format.name must match ^[a-zA-Z0-9_-]{1,64}$, got '" + Checks.clip(schema.name()) + "'.");
            }
            chat.responseFormat(new ResponseFormat.JsonSchema(new ResponseFormat.JsonSchemaSpec(
                    schema.name(), schema.description(), schema.schema(), schema.strict())));
        } else if (format instanceof TextFormat.Unknown unknown) {
            throw Checks.reject(
                    "text.format.type",
                    Checks.UNSUPPORTED_VALUE,
                    "text.format.type '" + Checks.clip(unknown.type())
                            + "' is not supported; use 'text', 'json_schema' or 'json_object'.");
        }
        chat.verbosity(text.verbosity());
    }

    /**
     * {@code modalities} and {@code audio}, this gateway's extension fields for spoken answers, checked and passed as
     * the chat parameters of the same names. The model speaks only when asked to, so a client that did not ask never
     * meets the audio extension events.
     */
    private static void audioOutput(CreateResponseRequest request, ChatCompletionRequest.Builder chat) {
        List<String> modalities = request.modalities();
        AudioConfig audio = request.audio();
        boolean speaks = false;
        if (modalities != null) {
            if (modalities.isEmpty()) {
                throw Checks.reject(
                        "modalities",
                        Checks.INVALID,
                        "modalities must name at least one output modality: [\"text\"] or [\"text\",\"audio\"].");
            }
            for (int i = 0; i < modalities.size(); i++) {
                String modality = modalities.get(i);
                if (modality == null || !MODALITIES.contains(modality)) {
                    throw Checks.reject(
                            "modalities[" + i + "]",
                            Checks.UNSUPPORTED_VALUE,
                            "modalities[" + i + "] must be 'text' or 'audio', got '" + Checks.clip(modality) + "'.");
                }
            }
            speaks = modalities.contains("audio");
        }
        if (speaks) {
            if (audio == null) {
                throw Checks.missing(
                        "audio",
                        "audio is required when modalities includes 'audio': {\"voice\":\"alloy\",\"format\":\"wav\"}.");
            }
            if (audio.voice() == null) {
                throw Checks.missing("audio.voice", "audio.voice is required: a voice name such as 'alloy'.");
            }
            if (!audio.voice().isTextual() && !audio.voice().isObject()) {
                throw Checks.reject(
                        "audio.voice",
                        Checks.INVALID,
                        "audio.voice must be a voice name or a custom voice object ({\"id\":...}), got "
                                + audio.voice().getNodeType().toString().toLowerCase(Locale.ROOT) + ".");
            }
            if (audio.format() == null || audio.format().isBlank()) {
                throw Checks.missing(
                        "audio.format", "audio.format is required: the audio format, e.g. 'wav', 'mp3' or 'pcm16'.");
            }
        } else if (audio != null) {
            throw Checks.reject(
                    "audio",
                    Checks.INVALID,
                    "audio sets how the model speaks, but modalities does not include 'audio'; send modalities:"
                            + " [\"text\",\"audio\"] with it.");
        }
        chat.modalities(modalities);
        if (audio != null) {
            chat.audio(new ChatCompletionRequest.AudioOptions(audio.voice(), audio.format(), audio.extra()));
        }
    }

    private void tools(CreateResponseRequest request, ToolCatalog catalog, ChatCompletionRequest.Builder chat) {
        hostedTools(catalog, request);
        List<ToolCatalog.Entry> sent = new ArrayList<>();
        for (ToolCatalog.Entry entry : catalog.entries()) {
            if (entry.offered()) {
                sent.add(entry);
            }
        }
        ToolChoice choice = request.toolChoice();
        ChatToolChoice chatChoice = null;
        if (choice instanceof ToolChoice.Mode mode) {
            if (mode == ToolChoice.Mode.REQUIRED && sent.isEmpty()) {
                throw Checks.reject(
                        "tool_choice",
                        Checks.INVALID,
                        "tool_choice 'required' needs at least one tool the model can call, and there is none"
                                + droppedNote(catalog)
                                + ".");
            }
            chatChoice = ChatToolChoice.mode(mode.wireName());
        } else if (choice instanceof ToolChoice.Function forced) {
            ToolCatalog.Entry entry = catalog.topLevel(ToolCatalog.Kind.FUNCTION, forced.name());
            if (entry == null) {
                throw Checks.reject(
                        "tool_choice.name",
                        Checks.INVALID,
                        "tool_choice names function '" + Checks.clip(forced.name()) + "', which is not in tools.");
            }
            offer(sent, entry);
            chatChoice = ChatToolChoice.function(entry.upstreamName());
        } else if (choice instanceof ToolChoice.Typed forced) {
            ToolCatalog.Entry entry = ToolPolicy.forcedEntry(forced, catalog);
            if (entry == null) {
                throw forcedUnavailable(forced);
            }
            offer(sent, entry);
            chatChoice = ChatToolChoice.function(entry.upstreamName());
        } else if (choice instanceof ToolChoice.AllowedTools allowed) {
            if (allowed.tools().isEmpty()) {
                throw Checks.reject(
                        "tool_choice.tools", Checks.INVALID, "tool_choice.tools must name at least one tool.");
            }
            Set<String> names = new HashSet<>();
            for (int k = 0; k < allowed.tools().size(); k++) {
                String name = allowed.tools().get(k).name();
                ToolCatalog.Entry entry = catalog.topLevel(ToolCatalog.Kind.FUNCTION, name);
                if (entry == null) {
                    throw Checks.reject(
                            "tool_choice.tools[" + k + "].name",
                            Checks.INVALID,
                            "tool_choice.tools[" + k + "] names function '" + Checks.clip(name)
                                    + "', which is not in tools.");
                }
                names.add(entry.upstreamName());
            }
            sent.removeIf(entry -> !names.contains(entry.upstreamName()));
            ToolChoice.Mode mode = allowed.mode() == null ? ToolChoice.Mode.AUTO : allowed.mode();
            chatChoice = ChatToolChoice.mode(mode.wireName());
        }

        if (sent.isEmpty()) {
            return;
        }
        for (ToolCatalog.Entry entry : sent) {
            chat.addTool(new ChatTool.FunctionTool(entry.definition()));
        }
        chat.toolChoice(chatChoice).parallelToolCalls(request.parallelToolCalls());
    }

    /** Adds a forced tool that waits for a tool search: forcing it is asking for it. */
    private static void offer(List<ToolCatalog.Entry> sent, ToolCatalog.Entry entry) {
        if (!sent.contains(entry)) {
            sent.add(entry);
        }
    }

    /** Applies the hosted-tools policy: a 400 naming every hosted tool, or one INFO line naming what is left out. */
    private void hostedTools(ToolCatalog catalog, CreateResponseRequest request) {
        List<ToolCatalog.Hosted> hosted = catalog.hosted();
        if (hosted.isEmpty()) {
            return;
        }
        List<String> named = new ArrayList<>(hosted.size());
        for (ToolCatalog.Hosted tool : hosted) {
            named.add(tool.param() + " (" + tool.label() + ")");
        }
        if (options.hostedTools() == TranscoderOptions.HostedTools.REJECT) {
            String param = hosted.size() == 1 ? hosted.get(0).param() + ".type" : "tools";
            throw Checks.reject(
                    param,
                    Checks.UNSUPPORTED_TOOL,
                    (hosted.size() == 1 ? "This hosted tool is" : "These hosted tools are")
                            + " not supported: " + String.join(", ", named)
                            + ". The Chat Completions upstream cannot run them; remove them, or use function tools.");
        }
        log.info(
                "leaving out {} hosted tool(s) the Chat Completions upstream cannot run (model {}): {}",
                hosted.size(),
                request.model(),
                String.join(", ", named));
    }

    private static String droppedNote(ToolCatalog catalog) {
        if (catalog.hosted().isEmpty()) {
            return "";
        }
        List<String> labels = new ArrayList<>();
        for (ToolCatalog.Hosted tool : catalog.hosted()) {
            labels.add(tool.label());
        }
        return " (hosted tools left out, which the upstream cannot run: " + String.join(", ", labels) + ")";
    }

    private static OrsException forcedUnavailable(ToolChoice.Typed forced) {
        String type = forced.type();
        return switch (type) {
            case "custom" ->
                Checks.reject(
                        "tool_choice.name",
                        Checks.INVALID,
                        "tool_choice names custom tool '" + Checks.clip(forced.name()) + "', which is not in tools.");
            case "shell", "local_shell", "apply_patch", "tool_search" ->
                Checks.reject(
                        "tool_choice.type",
                        Checks.INVALID,
                        "tool_choice forces the " + type + " tool, which is not in tools"
                                + ("tool_search".equals(type) ? " with execution 'client'." : "."));
            default ->
                Checks.reject(
                        "tool_choice.type",
                        Checks.UNSUPPORTED_TOOL,
                        "tool_choice forces '" + Checks.clip(type) + "', a hosted tool that a Chat Completions"
                                + " upstream cannot run (hosted tools are never sent upstream); use 'auto' or"
                                + " 'required', or force a function tool.");
        };
    }

    private List<ChatMessage> messages(CreateResponseRequest request, List<Item> history, ToolCatalog catalog) {
        boolean noInput = request.input() == null || request.input().isEmpty();
        if (noInput && request.previousResponseId() == null) {
            throw Checks.missing("input", "input is required (a string or an array of items).");
        }
        List<ChatMessage> messages =
                new MessageAssembler(options, catalog).assemble(request.instructions(), history, request.input());
        if (messages.isEmpty()) {
            throw Checks.missing("input", "input has nothing to send: no message, function call or output.");
        }
        return messages;
    }
}
