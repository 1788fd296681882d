package dev.orsgateway.examples.scripted;

import dev.orsgateway.core.chat.ChatUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * What {@link ScriptedChatServer} answers to one request. A script is immutable: every method returns a new script,
 * so one instance can be enqueued several times, and it serves a streaming and a non-streaming request alike.
 *
 * <p>A script is a sequence of parts, each streamed as one or more {@code chat.completion.chunk} events:
 *
 * <ul>
 *   <li>{@link #text(String...)}, {@link #reasoning(String...)}, {@link #refusal(String...)}: one chunk per delta,
 *       in {@code content}, {@code reasoning_content} and {@code refusal} respectively;
 *   <li>{@link #toolCalls(ToolCall...)}: per call, one chunk with its {@code index}, {@code id}, {@code type},
 *       {@code function.name} and empty {@code function.arguments}, then one chunk per argument fragment;
 *   <li>{@link #dataLine(String)} and {@link #raw(String)}: one event written exactly as given.
 * </ul>
 *
 * <p>The first chunk of a content part carries {@code role: assistant}. After the parts comes a chunk with an empty
 * delta and the {@code finish_reason} ({@link #finishReason(String)}, else {@code tool_calls} when the script has
 * tool calls, else {@code stop}); then, when the request set {@code stream_options.include_usage}, a chunk with empty
 * {@code choices} and the {@link #usage(int, int) usage}; then {@code data: [DONE]}. A script made only of raw events
 * and without an explicit finish reason sends no finish and no usage chunk.
 *
 * <p>Answering a non-streaming request, the parts are joined into one {@code chat.completion}: the text deltas into
 * {@code content} ({@code null} when the script has no text part), reasoning into {@code reasoning_content}, refusal
 * into {@code refusal}, the calls into {@code tool_calls}; usage is always present. Raw events are skipped, except
 * that a script made only of raw events answers with the payload of its first event (the JSON of a
 * {@link #dataLine(String)}) as a 200 body.
 *
 * <p>Unless {@link #usage(int, int)} is set, the usage counts words (runs of non-whitespace): prompt tokens are the
 * words of the request's messages, completion tokens the words of everything the script generates (reasoning, text,
 * refusal, tool names and arguments), with the reasoning words as {@code completion_tokens_details.reasoning_tokens}.
 */
public final class Script {

    /** The deltas of {@link #dieAfter(int)} and {@link #stallAfter(int)}. */
    private static final String[] CUT_SHORT_TEXT = {
        "This ", "answer ", "is ", "cut ", "short ", "by ", "the ", "scripted ", "server."
    };

    /** Which delta field a {@link Deltas} part fills. */
    enum Kind {
        REASONING,
        TEXT,
        REFUSAL
    }

    /** One part of a script. */
    sealed interface Part permits Deltas, Calls, Raw {}

    /** Text-like deltas, one chunk each. */
    record Deltas(Kind kind, List<String> deltas) implements Part {}

    /** Tool calls, streamed one after the other. */
    record Calls(List<ToolCall> calls) implements Part {}

    /**
     * An event written as is.
     *
     * @param event the exact text written, including its terminating blank line
     * @param payload the JSON of a {@code data:} line, or {@code null} for other raw text
     */
    record Raw(String event, String payload) implements Part {}

    /** An HTTP error answer. */
    record HttpError(int status, String body, String contentType, Map<String, String> headers) {}

    /** How the stream ends early, if it does. */
    enum Cut {
        NONE,
        DIE,
        STALL,
        /** Not an end: the stream waits for its release, then goes on. */
        HOLD
    }

    private final List<Part> parts;
    private final String finishReason;
    private final ChatUsage usage;
    private final Cut cut;
    private final int cutAfter;
    private final boolean done;
    private final Duration chunkDelay;
    private final HttpError httpError;
    private final Map<String, String> headers;
    private final String model;
    private final CountDownLatch release;

    private Script(
            List<Part> parts,
            String finishReason,
            ChatUsage usage,
            Cut cut,
            int cutAfter,
            boolean done,
            Duration chunkDelay,
            HttpError httpError,
            Map<String, String> headers,
            String model,
            CountDownLatch release) {
        this.parts = List.copyOf(parts);
        this.finishReason = finishReason;
        this.usage = usage;
        this.cut = cut;
        this.cutAfter = cutAfter;
        this.done = done;
        this.chunkDelay = chunkDelay;
        this.httpError = httpError;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.model = model;
        this.release = release;
    }

    private static Script of(Part part) {
        return new Script(List.of(part), null, null, Cut.NONE, 0, true, Duration.ZERO, null, Map.of(), null, null);
    }

    private Script with(List<Part> newParts) {
        return new Script(
                newParts, finishReason, usage, cut, cutAfter, done, chunkDelay, httpError, headers, model, release);
    }

    private Script then(Part part) {
        List<Part> newParts = new ArrayList<>(parts);
        newParts.add(part);
        return with(newParts);
    }

    private static Deltas deltas(Kind kind, String... deltas) {
        for (String delta : deltas) {
            Objects.requireNonNull(delta, "delta");
        }
        return new Deltas(kind, List.of(deltas));
    }

    // ---- factories -------------------------------------------------------------------------------------------

    /**
     * An answer in text, one chunk per delta; {@code text()} is an empty answer.
     *
     * @param deltas the content deltas, e.g. {@code "Hello", " world"}
     * @return the script
     */
    public static Script text(String... deltas) {
        return of(deltas(Kind.TEXT, deltas));
    }

    /**
     * Reasoning ({@code reasoning_content}) first; continue with {@link #thenText(String...)} or
     * {@link #thenToolCalls(ToolCall...)}.
     *
     * @param deltas the reasoning deltas
     * @return the script
     */
    public static Script reasoning(String... deltas) {
        return of(deltas(Kind.REASONING, deltas));
    }

    /**
     * A refusal, one chunk per delta in the delta's {@code refusal} field.
     *
     * @param deltas the refusal deltas
     * @return the script
     */
    public static Script refusal(String... deltas) {
        return of(deltas(Kind.REFUSAL, deltas));
    }

    /**
     * Tool calls, finishing with {@code tool_calls}; for leading text use
     * {@code Script.text("Let me check. ").thenToolCalls(...)}.
     *
     * @param calls the calls, made with {@link #call(String, String)}
     * @return the script
     */
    public static Script toolCalls(ToolCall... calls) {
        return of(calls(calls));
    }

    /**
     * One SSE event {@code data: <payload>\n\n} written as is, e.g. a provider's mid-stream
     * {@code {"error":{...}}}. Followed by {@code data: [DONE]} unless {@link #withoutDone()}.
     *
     * @param payload what follows {@code data: }, normally JSON
     * @return the script
     */
    public static Script dataLine(String payload) {
        return of(dataPart(payload));
    }

    /**
     * Raw text written to the stream as is, e.g. {@code ": keep-alive\n\n"} or {@code "event: x\ndata: y\n\n"}.
     *
     * @param sseText the exact text, including its terminating blank line
     * @return the script
     */
    public static Script raw(String sseText) {
        return of(new Raw(Objects.requireNonNull(sseText, "sseText"), null));
    }

    /**
     * An HTTP error with a JSON body.
     *
     * @param status the status, e.g. 429
     * @param jsonBody the body, e.g. {@code {"error":{"message":"Rate limited","type":"rate_limit_error"}}}
     * @return the script
     */
    public static Script httpError(int status, String jsonBody) {
        return httpError(status, jsonBody, Map.of());
    }

    /**
     * An HTTP error with a JSON body and extra headers (e.g. {@code Retry-After}).
     *
     * @param status the status
     * @param jsonBody the body
     * @param headers extra response headers
     * @return the script
     */
    public static Script httpError(int status, String jsonBody, Map<String, String> headers) {
        return error(new HttpError(status, jsonBody, "application/json", Map.copyOf(headers)));
    }

    /**
     * An HTTP error with any body, e.g. a proxy's HTML page.
     *
     * @param status the status
     * @param body the body
     * @param contentType its content type, e.g. {@code text/html}
     * @return the script
     */
    public static Script httpError(int status, String body, String contentType) {
        return error(new HttpError(status, body, contentType, Map.of()));
    }

    private static Script error(HttpError error) {
        if (error.status() < 100 || error.status() > 599) {
            throw new IllegalArgumentException("status " + error.status());
        }
        return new Script(List.of(), null, null, Cut.NONE, 0, true, Duration.ZERO, error, Map.of(), null, null);
    }

    /**
     * A text answer (nine word deltas) whose stream stops after {@code n} events: see {@link #dyingAfter(int)}.
     *
     * @param n how many events to send before closing the connection
     * @return the script
     */
    public static Script dieAfter(int n) {
        return text(CUT_SHORT_TEXT).dyingAfter(n);
    }

    /**
     * A text answer (nine word deltas) whose stream hangs after {@code n} events: see {@link #stallingAfter(int)}.
     *
     * @param n how many events to send before hanging
     * @return the script
     */
    public static Script stallAfter(int n) {
        return text(CUT_SHORT_TEXT).stallingAfter(n);
    }

    /**
     * A function tool call with a server-assigned id ({@code call_<response number>_<index>}), its arguments sent
     * in one fragment.
     *
     * @param name the function name
     * @param argumentsJson the arguments, a JSON object as text
     * @return the call
     */
    public static ToolCall call(String name, String argumentsJson) {
        return new ToolCall(null, name, List.of(argumentsJson));
    }

    private static Calls calls(ToolCall... calls) {
        if (calls.length == 0) {
            throw new IllegalArgumentException("no tool calls");
        }
        return new Calls(List.of(calls));
    }

    private static Raw dataPart(String payload) {
        return new Raw("data: " + Objects.requireNonNull(payload, "payload") + "\n\n", payload);
    }

    // ---- sequencing ------------------------------------------------------------------------------------------

    /**
     * Continues with text deltas.
     *
     * @param deltas the content deltas
     * @return a new script
     */
    public Script thenText(String... deltas) {
        return then(deltas(Kind.TEXT, deltas));
    }

    /**
     * Continues with reasoning deltas.
     *
     * @param deltas the reasoning deltas
     * @return a new script
     */
    public Script thenReasoning(String... deltas) {
        return then(deltas(Kind.REASONING, deltas));
    }

    /**
     * Continues with refusal deltas.
     *
     * @param deltas the refusal deltas
     * @return a new script
     */
    public Script thenRefusal(String... deltas) {
        return then(deltas(Kind.REFUSAL, deltas));
    }

    /**
     * Continues with tool calls; their indexes continue from earlier calls of the script.
     *
     * @param calls the calls
     * @return a new script
     */
    public Script thenToolCalls(ToolCall... calls) {
        return then(calls(calls));
    }

    /**
     * Continues with an event {@code data: <payload>\n\n}.
     *
     * @param payload what follows {@code data: }
     * @return a new script
     */
    public Script thenDataLine(String payload) {
        return then(dataPart(payload));
    }

    /**
     * Continues with raw text written as is.
     *
     * @param sseText the exact text, including its terminating blank line
     * @return a new script
     */
    public Script thenRaw(String sseText) {
        return then(new Raw(Objects.requireNonNull(sseText, "sseText"), null));
    }

    // ---- settings --------------------------------------------------------------------------------------------

    /**
     * Sets the finish reason, e.g. {@code length} or {@code content_filter}.
     *
     * @param finishReason the finish reason
     * @return a new script
     */
    public Script finishReason(String finishReason) {
        return new Script(
                parts,
                Objects.requireNonNull(finishReason, "finishReason"),
                usage,
                cut,
                cutAfter,
                done,
                chunkDelay,
                httpError,
                headers,
                model,
                release);
    }

    /**
     * Sets the usage reported ({@code total_tokens} is the sum).
     *
     * @param promptTokens the prompt tokens
     * @param completionTokens the completion tokens
     * @return a new script
     */
    public Script usage(int promptTokens, int completionTokens) {
        return usage(new ChatUsage(promptTokens, completionTokens, promptTokens + completionTokens));
    }

    /**
     * Sets the usage reported, e.g. with cached or reasoning token details.
     *
     * @param usage the usage
     * @return a new script
     */
    public Script usage(ChatUsage usage) {
        return new Script(
                parts,
                finishReason,
                Objects.requireNonNull(usage, "usage"),
                cut,
                cutAfter,
                done,
                chunkDelay,
                httpError,
                headers,
                model,
                release);
    }

    /**
     * Sends the first {@code n} events of the stream (chunks and raw events; {@code [DONE]} is never sent), then
     * closes the connection abruptly, in the middle of the chunked body. A non-streaming request gets no response
     * at all: the connection is closed.
     *
     * @param n how many events to send, at least 0
     * @return a new script
     */
    public Script dyingAfter(int n) {
        return cut(Cut.DIE, n);
    }

    /**
     * Sends the first {@code n} events of the stream, then sends nothing more until the client disconnects or the
     * server closes; either way the connection is then closed without {@code [DONE]}. A non-streaming request gets
     * no response while it hangs.
     *
     * @param n how many events to send, at least 0
     * @return a new script
     */
    public Script stallingAfter(int n) {
        return cut(Cut.STALL, n);
    }

    private Script cut(Cut newCut, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        return new Script(parts, finishReason, usage, newCut, n, done, chunkDelay, httpError, headers, model, null);
    }

    /**
     * Sends the first {@code n} events of the stream, then nothing until {@code release} is counted down (or the
     * client disconnects, or the server closes), then the rest as usual: a stream that stays open for as long as a
     * test needs, and then completes. A non-streaming request gets its answer once released.
     *
     * @param n how many events to send before waiting, at least 0
     * @param release what the stream waits for
     * @return a new script
     */
    public Script holdingAfter(int n, CountDownLatch release) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0");
        }
        return new Script(
                parts,
                finishReason,
                usage,
                Cut.HOLD,
                n,
                done,
                chunkDelay,
                httpError,
                headers,
                model,
                Objects.requireNonNull(release, "release"));
    }

    /**
     * Ends the stream without {@code data: [DONE]} (the chunked body still ends normally).
     *
     * @return a new script
     */
    public Script withoutDone() {
        return new Script(
                parts, finishReason, usage, cut, cutAfter, false, chunkDelay, httpError, headers, model, release);
    }

    /**
     * Waits this long before each event of a stream, for demos; tests should not rely on timing.
     *
     * @param delay the delay, zero by default
     * @return a new script
     */
    public Script chunkDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay");
        }
        return new Script(parts, finishReason, usage, cut, cutAfter, done, delay, httpError, headers, model, release);
    }

    /**
     * Adds a response header, e.g. {@code x-request-id}.
     *
     * @param name the header name
     * @param value its value
     * @return a new script
     */
    public Script header(String name, String value) {
        Map<String, String> newHeaders = new LinkedHashMap<>(headers);
        newHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new Script(
                parts, finishReason, usage, cut, cutAfter, done, chunkDelay, httpError, newHeaders, model, release);
    }

    /**
     * Reports this model name instead of the request's.
     *
     * @param model the model name
     * @return a new script
     */
    public Script model(String model) {
        return new Script(
                parts,
                finishReason,
                usage,
                cut,
                cutAfter,
                done,
                chunkDelay,
                httpError,
                headers,
                Objects.requireNonNull(model, "model"),
                release);
    }

    // ---- package-private accessors for the server ------------------------------------------------------------

    List<Part> parts() {
        return parts;
    }

    String explicitFinishReason() {
        return finishReason;
    }

    ChatUsage explicitUsage() {
        return usage;
    }

    Cut cutKind() {
        return cut;
    }

    int cutAfter() {
        return cutAfter;
    }

    CountDownLatch release() {
        return release;
    }

    boolean sendsDone() {
        return done;
    }

    Duration delay() {
        return chunkDelay;
    }

    HttpError httpErrorAnswer() {
        return httpError;
    }

    Map<String, String> headers() {
        return headers;
    }

    String modelOverride() {
        return model;
    }

    @Override
    public String toString() {
        if (httpError != null) {
            return "Script[httpError " + httpError.status() + "]";
        }
        return "Script" + parts + (cut == Cut.NONE ? "" : " " + cut + " after " + cutAfter);
    }

    /**
     * One function tool call of a script.
     *
     * @param id the call id, or {@code null} for a server-assigned one
     * @param name the function name
     * @param argumentFragments the arguments as streamed, one chunk per fragment; joined they form the arguments
     */
    public record ToolCall(String id, String name, List<String> argumentFragments) {

        /**
         * Copies the fragments.
         *
         * @param id the call id, or {@code null} for a server-assigned one
         * @param name the function name
         * @param argumentFragments the arguments as streamed, one chunk per fragment
         */
        public ToolCall {
            Objects.requireNonNull(name, "name");
            argumentFragments = List.copyOf(argumentFragments);
        }

        /**
         * The arguments, the fragments joined.
         *
         * @return the arguments JSON text
         */
        public String arguments() {
            return String.join("", argumentFragments);
        }

        /**
         * This call with a fixed id.
         *
         * @param callId the id, e.g. {@code call_abc}
         * @return a new call
         */
        public ToolCall withId(String callId) {
            return new ToolCall(Objects.requireNonNull(callId, "callId"), name, argumentFragments);
        }

        /**
         * This call with its arguments streamed in these fragments (which replace the arguments).
         *
         * @param fragments the argument fragments, e.g. {@code "{\"loc", "ation\":\"Paris\"}"}
         * @return a new call
         */
        public ToolCall inFragments(String... fragments) {
            return new ToolCall(id, name, Arrays.asList(fragments));
        }
    }
}
