package dev.orsgateway.core.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.orsgateway.core.internal.Extras;
import dev.orsgateway.core.model.internal.ItemDeserializer;
import dev.orsgateway.core.model.internal.OutputDeserializer;
import java.util.List;
import java.util.Map;

/**
 * An item of a conversation, as input (the spec's {@code ItemParam}) or output ({@code ItemField}): messages,
 * function calls and their outputs, reasoning, item references and compactions, and OpenAI's custom (freeform) tool
 * calls and their outputs. Items of other types are kept intact as {@link Unknown}; that includes OpenAI's other
 * client-executed tool items ({@code tool_search_call}, {@code tool_search_output}, {@code local_shell_call},
 * {@code shell_call}, {@code apply_patch_call} and their outputs), which the transcoder reads and writes by field.
 *
 * <p>One type serves both directions, since a response's output becomes the next request's input when a chain is
 * replayed. Reading is lenient where clients are: a message without {@code type} is a message, an item reference
 * may omit {@code type}, and string message content is read as one text part.
 */
@JsonDeserialize(using = ItemDeserializer.class)
@JsonPropertyOrder({"type", "id"})
public sealed interface Item {

    /** The item's {@code type} discriminator. */
    String type();

    /** The item's id, or null when the client sent none. */
    String id();

    /**
     * A message. String content is read as one {@code input_text} part ({@code output_text} for assistant
     * messages), which is also how OpenAI lists stored input items.
     *
     * @param id the item id, e.g. {@code msg_...}
     * @param status {@link ItemStatus} value, or null on input
     * @param role who wrote it
     * @param content its parts
     * @param phase {@code commentary} or {@code final_answer} on assistant messages, else null
     * @param extra unknown fields, kept
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "id", "status", "role", "content"})
    record Message(
            String id,
            String status,
            MessageRole role,
            @JsonInclude(JsonInclude.Include.ALWAYS) List<ContentPart> content,
            String phase,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Item {
        /** Normalizes lists and {@code extra}. */
        public Message {
            content = Extras.list(content);
            extra = Extras.withoutType(extra);
        }

        /** A user message with one text part. */
        public static Message user(String text) {
            return new Message(null, null, MessageRole.USER, List.of(new ContentPart.InputText(text)), null, Map.of());
        }

        /** A message of any role with the given parts. */
        public static Message of(MessageRole role, List<ContentPart> content) {
            return new Message(null, null, role, content, null, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "message";
        }

        /** The text of all text-like parts, concatenated. */
        public String text() {
            StringBuilder text = new StringBuilder();
            for (ContentPart part : content) {
                if (part instanceof ContentPart.InputText p) {
                    text.append(p.text());
                } else if (part instanceof ContentPart.OutputText p) {
                    text.append(p.text());
                } else if (part instanceof ContentPart.Text p) {
                    text.append(p.text());
                }
            }
            return text.toString();
        }
    }

    /**
     * A call of a function tool by the model.
     *
     * @param id the item id, e.g. {@code fc_...}
     * @param callId the id that pairs the call with its output
     * @param name the function's name
     * @param arguments the arguments as a JSON string
     * @param status {@link ItemStatus} value, or null on input
     * @param extra unknown fields, kept
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "id", "call_id", "name", "arguments", "status"})
    record FunctionCall(
            String id,
            @JsonProperty("call_id") String callId,
            String name,
            String arguments,
            String status,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Item {
        /** Normalizes {@code extra}. */
        public FunctionCall {
            extra = Extras.withoutType(extra);
        }

        /** A call with no item id or status (as a client replays it). */
        public static FunctionCall of(String callId, String name, String arguments) {
            return new FunctionCall(null, callId, name, arguments, null, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "function_call";
        }

        /**
         * The namespace of a function declared inside a {@code namespace} tool (OpenAI's {@code namespace} field, kept
         * in {@link #extra()}), or null.
         */
        public String namespace() {
            return Extras.text(extra, "namespace");
        }
    }

    /**
     * The result of a function call, sent by the client.
     *
     * @param id the item id, or null
     * @param callId the {@link FunctionCall#callId()} it answers
     * @param output a string or content parts
     * @param status {@link ItemStatus} value, or null on input
     * @param extra unknown fields, kept
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "id", "call_id", "output", "status"})
    record FunctionCallOutput(
            String id,
            @JsonProperty("call_id") String callId,
            Output output,
            String status,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Item {
        /** Normalizes {@code extra}. */
        public FunctionCallOutput {
            extra = Extras.withoutType(extra);
        }

        /** A string output for {@code callId}. */
        public static FunctionCallOutput of(String callId, String output) {
            return new FunctionCallOutput(null, callId, new Output.Text(output), null, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "function_call_output";
        }
    }

    /** A function call's output: a string (usually JSON) or content parts. The wire form is kept. */
    @JsonDeserialize(using = OutputDeserializer.class)
    sealed interface Output {
        /** A string output. */
        record Text(@JsonValue String text) implements Output {}

        /** Content parts: text, images, files, video. */
        record Parts(@JsonValue List<ContentPart> parts) implements Output {
            /** Copies {@code parts}. */
            public Parts {
                parts = Extras.list(parts);
            }
        }
    }

    /**
     * A call of a custom (freeform) tool by the model: OpenAI's {@code custom_tool_call}, whose {@code input} is raw
     * text rather than JSON arguments.
     *
     * @param id the item id, e.g. {@code ctc_...}
     * @param callId the id that pairs the call with its output
     * @param namespace the namespace of a tool declared inside a {@code namespace} tool, or null
     * @param name the tool's name
     * @param input the text the model wrote for the tool
     * @param status {@link ItemStatus} value, or null on input
     * @param extra unknown fields, kept
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "id", "call_id", "namespace", "name", "input", "status"})
    record CustomToolCall(
            String id,
            @JsonProperty("call_id") String callId,
            String namespace,
            String name,
            String input,
            String status,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Item {
        /** Normalizes {@code extra}. */
        public CustomToolCall {
            extra = Extras.withoutType(extra);
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "custom_tool_call";
        }
    }

    /**
     * The result of a custom tool call, sent by the client: OpenAI's {@code custom_tool_call_output}.
     *
     * @param id the item id, or null
     * @param callId the {@link CustomToolCall#callId()} it answers
     * @param output a string or content parts
     * @param status {@link ItemStatus} value, or null
     * @param extra unknown fields, kept
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "id", "call_id", "output", "status"})
    record CustomToolCallOutput(
            String id,
            @JsonProperty("call_id") String callId,
            Output output,
            String status,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Item {
        /** Normalizes {@code extra}. */
        public CustomToolCallOutput {
            extra = Extras.withoutType(extra);
        }

        /** A string output for {@code callId}. */
        public static CustomToolCallOutput of(String callId, String output) {
            return new CustomToolCallOutput(null, callId, new Output.Text(output), null, Map.of());
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "custom_tool_call_output";
        }
    }

    /**
     * The model's reasoning: raw {@code content} ({@code reasoning_text} parts), a {@code summary}, and an opaque
     * {@code encryptedContent} to round-trip.
     *
     * @param id the item id, e.g. {@code rs_...}
     * @param summary summary parts; always written, possibly empty
     * @param content raw reasoning parts, or null
     * @param encryptedContent provider-opaque reasoning state, or null
     * @param status {@link ItemStatus} value, or null
     * @param extra unknown fields, kept
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    @JsonPropertyOrder({"type", "id", "status", "summary", "content", "encrypted_content"})
    record Reasoning(
            String id,
            @JsonInclude(JsonInclude.Include.ALWAYS) List<ContentPart> summary,
            List<ContentPart> content,
            @JsonProperty("encrypted_content") String encryptedContent,
            String status,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Item {
        /** Normalizes lists and {@code extra}. */
        public Reasoning {
            summary = Extras.list(summary);
            content = content == null ? null : List.copyOf(content);
            extra = Extras.withoutType(extra);
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "reasoning";
        }

        /** The raw reasoning text, concatenated; empty when there is none. */
        public String text() {
            StringBuilder text = new StringBuilder();
            if (content != null) {
                for (ContentPart part : content) {
                    if (part instanceof ContentPart.ReasoningText p) {
                        text.append(p.text());
                    }
                }
            }
            return text.toString();
        }
    }

    /**
     * A reference to a stored item by id.
     *
     * @param id the referenced item's id
     * @param extra unknown fields, kept
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record ItemReference(
            String id, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) implements Item {
        /** Normalizes {@code extra}. */
        public ItemReference {
            extra = Extras.withoutType(extra);
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "item_reference";
        }
    }

    /**
     * A compacted window of earlier context, opaque to clients.
     *
     * @param id the item id, e.g. {@code cmp_...}
     * @param encryptedContent the opaque compacted state
     * @param createdBy who produced it, or null
     * @param extra unknown fields, kept
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record Compaction(
            String id,
            @JsonProperty("encrypted_content") String encryptedContent,
            @JsonProperty("created_by") String createdBy,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra)
            implements Item {
        /** Normalizes {@code extra}. */
        public Compaction {
            extra = Extras.withoutType(extra);
        }

        @Override
        @JsonProperty("type")
        public String type() {
            return "compaction";
        }
    }

    /**
     * An item of a type this library has no record for (a provider extension such as {@code acme:search_result},
     * or one of OpenAI's tool items listed in the interface's description); every field is kept as read.
     *
     * @param type its type
     * @param fields every other field
     */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    record Unknown(
            @JsonProperty("type") String type,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> fields) implements Item {
        /** Normalizes {@code fields}. */
        public Unknown {
            fields = Extras.withoutType(fields);
        }

        @Override
        public String id() {
            JsonNode id = fields.get("id");
            return id == null || !id.isTextual() ? null : id.asText();
        }
    }
}
