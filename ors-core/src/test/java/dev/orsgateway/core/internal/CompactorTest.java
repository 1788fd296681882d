package dev.orsgateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.MessageRole;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactorTest {

    private static Item user(String text) {
        return new Item.Message(null, null, MessageRole.USER, List.of(new ContentPart.InputText(text)), null, Map.of());
    }

    private static final Item CALL = new Item.FunctionCall("fc_1", "call_1", "ls", "{}", "completed", Map.of());
    private static final Item OUTPUT =
            new Item.FunctionCallOutput("fco_1", "call_1", new Item.Output.Text("a.txt"), "completed", Map.of());

    @Test
    void theCipherOpensWhatItSealedAndNothingElse() {
        CompactionCipher cipher = CompactionCipher.random();
        String blob = cipher.seal("{\"summary\":\"s\"}");

        assertThat(cipher.open(blob)).contains("{\"summary\":\"s\"}");
        assertThat(cipher.seal("{\"summary\":\"s\"}"))
                .as("a fresh nonce per blob")
                .isNotEqualTo(blob);
        assertThat(CompactionCipher.random().open(blob)).as("another key").isEmpty();
        byte[] raw = Base64.getUrlDecoder().decode(blob.substring("orsc1.".length()));
        for (int i = 0; i < raw.length; i++) {
            byte[] changed = raw.clone();
            changed[i] ^= 1;
            assertThat(cipher.open(
                            "orsc1." + Base64.getUrlEncoder().withoutPadding().encodeToString(changed)))
                    .as("byte %d changed", i)
                    .isEmpty();
        }
        assertThat(cipher.open("orsc1.not base64!")).isEmpty();
        assertThat(cipher.open("orsc1.AAAA")).isEmpty();
        assertThat(cipher.open("gAAAAABpM0Yj")).isEmpty();
        assertThat(cipher.open(null)).isEmpty();
        assertThatThrownBy(() -> new CompactionCipher(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSplitKeepsTheRecentItemsAndACallWithItsOutput() {
        Compactor keepTwo = new Compactor(CompactionCipher.random(), "p", 2);
        Item a = user("a");
        Item b = user("b");
        Item c = user("c");

        assertThat(keepTwo.split(List.of(a, b, c, user("d"))).older()).containsExactly(a, b);
        assertThat(keepTwo.split(List.of(a))).isEqualTo(new Compactor.Split(List.of(a), List.of()));
        assertThat(keepTwo.split(List.of(a, b))).isEqualTo(new Compactor.Split(List.of(a), List.of(b)));
        // The boundary would fall between a call and its output: the call is kept with it.
        assertThat(keepTwo.split(List.of(a, b, CALL, OUTPUT, c)))
                .isEqualTo(new Compactor.Split(List.of(a, b), List.of(CALL, OUTPUT, c)));
        // A window that starts with the call: the first item is always summarized, so its output goes along.
        assertThat(keepTwo.split(List.of(CALL, OUTPUT)))
                .isEqualTo(new Compactor.Split(List.of(CALL, OUTPUT), List.of()));
        assertThat(new Compactor(CompactionCipher.random(), "p", 0)
                        .split(List.of(a, b))
                        .recent())
                .isEmpty();
    }

    @Test
    void aSealedSummaryExpandsIntoAUserMessageAndABadOneIsA400() {
        CompactionCipher cipher = CompactionCipher.random();
        Compactor compactor = new Compactor(cipher, "p", 2);
        Item.Compaction sealed = compactor.seal("cmp_1", "They like tea.", "m", 1L);

        List<Item> expanded = compactor.expand(List.of(sealed, user("next")), i -> "input[" + i + "]");

        assertThat(expanded.get(0))
                .isEqualTo(new Item.Message(
                        "cmp_1",
                        "completed",
                        MessageRole.USER,
                        List.of(new ContentPart.InputText(Compactor.SUMMARY_HEADER + "They like tea.")),
                        null,
                        Map.of()));
        assertThat(expanded.get(1)).isEqualTo(user("next"));
        List<Item> none = List.of(user("x"));
        assertThat(compactor.expand(none, i -> "input")).isSameAs(none);

        Item.Compaction foreign = new Compactor(CompactionCipher.random(), "p", 2).seal("cmp_2", "x", "m", 1L);
        assertThatThrownBy(() -> compactor.expand(List.of(user("a"), foreign), i -> "input[" + i + "]"))
                .isInstanceOfSatisfying(OrsException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.error().param()).isEqualTo("input[1]");
                    assertThat(e.error().code()).isEqualTo("invalid_encrypted_content");
                });
        Item.Compaction notJson = new Item.Compaction("cmp_3", cipher.seal("plain words"), null, Map.of());
        assertThatThrownBy(() -> compactor.expand(List.of(notJson), i -> "input"))
                .isInstanceOf(OrsException.class);
    }

    @Test
    void theSummaryRequestIsATranscriptOfTheOlderItemsThenThePrompt() {
        Compactor compactor = new Compactor(CompactionCipher.random(), "Summarize.", 2);
        Item assistant = new Item.Message(
                "msg_1",
                "completed",
                MessageRole.ASSISTANT,
                List.of(new ContentPart.OutputText("Listing.")),
                null,
                Map.of());

        String request = compactor.summaryRequest(List.of(user("Show files"), assistant, CALL, OUTPUT), i -> "input");

        assertThat(request)
                .isEqualTo("<conversation>\nuser: Show files\nassistant: Listing.\n"
                        + "assistant called tool ls (call call_1) with arguments {}\n"
                        + "tool result (call call_1): a.txt\n</conversation>\n\nSummarize.");
    }
}
