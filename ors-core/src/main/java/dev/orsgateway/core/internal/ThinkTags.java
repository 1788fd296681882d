package dev.orsgateway.core.internal;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.chat.CompletionChoice;
import dev.orsgateway.core.internal.flow.Demand;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves reasoning that a model writes into its text as {@code <think>…</think>} (Qwen3, QwQ, DeepSeek-R1 and its
 * distills, served by Ollama, vLLM or llama.cpp without a reasoning parser) from {@code content} to
 * {@code reasoning_content}, where the transcoder makes it a reasoning item. A route enables it; nothing applies it
 * by default, since a model may well write the tag as text.
 *
 * <p>The rules are Ollama's thinking parser's ({@code thinking/parser.go}), per choice:
 *
 * <ul>
 *   <li>Only a <em>leading</em> block counts: {@code <think>} after nothing but whitespace opens it, the first
 *       {@code </think>} closes it. Any other text first means there is no block, and a {@code <think>} later on is
 *       text. Tags are exact and case-sensitive.
 *   <li>Whitespace around the block is dropped: before {@code <think>}, right after it, and right after
 *       {@code </think>} (so {@code "<think>\n\n</think>\n\n"}, DeepSeek-R1's empty block, yields neither reasoning
 *       nor text). Whitespace inside the reasoning is kept, and so is whitespace before an answer without a block,
 *       unless nothing but a tool call or the end follows it.
 *   <li>A {@code </think>} with no opener at the very start (a template that pre-fills {@code <think>} and a model
 *       that closes it at once) is dropped, with the whitespace around it.
 *   <li>{@link Mode#PREFILLED}: the chat template pre-fills {@code <think>} (DeepSeek-R1 and its distills, QwQ,
 *       Qwen3-Thinking-2507), so the model writes only {@code </think>} and the text before it is reasoning. The
 *       choice starts inside the block (a {@code <think>} the model writes anyway is dropped) and everything up to the
 *       first {@code </think>} is reasoning, all of it when none comes: Ollama's parser when the prompt ends with the
 *       tag, vLLM's {@code deepseek_r1} parser. A stream cannot tell on its own, without holding back the whole
 *       answer, whether text before a {@code </think>} that may never come was reasoning, so the route says so.
 *   <li>A block still open when the choice finishes (cut off by {@code max_tokens}) is all reasoning.
 *   <li>The streamed and the whole forms follow the same rules, so a completion gives the response its stream would
 *       end with.
 * </ul>
 *
 * <p>Streaming, the only text held back is what may be the start of the tag being looked for ({@code "<th"} at the
 * start, {@code "</thi"} at the end of the reasoning so far) or whitespace that is dropped if a tag follows; it goes
 * out with the chunk that decides it. Held text of a choice is released before a chunk that carries something else
 * for it (tool calls, a refusal, a finish reason), as a chunk of its own that copies that chunk's id, model and
 * creation time, and likewise when the stream ends or fails. Once a choice's block is over its chunks pass unchanged
 * (the same instances), as do chunks without content: tool calls, usage, finish reasons, keep-alives. Text moved to
 * reasoning is appended to a {@code reasoning_content} or {@code reasoning} the chunk already has.
 */
public final class ThinkTags {

    static final String OPEN = "<think>";
    static final String CLOSE = "</think>";

    /** Where a choice's text starts. */
    public enum Mode {
        /** In the answer: a leading {@code <think>…</think>} block is reasoning. */
        LEADING,
        /** Inside a block the chat template opened: the text up to the first {@code </think>} is reasoning. */
        PREFILLED
    }

    private ThinkTags() {}

    /** {@link #extract(Flow.Publisher, Mode)} with {@link Mode#LEADING}. */
    public static Flow.Publisher<ChatChunk> extract(Flow.Publisher<ChatChunk> chunks) {
        return extract(chunks, Mode.LEADING);
    }

    /**
     * The chunks of {@code chunks} with the reasoning of each choice's think block in {@code reasoning_content}
     * instead of {@code content}. Each subscription subscribes to {@code chunks} once; demand, cancellation and the
     * terminal signal are passed through, and every chunk in gives one chunk out, besides the few that release held
     * text.
     */
    public static Flow.Publisher<ChatChunk> extract(Flow.Publisher<ChatChunk> chunks, Mode mode) {
        Objects.requireNonNull(chunks, "chunks");
        Objects.requireNonNull(mode, "mode");
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
            chunks.subscribe(new Extractor(subscriber, mode));
        };
    }

    /** {@link #extract(ChatCompletion, Mode)} with {@link Mode#LEADING}. */
    public static ChatCompletion extract(ChatCompletion completion) {
        return extract(completion, Mode.LEADING);
    }

    /**
     * The completion with the reasoning of each choice's think block in its message's {@code reasoning_content}
     * (after any it had) and the rest as its {@code content} ({@code null} when nothing is left): what the streamed
     * form of the same completion would give. Array-form content is left as it is.
     */
    public static ChatCompletion extract(ChatCompletion completion, Mode mode) {
        Objects.requireNonNull(mode, "mode");
        List<CompletionChoice> choices = completion.choices();
        if (choices == null || choices.isEmpty()) {
            return completion;
        }
        List<CompletionChoice> changed = new ArrayList<>(choices.size());
        boolean any = false;
        for (CompletionChoice choice : choices) {
            CompletionChoice result = choice == null ? null : extract(choice, mode);
            any |= result != choice;
            changed.add(result);
        }
        if (!any) {
            return completion;
        }
        return new ChatCompletion(
                completion.id(),
                completion.object(),
                completion.created(),
                completion.model(),
                changed,
                completion.usage(),
                completion.systemFingerprint(),
                completion.serviceTier(),
                completion.extra());
    }

    private static CompletionChoice extract(CompletionChoice choice, Mode mode) {
        ChatMessage.AssistantMessage message = choice.message();
        if (message == null || !(message.content() instanceof ChatContent.Text text)) {
            return choice;
        }
        Splitter splitter = new Splitter(mode);
        splitter.feed(text.text());
        splitter.release();
        String reasoning = splitter.takeReasoning();
        String content = splitter.takeContent();
        if (reasoning == null && text.text().equals(content)) {
            return choice;
        }
        ChatMessage.AssistantMessage changed = new ChatMessage.AssistantMessage(
                content == null ? null : ChatContent.of(content),
                message.refusal(),
                message.name(),
                message.toolCalls(),
                message.functionCall(),
                reasoning == null ? message.reasoningContent() : concat(message.reasoningText(), reasoning),
                message.reasoning(),
                message.audio(),
                message.extra());
        return new CompletionChoice(choice.index(), changed, choice.finishReason(), choice.logprobs(), choice.extra());
    }

    private static String concat(String before, String more) {
        return before == null || before.isEmpty() ? more : before + more;
    }

    // ---- the text of one choice

    /**
     * Splits the text of one choice into reasoning and content, fed piece by piece. Each call adds what it decided
     * to {@link #takeReasoning()} and {@link #takeContent()}; text that may still be part of a tag stays held.
     */
    static final class Splitter {

        private enum State {
            /** Mode.LEADING, before any text but whitespace: a tag may come. */
            START,
            /** Mode.PREFILLED, before any text but whitespace: a redundant {@code <think>} may come. */
            OPENED,
            /** After {@code <think>}: whitespace is dropped. */
            REASONING_START,
            /** Inside the block. */
            REASONING,
            /** After {@code </think>}: whitespace is dropped. */
            ANSWER_START,
            /** No block, or after it: text is content. */
            ANSWER
        }

        private State state;
        private String held = "";
        private StringBuilder reasoning;
        private StringBuilder content;

        Splitter(Mode mode) {
            this.state = mode == Mode.PREFILLED ? State.OPENED : State.START;
        }

        /** Whether content passes through as it is from now on. */
        boolean passing() {
            return state == State.ANSWER;
        }

        /** Whether some text is held back. */
        boolean holds() {
            return !held.isEmpty();
        }

        /** The text held back. */
        String held() {
            return held;
        }

        /** The reasoning decided since the last call, or {@code null} when none. */
        String takeReasoning() {
            String text = reasoning == null || reasoning.isEmpty() ? null : reasoning.toString();
            reasoning = null;
            return text;
        }

        /** The content decided since the last call, or {@code null} when none. */
        String takeContent() {
            String text = content == null || content.isEmpty() ? null : content.toString();
            content = null;
            return text;
        }

        void feed(String text) {
            String s = held.isEmpty() ? text : held + text;
            held = "";
            while (true) {
                switch (state) {
                    case START -> {
                        int i = skipWhitespace(s);
                        String rest = s.substring(i);
                        if (rest.startsWith(OPEN)) {
                            s = rest.substring(OPEN.length());
                            state = State.REASONING_START;
                        } else if (rest.startsWith(CLOSE)) {
                            s = rest.substring(CLOSE.length());
                            state = State.ANSWER_START;
                        } else if (OPEN.startsWith(rest) || CLOSE.startsWith(rest)) {
                            held = s; // whitespace so far, or a tag's beginning
                            return;
                        } else {
                            state = State.ANSWER;
                            content(s);
                            return;
                        }
                    }
                    case OPENED -> {
                        int i = skipWhitespace(s);
                        String rest = s.substring(i);
                        if (rest.startsWith(OPEN)) {
                            s = rest.substring(OPEN.length());
                            state = State.REASONING_START;
                        } else if (!rest.isEmpty() && OPEN.startsWith(rest)) {
                            held = s;
                            return;
                        } else if (rest.isEmpty()) {
                            return; // leading whitespace of the reasoning
                        } else {
                            s = rest;
                            state = State.REASONING;
                        }
                    }
                    case REASONING_START, ANSWER_START -> {
                        int i = skipWhitespace(s);
                        if (i == s.length()) {
                            return;
                        }
                        s = s.substring(i);
                        state = state == State.REASONING_START ? State.REASONING : State.ANSWER;
                    }
                    case REASONING -> {
                        int end = s.indexOf(CLOSE);
                        if (end >= 0) {
                            reasoning(s.substring(0, end));
                            s = s.substring(end + CLOSE.length());
                            state = State.ANSWER_START;
                        } else {
                            int keep = tagPrefixAtEnd(s);
                            reasoning(s.substring(0, s.length() - keep));
                            held = s.substring(s.length() - keep);
                            return;
                        }
                    }
                    case ANSWER -> {
                        content(s);
                        return;
                    }
                }
            }
        }

        /**
         * Releases what is held as if no more text followed: a tag's beginning is text of the part it is in, held
         * whitespace is dropped. The state stays, except that text released at the start begins the answer.
         */
        void release() {
            String s = held;
            held = "";
            if (s.isEmpty()) {
                return;
            }
            String rest = s.substring(skipWhitespace(s));
            switch (state) {
                case START -> {
                    if (!rest.isEmpty()) {
                        state = State.ANSWER;
                        content(s);
                    }
                }
                case OPENED -> {
                    if (!rest.isEmpty()) {
                        state = State.REASONING;
                        reasoning(rest);
                    }
                }
                case REASONING -> reasoning(s);
                default -> throw new IllegalStateException("nothing is held in " + state);
            }
        }

        private void reasoning(String text) {
            if (!text.isEmpty()) {
                if (reasoning == null) {
                    reasoning = new StringBuilder(text.length());
                }
                reasoning.append(text);
            }
        }

        private void content(String text) {
            if (!text.isEmpty()) {
                if (content == null) {
                    content = new StringBuilder(text.length());
                }
                content.append(text);
            }
        }

        private static int skipWhitespace(String s) {
            int i = 0;
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return i;
        }

        /** The length of the longest end of {@code s} that {@code </think>} starts with (shorter than the tag). */
        private static int tagPrefixAtEnd(String s) {
            for (int n = Math.min(CLOSE.length() - 1, s.length()); n > 0; n--) {
                if (s.regionMatches(s.length() - n, CLOSE, 0, n)) {
                    return n;
                }
            }
            return 0;
        }
    }

    // ---- the stream

    /** The splitters of a stream's choices, by index ({@code null} is index 0, as the transcoder reads it). */
    private static final class Choices {
        private final Mode mode;
        private final List<Splitter> byIndex = new ArrayList<>(1);

        Choices(Mode mode) {
            this.mode = mode;
        }

        Splitter of(Integer index) {
            int i = index == null || index < 0 ? 0 : index;
            while (byIndex.size() <= i) {
                byIndex.add(null);
            }
            Splitter splitter = byIndex.get(i);
            if (splitter == null) {
                splitter = new Splitter(mode);
                byIndex.set(i, splitter);
            }
            return splitter;
        }

        /** The chunks that {@code chunk} becomes: itself, changed or not, after a chunk of released text if any. */
        void transform(ChatChunk chunk, List<ChatChunk> out) {
            List<ChunkChoice> choices = chunk.choices();
            if (choices == null || choices.isEmpty()) {
                out.add(chunk);
                return;
            }
            List<ChunkChoice> released = null;
            List<ChunkChoice> changed = null;
            for (int c = 0; c < choices.size(); c++) {
                ChunkChoice choice = choices.get(c);
                ChunkChoice result = choice;
                if (choice != null) {
                    Splitter splitter = of(choice.index());
                    ChatDelta delta = choice.delta();
                    String text = delta == null ? null : delta.content();
                    boolean other = carriesMoreThanText(choice);
                    if (text != null && !text.isEmpty() && !splitter.passing()) {
                        splitter.feed(text);
                        if (other) {
                            splitter.release(); // in the same delta, whose text the transcoder reads first
                        }
                        result = withSplit(choice, splitter);
                    } else if (other && splitter.holds()) {
                        ChunkChoice heldText = release(choice.index(), splitter);
                        if (heldText != null) {
                            if (released == null) {
                                released = new ArrayList<>(1);
                            }
                            released.add(heldText);
                        }
                    }
                }
                if (result != choice && changed == null) {
                    changed = new ArrayList<>(choices.subList(0, c));
                }
                if (changed != null) {
                    changed.add(result);
                }
            }
            if (released != null) {
                out.add(withChoices(chunk, released));
            }
            out.add(changed == null ? chunk : withChoices(chunk, changed));
        }

        /** The chunk of all held text, or {@code null} when nothing is held; {@code last} lends it its id. */
        ChatChunk releaseAll(ChatChunk last) {
            List<ChunkChoice> released = null;
            for (int i = 0; i < byIndex.size(); i++) {
                Splitter splitter = byIndex.get(i);
                ChunkChoice text = splitter == null || !splitter.holds() ? null : release(i, splitter);
                if (text != null) {
                    if (released == null) {
                        released = new ArrayList<>(1);
                    }
                    released.add(text);
                }
            }
            if (released == null) {
                return null;
            }
            return last == null ? new ChatChunk(null, null, null, released, null) : withChoices(last, released);
        }

        /** A choice of the text the splitter held, or {@code null} when all of it was dropped whitespace. */
        private static ChunkChoice release(Integer index, Splitter splitter) {
            splitter.release();
            ChatDelta delta = split(null, splitter);
            return delta.content() == null && delta.reasoningContent() == null
                    ? null
                    : new ChunkChoice(index, delta, null);
        }

        private static boolean carriesMoreThanText(ChunkChoice choice) {
            ChatDelta delta = choice.delta();
            return choice.finishReason() != null
                    || delta != null
                            && ((delta.toolCalls() != null && !delta.toolCalls().isEmpty())
                                    || delta.functionCall() != null
                                    || (delta.refusal() != null
                                            && !delta.refusal().isEmpty()));
        }

        private static ChunkChoice withSplit(ChunkChoice choice, Splitter splitter) {
            return new ChunkChoice(
                    choice.index(),
                    split(choice.delta(), splitter),
                    choice.finishReason(),
                    choice.logprobs(),
                    choice.extra());
        }

        /** {@code delta} (or an empty one) with the splitter's decided text as its content and added reasoning. */
        private static ChatDelta split(ChatDelta delta, Splitter splitter) {
            String reasoning = splitter.takeReasoning();
            String content = splitter.takeContent();
            if (delta == null) {
                return new ChatDelta(null, content, null, null, null, reasoning, null, null);
            }
            return new ChatDelta(
                    delta.role(),
                    content,
                    delta.refusal(),
                    delta.toolCalls(),
                    delta.functionCall(),
                    reasoning == null ? delta.reasoningContent() : concat(delta.reasoningText(), reasoning),
                    delta.reasoning(),
                    delta.extra());
        }

        private static ChatChunk withChoices(ChatChunk chunk, List<ChunkChoice> choices) {
            return new ChatChunk(
                    chunk.id(),
                    chunk.object(),
                    chunk.created(),
                    chunk.model(),
                    chunk.systemFingerprint(),
                    chunk.serviceTier(),
                    choices,
                    null,
                    null);
        }
    }

    /**
     * One subscription: subscriber of the chunks, subscription of the extracted ones. Chunks are transformed on the
     * upstream's signals (serialized by rule 1.3) into a queue that one drain loop, guarded by a work-in-progress
     * counter, delivers with real demand. The upstream is asked for no more chunks than the downstream's demand
     * leaves room for once the queue is served, so the queue holds at most that demand plus the chunks of released
     * text (at most one per chunk in).
     */
    private static final class Extractor implements Flow.Subscriber<ChatChunk>, Flow.Subscription {

        private final Flow.Subscriber<? super ChatChunk> downstream;
        private final Choices choices;

        private final AtomicInteger wip = new AtomicInteger();
        private final Demand demand = new Demand();
        private final Queue<ChatChunk> outbound = new ConcurrentLinkedQueue<>();
        private final AtomicInteger queued = new AtomicInteger();
        /** Chunks requested from the upstream and not yet received. */
        private final AtomicLong outstanding = new AtomicLong();

        private volatile Flow.Subscription upstream;
        private volatile boolean upstreamDone;
        private volatile Throwable upstreamError;
        private volatile boolean cancelled;
        private volatile Throwable badRequest;

        // Upstream signals only.
        private final List<ChatChunk> produced = new ArrayList<>(2);
        private ChatChunk last;

        // Drain loop only.
        private boolean done;

        Extractor(Flow.Subscriber<? super ChatChunk> downstream, Mode mode) {
            this.downstream = downstream;
            this.choices = new Choices(mode);
        }

        // ---- Subscriber (upstream side)

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            Objects.requireNonNull(subscription, "subscription");
            if (upstream != null) {
                subscription.cancel(); // rule 2.5
                return;
            }
            upstream = subscription;
            downstream.onSubscribe(this);
            drain();
        }

        @Override
        public void onNext(ChatChunk chunk) {
            Objects.requireNonNull(chunk, "chunk"); // rule 2.13
            if (upstreamDone) {
                return;
            }
            last = chunk;
            try {
                choices.transform(chunk, produced);
            } catch (RuntimeException e) {
                produced.clear();
                upstream.cancel();
                onError(e);
                return;
            }
            for (ChatChunk out : produced) {
                queued.incrementAndGet();
                outbound.offer(out);
            }
            produced.clear();
            // After the queue grew, so that the drain below never sees both counts too low.
            outstanding.getAndUpdate(n -> n > 0 ? n - 1 : 0);
            drain();
        }

        @Override
        public void onError(Throwable throwable) {
            Objects.requireNonNull(throwable, "throwable"); // rule 2.13
            if (upstreamDone) {
                return;
            }
            releaseHeld();
            upstreamError = throwable;
            upstreamDone = true;
            drain();
        }

        @Override
        public void onComplete() {
            if (upstreamDone) {
                return;
            }
            releaseHeld();
            upstreamDone = true;
            drain();
        }

        private void releaseHeld() {
            ChatChunk released = choices.releaseAll(last);
            if (released != null) {
                queued.incrementAndGet();
                outbound.offer(released);
            }
        }

        // ---- Subscription (downstream side)

        @Override
        public void request(long n) {
            try {
                demand.increase(n);
            } catch (IllegalArgumentException e) {
                badRequest = e; // rule 3.9: signalled as onError from the drain loop
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        // ---- the drain loop

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            long more = 0;
            do {
                more += drainOnce();
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
            if (more > 0) {
                // Outside the loop: a synchronous upstream delivers in this call, and its chunks must go out as they
                // come rather than pile up in the queue until it returns (a demand of Long.MAX_VALUE, rule 3.17).
                upstream.request(more);
            }
        }

        /** Delivers what demand allows; returns how many more chunks to request from the upstream. */
        private long drainOnce() {
            if (done) {
                outbound.clear();
                return 0;
            }
            while (true) {
                if (cancelled) {
                    finish();
                    upstream.cancel(); // rule 3.5: idempotent; after completion a no-op for the upstream
                    return 0;
                }
                if (badRequest != null) {
                    finish();
                    upstream.cancel();
                    downstream.onError(badRequest);
                    return 0;
                }
                boolean ended = upstreamDone; // read before the queue: what it finally held was queued before
                ChatChunk next = outbound.peek();
                if (next == null) {
                    if (ended) {
                        finish();
                        Throwable error = upstreamError;
                        if (error != null) {
                            downstream.onError(error);
                        } else {
                            downstream.onComplete();
                        }
                        return 0;
                    }
                    break;
                }
                if (!demand.tryDecrement()) {
                    break;
                }
                outbound.poll();
                queued.decrementAndGet();
                downstream.onNext(next);
            }
            if (upstreamDone) {
                return 0;
            }
            long want = demand.get() - queued.get() - outstanding.get();
            if (want <= 0) {
                return 0;
            }
            outstanding.addAndGet(want);
            return want;
        }

        private void finish() {
            done = true;
            outbound.clear();
        }
    }
}
