package dev.orsgateway.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orsgateway.core.json.OrsJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

/**
 * Bounds on what a client controls in a request, checked on its JSON before it is bound or sent anywhere: how many
 * input items and tools, how deep the JSON nests, how long a string and an inline file, image or audio may be, how
 * large one tool's definition, and the size of {@code metadata}. A request over a bound is a 400 {@code
 * invalid_request} whose {@code param} is the JSON path of the offending value ({@code input[3].content[0].text}).
 * The body's size is the transport's bound (the servlet's {@code maxRequestBytes}, a 413).
 *
 * <p>The defaults accept everything the Open Responses spec allows and what real clients send (Codex's tool lists and
 * instructions are far inside them); {@code metadata}'s are the spec's own (16 pairs, keys up to 64 characters, values
 * up to 512). Given to {@link OrsGateway.Builder#requestLimits}; the servlet applies its gateway's limits to every
 * create and compact request over HTTP and WebSocket. Requests built in-process are the application's own and are not
 * checked, unless it calls {@link #check}. Immutable.
 */
public final class RequestLimits {
    /** The default of {@link Builder#maxInputItems}. */
    public static final int DEFAULT_MAX_INPUT_ITEMS = 50_000;
    /** The default of {@link Builder#maxNestingDepth}. */
    public static final int DEFAULT_MAX_NESTING_DEPTH = 128;
    /** The default of {@link Builder#maxStringLength}: the spec's bound on text, 10 MiB. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 10 * 1024 * 1024;
    /** The default of {@link Builder#maxInlineDataLength}: the spec's bound on {@code file_data}, 32 MiB. */
    public static final int DEFAULT_MAX_INLINE_DATA_LENGTH = 32 * 1024 * 1024;
    /** The default of {@link Builder#maxTools}. */
    public static final int DEFAULT_MAX_TOOLS = 1_024;
    /** The default of {@link Builder#maxToolBytes}: 1 MiB. */
    public static final int DEFAULT_MAX_TOOL_BYTES = 1024 * 1024;
    /** The spec's bound on {@code metadata} pairs. */
    public static final int DEFAULT_MAX_METADATA_PAIRS = 16;
    /** The spec's bound on a {@code metadata} key. */
    public static final int DEFAULT_MAX_METADATA_KEY_LENGTH = 64;
    /** The spec's bound on a {@code metadata} value. */
    public static final int DEFAULT_MAX_METADATA_VALUE_LENGTH = 512;

    /** Fields whose string values are inline content (base64 or {@code data:} URLs) rather than text. */
    private static final Set<String> INLINE_DATA_FIELDS = Set.of("image_url", "file_data", "file_url");

    private static final RequestLimits DEFAULTS = builder().build();

    private final int maxInputItems;
    private final int maxNestingDepth;
    private final int maxStringLength;
    private final int maxInlineDataLength;
    private final int maxTools;
    private final int maxToolBytes;
    private final int maxMetadataPairs;
    private final int maxMetadataKeyLength;
    private final int maxMetadataValueLength;

    private RequestLimits(Builder b) {
        this.maxInputItems = b.maxInputItems;
        this.maxNestingDepth = b.maxNestingDepth;
        this.maxStringLength = b.maxStringLength;
        this.maxInlineDataLength = b.maxInlineDataLength;
        this.maxTools = b.maxTools;
        this.maxToolBytes = b.maxToolBytes;
        this.maxMetadataPairs = b.maxMetadataPairs;
        this.maxMetadataKeyLength = b.maxMetadataKeyLength;
        this.maxMetadataValueLength = b.maxMetadataValueLength;
    }

    /** The defaults (the {@code DEFAULT_} constants). */
    public static RequestLimits defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The most items in {@code input}. */
    public int maxInputItems() {
        return maxInputItems;
    }

    /** The deepest nesting of arrays and objects; the request object itself is depth 1. */
    public int maxNestingDepth() {
        return maxNestingDepth;
    }

    /** The longest string, in characters (UTF-16 units), but for inline data. */
    public int maxStringLength() {
        return maxStringLength;
    }

    /** The longest {@code image_url}, {@code file_data}, {@code file_url} and {@code input_audio.data}, in characters. */
    public int maxInlineDataLength() {
        return maxInlineDataLength;
    }

    /** The most entries in {@code tools}. */
    public int maxTools() {
        return maxTools;
    }

    /** The largest one entry of {@code tools} may be, in bytes of compact JSON. */
    public int maxToolBytes() {
        return maxToolBytes;
    }

    /** The most {@code metadata} pairs. */
    public int maxMetadataPairs() {
        return maxMetadataPairs;
    }

    /** The longest {@code metadata} key, in characters. */
    public int maxMetadataKeyLength() {
        return maxMetadataKeyLength;
    }

    /** The longest {@code metadata} value, in characters. */
    public int maxMetadataValueLength() {
        return maxMetadataValueLength;
    }

    /**
     * Checks a create or compact request's JSON object.
     *
     * @param request the request as the client sent it
     * @throws OrsException 400 {@code invalid_request} naming the first value over a limit
     */
    public void check(JsonNode request) {
        JsonNode input = request.get("input");
        if (input != null && input.isArray() && input.size() > maxInputItems) {
            throw tooMany("input", "array_above_max_length", input.size(), maxInputItems, "items");
        }
        JsonNode tools = request.get("tools");
        if (tools != null && tools.isArray() && tools.size() > maxTools) {
            throw tooMany("tools", "array_above_max_length", tools.size(), maxTools, "tools");
        }
        walk(request, null, null, 1);
        if (tools != null && tools.isArray()) {
            for (int i = 0; i < tools.size(); i++) {
                long bytes = jsonBytes(tools.get(i), maxToolBytes);
                if (bytes > maxToolBytes) {
                    throw OrsException.invalidRequest(
                            "tools[" + i + "]",
                            "tool_above_max_size",
                            "tools[" + i + "] is over " + maxToolBytes + " bytes of JSON, this server's limit.");
                }
            }
        }
        checkMetadata(request.get("metadata"));
    }

    private void checkMetadata(JsonNode metadata) {
        if (metadata == null || !metadata.isObject()) {
            return; // a wrong type is the binder's 400
        }
        if (metadata.size() > maxMetadataPairs) {
            throw tooMany("metadata", "object_above_max_properties", metadata.size(), maxMetadataPairs, "pairs");
        }
        for (Map.Entry<String, JsonNode> pair : metadata.properties()) {
            if (pair.getKey().length() > maxMetadataKeyLength) {
                throw OrsException.invalidRequest(
                        "metadata",
                        "string_above_max_length",
                        "A metadata key is " + pair.getKey().length() + " characters long; the limit is "
                                + maxMetadataKeyLength + ".");
            }
            JsonNode value = pair.getValue();
            if (value.isTextual() && value.textValue().length() > maxMetadataValueLength) {
                String param = "metadata." + pair.getKey();
                throw OrsException.invalidRequest(
                        param,
                        "string_above_max_length",
                        param + " is " + value.textValue().length() + " characters long; the limit is "
                                + maxMetadataValueLength + ".");
            }
        }
    }

    /** Depth and string lengths, depth first; {@code field} is the name the node is the value of, if any. */
    private void walk(JsonNode node, String path, String field, int depth) {
        if (node.isContainerNode()) {
            if (depth > maxNestingDepth) {
                throw OrsException.invalidRequest(
                        path,
                        "nesting_too_deep",
                        (path == null ? "The request" : path) + " nests arrays and objects deeper than "
                                + maxNestingDepth + " levels, this server's limit.");
            }
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), (path == null ? "" : path) + "[" + i + "]", null, depth + 1);
                }
            } else {
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    String name = entry.getKey();
                    String at = path == null ? name : path + "." + name;
                    if (name.length() > maxStringLength) {
                        throw tooLong(path, "A key", name.length(), maxStringLength);
                    }
                    walk(
                            entry.getValue(),
                            at,
                            "data".equals(name) && isAudio(path) ? "input_audio.data" : name,
                            depth + 1);
                }
            }
        } else if (node.isTextual()) {
            int length = node.textValue().length();
            boolean inline = field != null && (INLINE_DATA_FIELDS.contains(field) || field.equals("input_audio.data"));
            int limit = inline ? maxInlineDataLength : maxStringLength;
            if (length > limit) {
                throw tooLong(path, path, length, limit);
            }
        }
    }

    private static boolean isAudio(String path) {
        return path != null && path.endsWith("input_audio");
    }

    private static OrsException tooLong(String param, String subject, int length, int limit) {
        return OrsException.invalidRequest(
                param,
                "string_above_max_length",
                subject + " is " + length + " characters long; this server's limit is " + limit + ".");
    }

    private static OrsException tooMany(String param, String code, int count, int limit, String what) {
        return OrsException.invalidRequest(
                param, code, param + " has " + count + " " + what + "; this server's limit is " + limit + ".");
    }

    /** The size of {@code node} as compact JSON, counted without keeping the bytes; stops counting past {@code cap}. */
    private static long jsonBytes(JsonNode node, int cap) {
        CountingStream out = new CountingStream(cap);
        try {
            OrsJson.mapper().writeValue(out, node);
        } catch (CountingStream.Over over) {
            return out.count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.count;
    }

    private static final class CountingStream extends OutputStream {
        private final int cap;
        long count;

        CountingStream(int cap) {
            this.cap = cap;
        }

        @Override
        public void write(int b) throws IOException {
            add(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            add(len);
        }

        private void add(int n) throws IOException {
            count += n;
            if (count > cap) {
                throw new Over();
            }
        }

        /** Stops the writer once the size is known to be over. */
        static final class Over extends IOException {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Throwable fillInStackTrace() {
                return this; // control flow, not an error: no stack trace to fill
            }
        }
    }

    @Override
    public String toString() {
        return "RequestLimits[maxInputItems=" + maxInputItems + ", maxNestingDepth=" + maxNestingDepth
                + ", maxStringLength=" + maxStringLength + ", maxInlineDataLength=" + maxInlineDataLength
                + ", maxTools=" + maxTools + ", maxToolBytes=" + maxToolBytes + ", maxMetadataPairs="
                + maxMetadataPairs + ", maxMetadataKeyLength=" + maxMetadataKeyLength + ", maxMetadataValueLength="
                + maxMetadataValueLength + "]";
    }

    /** Builds {@link RequestLimits}; every value must be at least 1. */
    public static final class Builder {
        private int maxInputItems = DEFAULT_MAX_INPUT_ITEMS;
        private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
        private int maxStringLength = DEFAULT_MAX_STRING_LENGTH;
        private int maxInlineDataLength = DEFAULT_MAX_INLINE_DATA_LENGTH;
        private int maxTools = DEFAULT_MAX_TOOLS;
        private int maxToolBytes = DEFAULT_MAX_TOOL_BYTES;
        private int maxMetadataPairs = DEFAULT_MAX_METADATA_PAIRS;
        private int maxMetadataKeyLength = DEFAULT_MAX_METADATA_KEY_LENGTH;
        private int maxMetadataValueLength = DEFAULT_MAX_METADATA_VALUE_LENGTH;

        private Builder() {}

        /** The most items in {@code input}; {@value RequestLimits#DEFAULT_MAX_INPUT_ITEMS} by default. */
        public Builder maxInputItems(int max) {
            this.maxInputItems = positive("maxInputItems", max);
            return this;
        }

        /**
         * The deepest nesting of arrays and objects (the request object is depth 1), at most {@value
         * OrsJson#MAX_NESTING_DEPTH}, the mapper's own bound; {@value RequestLimits#DEFAULT_MAX_NESTING_DEPTH} by
         * default.
         */
        public Builder maxNestingDepth(int max) {
            positive("maxNestingDepth", max);
            if (max > OrsJson.MAX_NESTING_DEPTH) {
                throw new IllegalArgumentException(
                        "maxNestingDepth can be at most " + OrsJson.MAX_NESTING_DEPTH + ", the JSON reader's bound");
            }
            this.maxNestingDepth = max;
            return this;
        }

        /** The longest string but for inline data, in characters; 10 MiB by default, the spec's bound on text. */
        public Builder maxStringLength(int max) {
            this.maxStringLength = positive("maxStringLength", max);
            return this;
        }

        /**
         * The longest inline content, in characters of its base64 or {@code data:} URL ({@code image_url}, {@code
         * file_data}, {@code file_url}, {@code input_audio.data}); 32 MiB by default, the spec's bound on files.
         */
        public Builder maxInlineDataLength(int max) {
            this.maxInlineDataLength = positive("maxInlineDataLength", max);
            return this;
        }

        /** The most entries in {@code tools}; {@value RequestLimits#DEFAULT_MAX_TOOLS} by default. */
        public Builder maxTools(int max) {
            this.maxTools = positive("maxTools", max);
            return this;
        }

        /** The largest entry of {@code tools} (name, description, schema or grammar), in bytes of JSON; 1 MiB. */
        public Builder maxToolBytes(int max) {
            this.maxToolBytes = positive("maxToolBytes", max);
            return this;
        }

        /** The most {@code metadata} pairs; 16 by default, the spec's bound. */
        public Builder maxMetadataPairs(int max) {
            this.maxMetadataPairs = positive("maxMetadataPairs", max);
            return this;
        }

        /** The longest {@code metadata} key; 64 by default, the spec's bound. */
        public Builder maxMetadataKeyLength(int max) {
            this.maxMetadataKeyLength = positive("maxMetadataKeyLength", max);
            return this;
        }

        /** The longest {@code metadata} value; 512 by default, the spec's bound. */
        public Builder maxMetadataValueLength(int max) {
            this.maxMetadataValueLength = positive("maxMetadataValueLength", max);
            return this;
        }

        /** Builds the limits. */
        public RequestLimits build() {
            return new RequestLimits(this);
        }

        private static int positive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }
    }
}
