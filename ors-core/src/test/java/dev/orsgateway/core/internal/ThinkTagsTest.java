package dev.orsgateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.chat.ChatChunk;
import dev.orsgateway.core.chat.ChatCompletion;
import dev.orsgateway.core.chat.ChatContent;
import dev.orsgateway.core.chat.ChatDelta;
import dev.orsgateway.core.chat.ChatFunctionCall;
import dev.orsgateway.core.chat.ChatMessage;
import dev.orsgateway.core.chat.ChatToolCallDelta;
import dev.orsgateway.core.chat.ChatUsage;
import dev.orsgateway.core.chat.ChunkChoice;
import dev.orsgateway.core.chat.CompletionChoice;
import dev.orsgateway.core.internal.ThinkTags.Mode;
import dev.orsgateway.core.testing.RecordingSubscriber;
import dev.orsgateway.core.testing.flow.Publishers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ThinkTagsTest {

    // ---- the rules, on whole texts

    static Stream<Arguments> rules() {
        return Stream.of(
                // mode, content as sent, expected reasoning, expected content
                Arguments.of(Mode.LEADING, "<think>Plan.</think>Answer.", "Plan.", "Answer."),
                // Qwen3 on Ollama/vLLM without a reasoning parser: whitespace around the block is dropped
                Arguments.of(Mode.LEADING, "\n<think>\nPlan.\n</think>\n\nAnswer.", "Plan.\n", "Answer."),
                // DeepSeek-R1's empty block (ollama/ollama#8837)
                Arguments.of(Mode.LEADING, "<think>\n\n</think>\n\nHello", null, "Hello"),
                // text first: no block, and a later tag is text
                Arguments.of(Mode.LEADING, "Use <think>x</think> tags.", null, "Use <think>x</think> tags."),
                Arguments.of(Mode.LEADING, "  Hello", null, "  Hello"),
                // only the first block
                Arguments.of(Mode.LEADING, "<think>a</think>b<think>c</think>", "a", "b<think>c</think>"),
                // a stray closer at the start: the template pre-filled <think> and the model closed it at once
                Arguments.of(Mode.LEADING, "</think>\n\nHello", null, "Hello"),
                Arguments.of(Mode.LEADING, "\n</think>\n\nHello", null, "Hello"),
                // cut off while thinking
                Arguments.of(Mode.LEADING, "<think>cut off", "cut off", null),
                // exact, case-sensitive tags
                Arguments.of(Mode.LEADING, "<thinking>x</thinking>", null, "<thinking>x</thinking>"),
                Arguments.of(Mode.LEADING, "<THINK>x</THINK>", null, "<THINK>x</THINK>"),
                // a tag's beginning that never became one is text
                Arguments.of(Mode.LEADING, "<th", null, "<th"),
                Arguments.of(Mode.LEADING, "<think>a </thi", "a </thi", null),
                Arguments.of(
                        Mode.LEADING,
                        "<think>a < b and </th is not a tag</think>ok",
                        "a < b and </th is not a tag",
                        "ok"),
                Arguments.of(Mode.LEADING, " \n ", null, null),
                Arguments.of(Mode.LEADING, "", null, null),
                // DeepSeek-R1 and its distills, Qwen3-Thinking-2507: the template pre-fills <think>
                Arguments.of(Mode.PREFILLED, "Plan.</think>\n\nAnswer.", "Plan.", "Answer."),
                Arguments.of(Mode.PREFILLED, "\nPlan.\n</think>\n\nAnswer.", "Plan.\n", "Answer."),
                Arguments.of(Mode.PREFILLED, "<think>\nPlan.</think>Answer.", "Plan.", "Answer."),
                Arguments.of(Mode.PREFILLED, "\n</think>\n\nHello", null, "Hello"),
                Arguments.of(Mode.PREFILLED, "No closer, all reasoning", "No closer, all reasoning", null),
                Arguments.of(Mode.PREFILLED, "Plan.</think>A <think>x</think>", "Plan.", "A <think>x</think>"),
                Arguments.of(Mode.PREFILLED, "<thi", "<thi", null),
                Arguments.of(Mode.PREFILLED, "</thin", "</thin", null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rules")
    void wholeTextSplitsByTheRules(Mode mode, String text, String reasoning, String content) {
        ThinkTags.Splitter splitter = new ThinkTags.Splitter(mode);
        splitter.feed(text);
        splitter.release();
        assertThat(splitter.takeReasoning()).isEqualTo(reasoning);
        assertThat(splitter.takeContent()).isEqualTo(content);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rules")
    void aCompletionSplitsByTheSameRules(Mode mode, String text, String reasoning, String content) {
        ChatCompletion completion = completion(text, null);

        ChatMessage.AssistantMessage message =
                ThinkTags.extract(completion, mode).choices().get(0).message();

        assertThat(message.reasoningContent()).isEqualTo(reasoning);
        assertThat(message.content()).isEqualTo(content == null ? null : ChatContent.of(content));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rules")
    void aStreamOfOneCharacterPerChunkSplitsByTheSameRules(Mode mode, String text, String reasoning, String content) {
        List<ChatChunk> chunks = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            chunks.add(content(0, text.substring(i, i + 1)));
        }

        List<ChatChunk> out = run(chunks, mode);

        assertThat(reasoningOf(out, 0)).isEqualTo(reasoning == null ? "" : reasoning);
        assertThat(contentOf(out, 0)).isEqualTo(content == null ? "" : content);
    }

    // ---- every split point

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of(Mode.LEADING, "\n<think>\nIs 2 < 3? Yes; </th is no tag.\n</think>\n\nThe answer: 5."),
                Arguments.of(Mode.LEADING, "<think></think>Hi <think>there</think>"),
                Arguments.of(Mode.LEADING, " <th> is text"),
                Arguments.of(Mode.PREFILLED, "<think>Okay, 2 < 3.\n</think>\n\nYes."),
                Arguments.of(Mode.PREFILLED, "Okay.</thinking> </think>Done"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("samples")
    void everySplitIntoThreeChunksGivesTheWholeTextsSplit(Mode mode, String text) {
        ThinkTags.Splitter whole = new ThinkTags.Splitter(mode);
        whole.feed(text);
        whole.release();
        String reasoning = orEmpty(whole.takeReasoning());
        String content = orEmpty(whole.takeContent());
        int n = text.length();
        int runs = 0;
        for (int i = 0; i <= n; i++) {
            for (int j = i; j <= n; j++) {
                List<String> parts = List.of(text.substring(0, i), text.substring(i, j), text.substring(j));
                List<ChatChunk> chunks = parts.stream().map(p -> content(0, p)).toList();

                List<ChatChunk> out = run(chunks, mode);

                String at = "split at " + i + ", " + j;
                assertThat(reasoningOf(out, 0)).as(at).isEqualTo(reasoning);
                assertThat(contentOf(out, 0)).as(at).isEqualTo(content);
                // One chunk out per chunk in, and one more at the end only for text still held then.
                assertThat(out).as(at).hasSizeBetween(3, 4);
                heldIsOnlyATagsBeginning(mode, parts, at);
                runs++;
            }
        }
        assertThat(runs).isEqualTo((n + 1) * (n + 2) / 2);
    }

    /** After each piece, what is held is whitespace and the beginning of a tag: nothing that is decided waits. */
    private static void heldIsOnlyATagsBeginning(Mode mode, List<String> parts, String at) {
        ThinkTags.Splitter splitter = new ThinkTags.Splitter(mode);
        for (String part : parts) {
            splitter.feed(part);
            String held = splitter.held();
            String tag = held.stripLeading();
            assertThat(tag.length() < ThinkTags.OPEN.length() && ThinkTags.OPEN.startsWith(tag)
                            || tag.length() < ThinkTags.CLOSE.length() && ThinkTags.CLOSE.startsWith(tag))
                    .as("%s: held %s", at, held)
                    .isTrue();
        }
    }

    @Test
    void textThatCannotBeATagIsPassedOnWithItsChunk() {
        ThinkTags.Splitter splitter = new ThinkTags.Splitter(Mode.LEADING);
        splitter.feed("<think>Let");
        assertThat(splitter.takeReasoning()).isEqualTo("Let");
        splitter.feed(" x <");
        assertThat(splitter.takeReasoning()).isEqualTo(" x ");
        assertThat(splitter.held()).isEqualTo("<");
        splitter.feed(" y");
        assertThat(splitter.takeReasoning()).isEqualTo("< y");
        splitter.feed("</think>\n\nAns");
        assertThat(splitter.takeReasoning()).isNull();
        assertThat(splitter.takeContent()).isEqualTo("Ans");
        assertThat(splitter.passing()).isTrue();
    }

    // ---- several choices, and chunks without text

    @Test
    void choicesAreSplitEachByItsIndex() {
        List<ChatChunk> chunks = List.of(
                content(0, "<thi"),
                content(1, "Direct"),
                content(0, "nk>zero's"),
                content(1, " <think>no"),
                content(0, " plan</th"),
                content(2, "<think>two</think>2"),
                content(0, "ink>0"));

        List<ChatChunk> out = run(chunks, Mode.LEADING);

        assertThat(reasoningOf(out, 0)).isEqualTo("zero's plan");
        assertThat(contentOf(out, 0)).isEqualTo("0");
        assertThat(reasoningOf(out, 1)).isEmpty();
        assertThat(contentOf(out, 1)).isEqualTo("Direct <think>no");
        assertThat(reasoningOf(out, 2)).isEqualTo("two");
        assertThat(contentOf(out, 2)).isEqualTo("2");
        assertThat(out).hasSameSizeAs(chunks);
    }

    @Test
    void chunksWithoutTextAndChunksAfterTheBlockPassUnchangedInOrder() {
        ChatChunk role = chunk(choice(0, new ChatDelta("assistant", "", null, null, null, null, null, null), null));
        ChatChunk open = content(0, "<think>Plan");
        ChatChunk close = content(0, "</think>\n\n");
        ChatChunk answer = content(0, "Calling.");
        ChatChunk call = chunk(choice(0, toolCall(), null));
        ChatChunk finish =
                chunk(choice(0, new ChatDelta(null, null, null, null, null, null, null, null), "tool_calls"));
        ChatChunk usage = new ChatChunk("c1", 1L, "m", List.of(), new ChatUsage(3, 4, 7));
        ChatChunk vendorOnly = new ChatChunk("c1", 1L, "m", null, null);

        List<ChatChunk> out = run(List.of(role, open, close, answer, call, finish, usage, vendorOnly), Mode.LEADING);

        assertThat(out).hasSize(8);
        assertThat(out.get(0)).isSameAs(role);
        assertThat(out.get(1).choices().get(0).delta().reasoningContent()).isEqualTo("Plan");
        assertThat(out.get(1).choices().get(0).delta().content()).isNull();
        assertThat(out.get(2).choices().get(0).delta().content()).isNull();
        // The first chunk after the block is read for the whitespace that follows </think>; the rest pass as they are.
        assertThat(out.get(3)).isEqualTo(answer);
        List<ChatChunk> rest = List.of(call, finish, usage, vendorOnly);
        for (int i = 0; i < rest.size(); i++) {
            assertThat(out.get(4 + i)).isSameAs(rest.get(i));
        }
    }

    @Test
    void heldTextGoesOutBeforeAToolCallOrFinishOfItsChoiceInAChunkOfItsOwn() {
        ChatChunk partial = content(0, "\n<th");
        ChatChunk call = chunk(choice(0, toolCall(), null));
        ChatChunk open = content(1, "<think>one</thi");
        ChatChunk finish = chunk(choice(1, new ChatDelta(null, null, null, null, null, null, null, null), "length"));

        List<ChatChunk> out = run(List.of(partial, call, open, finish), Mode.LEADING);

        assertThat(out).hasSize(6);
        assertThat(out.get(0).choices().get(0).delta().content()).isNull();
        assertThat(out.get(1).choices()).containsExactly(choice(0, ChatDelta.ofContent("\n<th"), null));
        assertThat(out.get(1).id()).isEqualTo(call.id());
        assertThat(out.get(2)).isSameAs(call);
        assertThat(out.get(3).choices().get(0).delta().reasoningContent()).isEqualTo("one");
        assertThat(out.get(4).choices().get(0).index()).isEqualTo(1);
        assertThat(out.get(4).choices().get(0).delta().reasoningContent()).isEqualTo("</thi");
        assertThat(out.get(5)).isSameAs(finish);
    }

    @Test
    void textAndAFinishInOneChunkAreSplitInThatChunk() {
        ChatChunk last = chunk(choice(0, ChatDelta.ofContent("<think>all</th"), "length"));

        List<ChatChunk> out = run(List.of(last), Mode.LEADING);

        assertThat(out).hasSize(1);
        ChunkChoice choice = out.get(0).choices().get(0);
        assertThat(choice.delta().reasoningContent()).isEqualTo("all</th");
        assertThat(choice.delta().content()).isNull();
        assertThat(choice.finishReason()).isEqualTo("length");
    }

    @Test
    void whitespaceHeldBeforeAToolCallIsDroppedWithoutAnExtraChunk() {
        ChatChunk close = content(0, "<think>x</think>\n");
        ChatChunk blank = content(0, "\n");
        ChatChunk call = chunk(choice(0, toolCall(), null));

        List<ChatChunk> out = run(List.of(close, blank, call), Mode.LEADING);

        assertThat(out).hasSize(3);
        assertThat(out.get(2)).isSameAs(call);
        assertThat(contentOf(out, 0)).isEmpty();
    }

    @Test
    void reasoningAlreadyInTheChunkComesFirst() {
        ChatChunk both =
                chunk(choice(0, new ChatDelta(null, "more</think>Hi", null, null, null, null, "vllm ", null), null));

        List<ChatChunk> out = run(List.of(both), Mode.PREFILLED);

        ChatDelta delta = out.get(0).choices().get(0).delta();
        assertThat(delta.reasoningText()).isEqualTo("vllm more");
        assertThat(delta.content()).isEqualTo("Hi");
    }

    @Test
    void textHeldWhenTheStreamEndsIsReleasedWithTheLastChunksId() {
        ChatChunk open = new ChatChunk(
                "chatcmpl-9",
                7L,
                "qwen3:8b",
                List.of(new ChunkChoice(0, ChatDelta.ofContent("<think>Plan </thi"), null)),
                null);
        ChatChunk usage = new ChatChunk("chatcmpl-9", 7L, "qwen3:8b", List.of(), new ChatUsage(1, 2, 3));

        List<ChatChunk> out = run(List.of(open, usage), Mode.LEADING);

        assertThat(out).hasSize(3);
        assertThat(out.get(1)).isSameAs(usage);
        ChatChunk released = out.get(2);
        assertThat(released.id()).isEqualTo("chatcmpl-9");
        assertThat(released.model()).isEqualTo("qwen3:8b");
        assertThat(released.usage()).isNull();
        assertThat(released.choices())
                .containsExactly(choice(0, new ChatDelta(null, null, null, null, null, "</thi", null, null), null));
    }

    // ---- Reactive Streams behaviour

    @Test
    void demandIsPassedOnAndNeverExceededWhenAChunkBecomesTwo() {
        ManualUpstream upstream = new ManualUpstream();
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>();
        ThinkTags.extract(upstream, Mode.LEADING).subscribe(subscriber);

        subscriber.request(1);
        assertThat(upstream.requested).isEqualTo(1);
        upstream.emit(content(0, "<th"));
        assertThat(subscriber.items()).hasSize(1);

        // The call chunk becomes two (the held "<th", then the call): one waits for demand, and while it waits the
        // upstream is not asked for more.
        subscriber.request(1);
        assertThat(upstream.requested).isEqualTo(2);
        ChatChunk call = chunk(choice(0, toolCall(), null));
        upstream.emit(call);
        assertThat(subscriber.items()).hasSize(2);
        assertThat(subscriber.items().get(1).choices().get(0).delta().content()).isEqualTo("<th");
        assertThat(upstream.requested).isEqualTo(2);

        subscriber.request(1);
        assertThat(subscriber.items()).hasSize(3);
        assertThat(subscriber.items().get(2)).isSameAs(call);
        assertThat(upstream.requested).isEqualTo(2);

        subscriber.request(5);
        assertThat(upstream.requested).isEqualTo(7);
        upstream.complete();
        assertThat(subscriber.awaitCompletion()).hasSize(3);
    }

    @Test
    void heldTextAtTheEndWaitsForDemandAndTheCompletionForIt() {
        ManualUpstream upstream = new ManualUpstream();
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>(1);
        ThinkTags.extract(upstream, Mode.LEADING).subscribe(subscriber);

        upstream.emit(content(0, "<think>x</th"));
        upstream.complete();
        assertThat(subscriber.items()).hasSize(1);
        assertThat(subscriber.isTerminated()).isFalse();

        subscriber.request(1);
        List<ChatChunk> out = subscriber.awaitCompletion();
        assertThat(reasoningOf(out, 0)).isEqualTo("x</th");
    }

    @Test
    void anUpstreamFailureComesAfterTheHeldText() {
        ManualUpstream upstream = new ManualUpstream();
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();
        ThinkTags.extract(upstream, Mode.LEADING).subscribe(subscriber);
        IllegalStateException failure = new IllegalStateException("connection reset");

        upstream.emit(content(0, "<think>x</th"));
        upstream.fail(failure);

        assertThat(subscriber.awaitError()).isSameAs(failure);
        assertThat(reasoningOf(subscriber.items(), 0)).isEqualTo("x</th");
    }

    @Test
    void cancelReachesTheUpstreamAndStopsTheSignals() {
        ManualUpstream upstream = new ManualUpstream();
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>(10);
        ThinkTags.extract(upstream, Mode.LEADING).subscribe(subscriber);

        upstream.emit(content(0, "Hello"));
        subscriber.cancel();
        upstream.emit(content(0, " again"));
        upstream.complete();

        assertThat(upstream.cancelled).isTrue();
        assertThat(subscriber.items()).hasSize(1);
        assertThat(subscriber.isTerminated()).isFalse();
        subscriber.assertNoViolations();
    }

    @Test
    void aNonPositiveRequestFailsTheStreamAndCancelsTheUpstream() {
        ManualUpstream upstream = new ManualUpstream();
        RecordingSubscriber<ChatChunk> subscriber = new RecordingSubscriber<>();
        ThinkTags.extract(upstream, Mode.LEADING).subscribe(subscriber);

        subscriber.request(0);

        assertThat(subscriber.awaitError()).isInstanceOf(IllegalArgumentException.class);
        assertThat(upstream.cancelled).isTrue();
        assertThat(upstream.requested).isZero();
    }

    @Test
    void aPassingChunkIsDeliveredAsSoonAsItArrives() {
        ManualUpstream upstream = new ManualUpstream();
        RecordingSubscriber<ChatChunk> subscriber = RecordingSubscriber.unbounded();
        ThinkTags.extract(upstream, Mode.LEADING).subscribe(subscriber);

        upstream.emit(content(0, "H"));
        assertThat(contentOf(subscriber.items(), 0)).isEqualTo("H");
        upstream.emit(content(0, "ello <think>"));
        assertThat(contentOf(subscriber.items(), 0)).isEqualTo("Hello <think>");
    }

    // ---- the completion

    @Test
    void aCompletionKeepsItsOtherFieldsAndReasoningItHad() {
        ChatCompletion completion = completion("<think>more</think>Answer", "earlier ");

        ChatCompletion extracted = ThinkTags.extract(completion);

        CompletionChoice choice = extracted.choices().get(0);
        assertThat(choice.message().reasoningContent()).isEqualTo("earlier more");
        assertThat(choice.message().content()).isEqualTo(ChatContent.of("Answer"));
        assertThat(choice.finishReason()).isEqualTo("stop");
        assertThat(extracted.usage()).isEqualTo(completion.usage());
        assertThat(extracted.id()).isEqualTo(completion.id());
        assertThat(ThinkTags.extract(completion("No tags.", null))).isEqualTo(completion("No tags.", null));
    }

    // ---- helpers

    static List<ChatChunk> run(List<ChatChunk> chunks, Mode mode) {
        try {
            return Publishers.collect(ThinkTags.extract(Publishers.fromIterable(chunks), mode))
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static ChatChunk content(int index, String text) {
        return chunk(choice(index, ChatDelta.ofContent(text), null));
    }

    static ChatChunk chunk(ChunkChoice choice) {
        return new ChatChunk("c1", 1L, "m", List.of(choice), null);
    }

    static ChunkChoice choice(int index, ChatDelta delta, String finishReason) {
        return new ChunkChoice(index, delta, finishReason);
    }

    static ChatDelta toolCall() {
        return new ChatDelta(
                null,
                null,
                null,
                List.of(new ChatToolCallDelta(0, "call_1", "function", new ChatFunctionCall("f", "{}"))),
                null,
                null,
                null,
                null);
    }

    static String reasoningOf(List<ChatChunk> chunks, int index) {
        StringBuilder text = new StringBuilder();
        for (ChatChunk chunk : chunks) {
            for (ChunkChoice choice : chunk.choices() == null ? List.<ChunkChoice>of() : chunk.choices()) {
                if (choice.index() == index
                        && choice.delta() != null
                        && choice.delta().reasoningText() != null) {
                    text.append(choice.delta().reasoningText());
                }
            }
        }
        return text.toString();
    }

    static String contentOf(List<ChatChunk> chunks, int index) {
        StringBuilder text = new StringBuilder();
        for (ChatChunk chunk : chunks) {
            for (ChunkChoice choice : chunk.choices() == null ? List.<ChunkChoice>of() : chunk.choices()) {
                if (choice.index() == index
                        && choice.delta() != null
                        && choice.delta().content() != null) {
                    text.append(choice.delta().content());
                }
            }
        }
        return text.toString();
    }

    private static ChatCompletion completion(String content, String reasoning) {
        ChatMessage.AssistantMessage message = new ChatMessage.AssistantMessage(
                ChatContent.of(content), null, null, null, null, reasoning, null, null, null);
        return new ChatCompletion(
                "chatcmpl-1", 1L, "m", List.of(new CompletionChoice(0, message, "stop")), new ChatUsage(1, 2, 3));
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    /** An upstream the test drives: it records what is requested and whether it was cancelled. */
    static final class ManualUpstream implements Flow.Publisher<ChatChunk> {
        private Flow.Subscriber<? super ChatChunk> subscriber;
        volatile long requested;
        volatile boolean cancelled;

        @Override
        public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
            this.subscriber = subscriber;
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requested += n;
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
        }

        void emit(ChatChunk chunk) {
            subscriber.onNext(chunk);
        }

        void complete() {
            subscriber.onComplete();
        }

        void fail(Throwable error) {
            subscriber.onError(error);
        }
    }
}
