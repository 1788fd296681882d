package dev.orsgateway.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orsgateway.core.OrsException;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.ContentPart;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.MessageRole;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.model.ResponseStatus;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.ResponseStore.BrokenChainException;
import dev.orsgateway.core.spi.StoredResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ResponseStore} shares. A store's test extends this class and supplies {@link
 * #newStore()}; a store that is {@link AutoCloseable} is closed after each test.
 */
public abstract class ResponseStoreContract {

    /** A fresh, empty store. */
    protected abstract ResponseStore newStore();

    /** The store under test, made by {@link #newStore()} before each test. */
    protected ResponseStore store;

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    // ---- save and find

    @Test
    void savedResponseIsFoundWithItsInputItemsAndOwner() {
        StoredResponse saved = new StoredResponse(
                response("resp_1", null, List.of(assistant("msg_out", "hello"), call("fc_1", "call_1"))).toBuilder()
                        .instructions("be brief")
                        .metadata(Map.of("k", "v"))
                        .build(),
                List.of(user("msg_in1", "hi"), user("msg_in2", "there")),
                "owner-1",
                "ollama");
        store.save(saved);

        StoredResponse found = store.find("resp_1").orElseThrow();

        assertThat(OrsJson.tree(found.response())).isEqualTo(OrsJson.tree(saved.response()));
        assertThat(OrsJson.tree(found.inputItems())).isEqualTo(OrsJson.tree(saved.inputItems()));
        assertThat(found.owner()).isEqualTo("owner-1");
        assertThat(found.upstream()).isEqualTo("ollama");
    }

    @Test
    void responseWithoutOwnerItemsStatusOrModelRoundTrips() {
        StoredResponse saved = new StoredResponse(
                response("resp_1", null, List.of()).toBuilder()
                        .status(null)
                        .model(null)
                        .build(),
                List.of(),
                null);
        store.save(saved);

        StoredResponse found = store.find("resp_1").orElseThrow();

        assertThat(OrsJson.tree(found.response())).isEqualTo(OrsJson.tree(saved.response()));
        assertThat(found.inputItems()).isEmpty();
        assertThat(found.owner()).isNull();
        assertThat(found.upstream()).isNull();
    }

    @Test
    void storedCopyDoesNotChangeWhenTheCallerMutatesWhatItSaved() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("q", "before");
        Item unknown = new Item.Unknown("acme:search", fields("id", text("acme_1"), "payload", payload));
        store.save(new StoredResponse(response("resp_1", null, List.of()), List.of(unknown), null));

        payload.put("q", "after");

        Item found = store.find("resp_1").orElseThrow().inputItems().get(0);
        assertThat(OrsJson.tree(found).at("/payload/q").asText()).isEqualTo("before");
    }

    @Test
    void savingAnExistingIdThrowsAndKeepsTheStoredResponse() {
        StoredResponse first = chainLink("resp_1", null, "first");
        store.save(first);
        StoredResponse second = new StoredResponse(
                response("resp_1", null, List.of(assistant("msg_other", "other"))),
                List.of(user("msg_other_in", "other")),
                "someone-else");

        assertThatThrownBy(() -> store.save(second)).isInstanceOf(IllegalStateException.class);

        StoredResponse found = store.find("resp_1").orElseThrow();
        assertThat(OrsJson.tree(found.response())).isEqualTo(OrsJson.tree(first.response()));
        assertThat(OrsJson.tree(found.inputItems())).isEqualTo(OrsJson.tree(first.inputItems()));
        assertThat(found.owner()).isEqualTo(first.owner());
        assertThat(ids(store.replay("resp_1").orElseThrow())).containsExactly("first_in", "first_out");
    }

    @Test
    void savingAnInputItemWithoutIdIsRejectedAndStoresNothing() {
        StoredResponse noId = new StoredResponse(
                response("resp_1", null, List.of()), List.of(user("msg_1", "a"), Item.Message.user("b")), null);

        assertThatThrownBy(() -> store.save(noId)).isInstanceOf(IllegalArgumentException.class);

        assertThat(store.find("resp_1")).isEmpty();
    }

    @Test
    void savingAResponseThatContinuesItselfIsRejected() {
        assertThatThrownBy(() -> store.save(chainLink("resp_1", "resp_1", "a")))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(store.find("resp_1")).isEmpty();
    }

    @Test
    void savingTheIdOfADeletedResponseThatOthersContinueIsRefused() {
        store.save(chainLink("resp_1", null, "a"));
        store.save(chainLink("resp_2", "resp_1", "b"));
        store.delete("resp_1");

        // Saving it again would splice a new response into resp_2's chain.
        assertThatThrownBy(() -> store.save(chainLink("resp_1", null, "c"))).isInstanceOf(IllegalStateException.class);

        assertThat(store.find("resp_1")).isEmpty();
        store.delete("resp_2");
        store.save(chainLink("resp_1", null, "c"));
        assertThat(ids(store.replay("resp_1").orElseThrow())).containsExactly("c_in", "c_out");
    }

    // ---- replay

    @Test
    void replayOfAChainOfThreeYieldsEachInputThenOutputOldestFirst() {
        store.save(chainLink("resp_1", null, "a"));
        store.save(chainLink("resp_2", "resp_1", "b"));
        store.save(new StoredResponse(
                response("resp_3", "resp_2", List.of(call("c_call", "call_c"), assistant("c_out", "done"))),
                List.of(
                        user("c_in1", "x"),
                        new Item.FunctionCallOutput("c_in2", "call_b", new Item.Output.Text("{}"), null, Map.of())),
                null));

        List<Item> replayed = store.replay("resp_3").orElseThrow();

        assertThat(ids(replayed))
                .containsExactly("a_in", "a_out", "b_in", "b_out", "c_in1", "c_in2", "c_call", "c_out");
        assertThat(replayed.get(5)).isInstanceOf(Item.FunctionCallOutput.class);
        assertThat(replayed.get(6)).isInstanceOf(Item.FunctionCall.class);
        assertThat(ids(store.replay("resp_1").orElseThrow())).containsExactly("a_in", "a_out");
    }

    @Test
    void replayedItemsAreTreeEqualToTheSavedOnes() {
        StoredResponse root = chainLink("resp_1", null, "a");
        StoredResponse child = chainLink("resp_2", "resp_1", "b");
        store.save(root);
        store.save(child);

        List<Item> expected = new ArrayList<>();
        expected.addAll(root.inputItems());
        expected.addAll(root.response().output());
        expected.addAll(child.inputItems());
        expected.addAll(child.response().output());
        assertThat(OrsJson.tree(store.replay("resp_2").orElseThrow())).isEqualTo(OrsJson.tree(expected));
    }

    @Test
    void replayOfABranchSeesOnlyItsOwnBranch() {
        store.save(chainLink("resp_root", null, "root"));
        store.save(chainLink("resp_left", "resp_root", "left"));
        store.save(chainLink("resp_right", "resp_root", "right"));
        store.save(chainLink("resp_left2", "resp_left", "left2"));

        assertThat(ids(store.replay("resp_left2").orElseThrow()))
                .containsExactly("root_in", "root_out", "left_in", "left_out", "left2_in", "left2_out");
        assertThat(ids(store.replay("resp_right").orElseThrow()))
                .containsExactly("root_in", "root_out", "right_in", "right_out");
    }

    @Test
    void replayKeepsResponsesThatHaveNoItems() {
        store.save(new StoredResponse(response("resp_1", null, List.of()), List.of(), null));
        store.save(chainLink("resp_2", "resp_1", "b"));
        store.save(new StoredResponse(response("resp_3", "resp_2", List.of()), List.of(), null));

        assertThat(ids(store.replay("resp_3").orElseThrow())).containsExactly("b_in", "b_out");
        assertThat(store.replay("resp_1").orElseThrow()).isEmpty();
    }

    @Test
    void replayOfAResponseWhosePreviousWasNeverStoredIsBroken() {
        store.save(chainLink("resp_2", "resp_never", "b"));

        assertThatThrownBy(() -> store.replay("resp_2"))
                .isInstanceOfSatisfying(
                        BrokenChainException.class,
                        e -> assertThat(e.missingId()).isEqualTo("resp_never"));
    }

    @Test
    void unknownIdsAreEmpty() {
        store.save(chainLink("resp_1", null, "a"));

        assertThat(store.find("resp_nope")).isEmpty();
        assertThat(store.replay("resp_nope")).isEmpty();
        assertThat(store.inputItems("resp_nope", PageRequest.DEFAULT)).isEmpty();
    }

    // ---- delete

    @Test
    void deletedResponseIsGoneAndItsContinuationsNameItAsTheBreak() {
        store.save(chainLink("resp_1", null, "a"));
        store.save(chainLink("resp_2", "resp_1", "b"));
        store.save(chainLink("resp_3", "resp_2", "c"));

        assertThat(store.delete("resp_2")).isTrue();

        assertThat(store.find("resp_2")).isEmpty();
        assertThat(store.replay("resp_2")).isEmpty();
        assertThat(store.inputItems("resp_2", PageRequest.DEFAULT)).isEmpty();
        assertThatThrownBy(() -> store.replay("resp_3"))
                .isInstanceOfSatisfying(
                        BrokenChainException.class,
                        e -> assertThat(e.missingId()).isEqualTo("resp_2"));
        assertThat(store.find("resp_3")).isPresent();
        assertThat(ids(store.replay("resp_1").orElseThrow())).containsExactly("a_in", "a_out");
        assertThat(store.delete("resp_2")).isFalse();
    }

    @Test
    void deletingTheRootBreaksTheChainAtTheRoot() {
        store.save(chainLink("resp_1", null, "a"));
        store.save(chainLink("resp_2", "resp_1", "b"));
        store.save(chainLink("resp_3", "resp_2", "c"));

        assertThat(store.delete("resp_1")).isTrue();

        assertThatThrownBy(() -> store.replay("resp_3"))
                .isInstanceOfSatisfying(
                        BrokenChainException.class,
                        e -> assertThat(e.missingId()).isEqualTo("resp_1"));
    }

    @Test
    void deleteOfAnUnknownIdReturnsFalse() {
        assertThat(store.delete("resp_nope")).isFalse();
    }

    // ---- input item pages (five items in_1 .. in_5, oldest first)

    @Test
    void defaultPageIsNewestFirst() {
        saveFiveInputs();

        ItemPage page = store.inputItems("resp_p", PageRequest.DEFAULT).orElseThrow();

        assertPage(page, List.of("in_5", "in_4", "in_3", "in_2", "in_1"), false);
        assertThat(page.data().get(0)).isInstanceOf(Item.Message.class);
        assertThat(OrsJson.tree(page.data().get(0))).isEqualTo(OrsJson.tree(user("in_5", "text 5")));
    }

    @Test
    void descendingPagesFollowTheAfterCursorToTheEnd() {
        saveFiveInputs();

        assertPage(page(null, null, 2, false), List.of("in_5", "in_4"), true);
        assertPage(page("in_4", null, 2, false), List.of("in_3", "in_2"), true);
        assertPage(page("in_2", null, 2, false), List.of("in_1"), false);
        assertPage(page("in_1", null, 2, false), List.of(), false);
    }

    @Test
    void ascendingPagesFollowTheAfterCursorToTheEnd() {
        saveFiveInputs();

        assertPage(page(null, null, 2, true), List.of("in_1", "in_2"), true);
        assertPage(page("in_2", null, 2, true), List.of("in_3", "in_4"), true);
        assertPage(page("in_4", null, 2, true), List.of("in_5"), false);
        assertPage(page("in_5", null, 2, true), List.of(), false);
        assertPage(page(null, null, 5, true), List.of("in_1", "in_2", "in_3", "in_4", "in_5"), false);
    }

    @Test
    void beforeCursorGivesThePageRightBeforeIt() {
        saveFiveInputs();

        assertPage(page(null, "in_1", 2, false), List.of("in_3", "in_2"), true);
        assertPage(page(null, "in_3", 2, false), List.of("in_5", "in_4"), false);
        assertPage(page(null, "in_5", 2, false), List.of(), false);
        assertPage(page(null, "in_5", 2, true), List.of("in_3", "in_4"), true);
        assertPage(page(null, "in_3", 2, true), List.of("in_1", "in_2"), false);
        assertPage(page(null, "in_1", 2, true), List.of(), false);
    }

    @Test
    void afterAndBeforeTogetherKeepTheItemsBetween() {
        saveFiveInputs();

        assertPage(page("in_1", "in_5", 2, true), List.of("in_2", "in_3"), true);
        assertPage(page("in_1", "in_5", 3, true), List.of("in_2", "in_3", "in_4"), false);
        assertPage(page("in_5", "in_1", 10, false), List.of("in_4", "in_3", "in_2"), false);
        assertPage(page("in_4", "in_2", 10, true), List.of(), false);
    }

    @Test
    void unknownCursorIsAnInvalidRequestNamingTheParameter() {
        saveFiveInputs();
        store.save(chainLink("resp_other", null, "other"));

        assertThatThrownBy(() -> page("in_nope", null, 2, false)).isInstanceOfSatisfying(OrsException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.error().param()).isEqualTo("after");
        });
        // An output item, or another response's input item, is not an input item of this response.
        assertThatThrownBy(() -> page(null, "out_p", 2, true))
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.error().param()).isEqualTo("before"));
        assertThatThrownBy(() -> page("other_in", null, 2, true))
                .isInstanceOfSatisfying(
                        OrsException.class, e -> assertThat(e.error().param()).isEqualTo("after"));
    }

    @Test
    void repeatedItemIdAsCursorIsItsFirstOccurrenceInTheChosenOrder() {
        // Two item_reference inputs to the same stored item share its id.
        List<Item> inputs = List.of(
                user("in_a", "a"),
                new Item.ItemReference("ref_x", Map.of()),
                user("in_b", "b"),
                new Item.ItemReference("ref_x", Map.of()),
                user("in_c", "c"));
        store.save(new StoredResponse(response("resp_p", null, List.of()), inputs, null));

        assertThat(ids(page("ref_x", null, 10, true).data())).containsExactly("in_b", "ref_x", "in_c");
        assertThat(ids(page("ref_x", null, 10, false).data())).containsExactly("in_b", "ref_x", "in_a");
        assertThat(ids(page(null, "ref_x", 10, true).data())).containsExactly("in_a");
    }

    @Test
    void responseWithoutInputItemsHasAnEmptyPage() {
        store.save(new StoredResponse(response("resp_1", null, List.of(assistant("out", "x"))), List.of(), null));

        assertPage(store.inputItems("resp_1", PageRequest.DEFAULT).orElseThrow(), List.of(), false);
    }

    // ---- unknown content

    @Test
    void unknownItemTypesAndUnknownFieldsSurviveStorage() {
        Item unknownInput = new Item.Unknown(
                "acme:search_result",
                fields(
                        "id",
                        text("acme_in"),
                        "hits",
                        JsonNodeFactory.instance.arrayNode().add(1).add(2),
                        "nested",
                        JsonNodeFactory.instance.objectNode().put("deep", true)));
        Item messageWithExtra = new Item.Message(
                "msg_extra",
                null,
                MessageRole.USER,
                List.of(new ContentPart.InputText("hi", fields("x_part_note", text("p")))),
                null,
                fields("x_provider_hint", text("keep me")));
        Item unknownOutput = new Item.Unknown("acme:widget", fields("id", text("acme_out"), "size", number(3)));
        Response response = response("resp_1", null, List.of(unknownOutput)).toBuilder()
                .extra(fields("x_response_field", text("kept")))
                .build();
        StoredResponse saved = new StoredResponse(response, List.of(unknownInput, messageWithExtra), null);
        store.save(saved);

        StoredResponse found = store.find("resp_1").orElseThrow();
        List<Item> replayed = store.replay("resp_1").orElseThrow();
        ItemPage page = store.inputItems("resp_1", new PageRequest(null, null, 10, true))
                .orElseThrow();

        assertThat(OrsJson.tree(found.response())).isEqualTo(OrsJson.tree(response));
        assertThat(OrsJson.tree(found.inputItems())).isEqualTo(OrsJson.tree(saved.inputItems()));
        assertThat(OrsJson.tree(replayed))
                .isEqualTo(OrsJson.tree(List.of(unknownInput, messageWithExtra, unknownOutput)));
        assertThat(OrsJson.tree(page.data())).isEqualTo(OrsJson.tree(saved.inputItems()));
        assertThat(replayed.get(0)).isInstanceOf(Item.Unknown.class);
        assertThat(replayed.get(2)).isInstanceOf(Item.Unknown.class);
        assertThat(page.firstId()).isEqualTo("acme_in");
    }

    // ---- concurrency

    @Test
    void concurrentSavesOfInterleavedChainsLoseNoItemAndMixNoChains() throws Exception {
        int threads = 8;
        int chains = 100;
        int depth = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int worker = t;
                workers.add(pool.submit(() -> {
                    start.await();
                    // Each worker owns every 8th chain and grows all of them a level at a time, so the chains
                    // interleave within a worker and the workers' writes and reads interleave with each other.
                    for (int level = 0; level < depth; level++) {
                        for (int c = worker; c < chains; c += threads) {
                            store.save(concurrentLink(c, level));
                            assertThat(store.replay(concurrentId(c, level)).orElseThrow())
                                    .hasSize(3 * (level + 1));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> w : workers) {
                w.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }

        for (int c = 0; c < chains; c++) {
            List<String> expected = new ArrayList<>();
            for (int level = 0; level < depth; level++) {
                String prefix = concurrentId(c, level);
                expected.addAll(List.of(prefix + "_in1", prefix + "_in2", prefix + "_out"));
                assertThat(ids(store.find(prefix).orElseThrow().inputItems()))
                        .containsExactly(prefix + "_in1", prefix + "_in2");
            }
            assertThat(ids(store.replay(concurrentId(c, depth - 1)).orElseThrow()))
                    .containsExactlyElementsOf(expected);
        }
    }

    // ---- continuation

    @Test
    void continuationCarriesTheOwnerAndStatusOfTheResponseAndTheConversationItEnds() {
        store.save(chainLink("resp_1", null, "a"));
        store.save(chainLink("resp_2", "resp_1", "b"));
        store.save(new StoredResponse(
                response("resp_3", "resp_2", List.of(assistant("c_out", "half"))).toBuilder()
                        .status(ResponseStatus.INCOMPLETE)
                        .build(),
                List.of(user("c_in", "x")),
                "owner-c"));

        ResponseStore.Continuation continuation = store.continuation("resp_3").orElseThrow();

        assertThat(continuation.owner()).isEqualTo("owner-c");
        assertThat(continuation.status()).isEqualTo(ResponseStatus.INCOMPLETE);
        assertThat(continuation.missingAncestorId()).isNull();
        assertThat(OrsJson.tree(continuation.items()))
                .isEqualTo(OrsJson.tree(store.replay("resp_3").orElseThrow()));
        assertThat(ids(continuation.items())).containsExactly("a_in", "a_out", "b_in", "b_out", "c_in", "c_out");
        assertThat(ids(store.continuation("resp_1").orElseThrow().items())).containsExactly("a_in", "a_out");
    }

    @Test
    void continuationOfAResponseWithoutOwnerStatusOrItemsIsEmptyButPresent() {
        store.save(new StoredResponse(
                response("resp_1", null, List.of()).toBuilder().status(null).build(), List.of(), null));

        ResponseStore.Continuation continuation = store.continuation("resp_1").orElseThrow();

        assertThat(continuation.owner()).isNull();
        assertThat(continuation.status()).isNull();
        assertThat(continuation.items()).isEmpty();
        assertThat(continuation.missingAncestorId()).isNull();
    }

    @Test
    void continuationOfAnUnknownIdIsEmpty() {
        store.save(chainLink("resp_1", null, "a"));

        assertThat(store.continuation("resp_unknown")).isEmpty();
    }

    @Test
    void continuationOfABrokenChainNamesTheFirstMissingAncestorAndNoItems() {
        store.save(chainLink("resp_1", null, "a"));
        store.save(chainLink("resp_2", "resp_1", "b"));
        store.save(chainLink("resp_3", "resp_2", "c"));
        store.save(chainLink("resp_4", "resp_3", "d"));
        store.delete("resp_1");
        store.delete("resp_3");
        store.save(chainLink("resp_x", "resp_never_stored", "x"));

        ResponseStore.Continuation broken = store.continuation("resp_4").orElseThrow();
        assertThat(broken.owner()).isEqualTo("owner-d");
        assertThat(broken.status()).isEqualTo(ResponseStatus.COMPLETED);
        assertThat(broken.items()).isEmpty();
        assertThat(broken.missingAncestorId()).isEqualTo("resp_3");
        assertThat(store.continuation("resp_2").orElseThrow().missingAncestorId())
                .isEqualTo("resp_1");
        assertThat(store.continuation("resp_x").orElseThrow().missingAncestorId())
                .isEqualTo("resp_never_stored");
    }

    // ---- saveAsync

    @Test
    void anAsyncSaveIsFoundReplayedAndContinuedOnceItsFutureCompletes() throws Exception {
        store.saveAsync(chainLink("resp_1", null, "a")).get(1, TimeUnit.MINUTES);
        store.saveAsync(chainLink("resp_2", "resp_1", "b")).get(1, TimeUnit.MINUTES);

        assertThat(store.find("resp_2").orElseThrow().owner()).isEqualTo("owner-b");
        assertThat(ids(store.replay("resp_2").orElseThrow())).containsExactly("a_in", "a_out", "b_in", "b_out");
        assertThat(ids(store.continuation("resp_2").orElseThrow().items()))
                .containsExactly("a_in", "a_out", "b_in", "b_out");
    }

    @Test
    void asyncSavesOfOneThreadApplyInTheOrderTheyWereMade() throws Exception {
        List<CompletableFuture<Void>> saves = new ArrayList<>();
        // Not waiting between them: a chain, then a save that the chain makes invalid only if it comes after.
        for (int i = 0; i < 20; i++) {
            saves.add(store.saveAsync(chainLink("resp_" + i, i == 0 ? null : "resp_" + (i - 1), "r" + i)));
        }
        CompletableFuture<Void> continuedId = store.saveAsync(chainLink("resp_0", null, "again"));
        CompletableFuture<Void> first = store.saveAsync(chainLink("resp_dup", null, "first"));
        CompletableFuture<Void> second = store.saveAsync(chainLink("resp_dup", null, "second"));

        for (CompletableFuture<Void> save : saves) {
            save.get(1, TimeUnit.MINUTES);
        }
        first.get(1, TimeUnit.MINUTES);
        assertFailsWith(continuedId, IllegalStateException.class);
        assertFailsWith(second, IllegalStateException.class);
        assertThat(store.replay("resp_19").orElseThrow()).hasSize(40);
        assertThat(store.find("resp_dup").orElseThrow().owner()).isEqualTo("owner-first");
    }

    @Test
    void aBadAsyncSaveFailsAloneWithWhatSaveThrows() throws Exception {
        store.save(chainLink("resp_stored", null, "stored"));
        store.save(chainLink("resp_gone", null, "gone"));
        store.save(chainLink("resp_child", "resp_gone", "child"));
        store.delete("resp_gone");

        // Made together, so a store that batches them meets the bad ones beside the good ones.
        CompletableFuture<Void> good1 = store.saveAsync(chainLink("resp_a", null, "a"));
        CompletableFuture<Void> duplicate = store.saveAsync(chainLink("resp_stored", null, "other"));
        CompletableFuture<Void> good2 = store.saveAsync(chainLink("resp_b", "resp_a", "b"));
        CompletableFuture<Void> continued = store.saveAsync(chainLink("resp_gone", null, "again"));
        CompletableFuture<Void> noItemId = store.saveAsync(
                new StoredResponse(response("resp_noid", null, List.of()), List.of(Item.Message.user("no id")), null));
        CompletableFuture<Void> itself = store.saveAsync(chainLink("resp_self", "resp_self", "self"));
        CompletableFuture<Void> good3 = store.saveAsync(chainLink("resp_c", "resp_b", "c"));

        good1.get(1, TimeUnit.MINUTES);
        good2.get(1, TimeUnit.MINUTES);
        good3.get(1, TimeUnit.MINUTES);
        assertFailsWith(duplicate, IllegalStateException.class);
        assertFailsWith(continued, IllegalStateException.class);
        assertFailsWith(noItemId, IllegalArgumentException.class);
        assertFailsWith(itself, IllegalArgumentException.class);

        assertThat(ids(store.replay("resp_c").orElseThrow()))
                .containsExactly("a_in", "a_out", "b_in", "b_out", "c_in", "c_out");
        assertThat(store.find("resp_stored").orElseThrow().owner()).isEqualTo("owner-stored");
        assertThat(store.find("resp_gone")).isEmpty();
        assertThat(store.find("resp_noid")).isEmpty();
        assertThat(store.find("resp_self")).isEmpty();
    }

    @Test
    void anAsyncSaveKeepsWhatItWasGivenWhenTheCallerMutatesItAfterwards() throws Exception {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("q", "before");
        Item unknown = new Item.Unknown("acme:search", fields("id", text("acme_1"), "payload", payload));
        CompletableFuture<Void> saved =
                store.saveAsync(new StoredResponse(response("resp_1", null, List.of()), List.of(unknown), null));
        payload.put("q", "after");
        saved.get(1, TimeUnit.MINUTES);

        Item found = store.find("resp_1").orElseThrow().inputItems().get(0);
        assertThat(OrsJson.tree(found).at("/payload/q").asText()).isEqualTo("before");
    }

    @Test
    void manyThreadsSavingAsyncAtOnceLoseNothingAndKeepEachThreadsOrder() throws Exception {
        int threads = 16;
        int depth = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<CompletableFuture<Void>>>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int worker = t;
                workers.add(pool.submit(() -> {
                    start.await();
                    // Each thread queues its whole chain without waiting: only the order of its own saves keeps
                    // every link after its parent.
                    List<CompletableFuture<Void>> saves = new ArrayList<>();
                    for (int level = 0; level < depth; level++) {
                        saves.add(store.saveAsync(concurrentLink(worker, level)));
                    }
                    return saves;
                }));
            }
            start.countDown();
            for (Future<List<CompletableFuture<Void>>> worker : workers) {
                for (CompletableFuture<Void> save : worker.get(2, TimeUnit.MINUTES)) {
                    save.get(2, TimeUnit.MINUTES);
                }
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
        for (int c = 0; c < threads; c++) {
            List<String> expected = new ArrayList<>();
            for (int level = 0; level < depth; level++) {
                String prefix = concurrentId(c, level);
                expected.addAll(List.of(prefix + "_in1", prefix + "_in2", prefix + "_out"));
            }
            assertThat(ids(store.continuation(concurrentId(c, depth - 1))
                            .orElseThrow()
                            .items()))
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void closingAStoreWithAsyncSavesQueuedCompletesThemFirst() throws Exception {
        Assumptions.assumeTrue(store instanceof AutoCloseable, "the store cannot be closed");
        List<CompletableFuture<Void>> saves = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            saves.add(store.saveAsync(chainLink("resp_" + i, i == 0 ? null : "resp_" + (i - 1), "r" + i)));
        }

        ((AutoCloseable) store).close();

        for (CompletableFuture<Void> save : saves) {
            assertThat(save).isCompleted();
        }
        assertFailsWith(store.saveAsync(chainLink("resp_late", null, "late")), IllegalStateException.class);
    }

    private static void assertFailsWith(CompletableFuture<Void> save, Class<? extends Throwable> type) {
        assertThatThrownBy(() -> save.get(1, TimeUnit.MINUTES))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(type);
    }

    // ---- fixtures

    private static String concurrentId(int chain, int level) {
        return "resp_c" + chain + "_l" + level;
    }

    private static StoredResponse concurrentLink(int chain, int level) {
        String id = concurrentId(chain, level);
        String previous = level == 0 ? null : concurrentId(chain, level - 1);
        return new StoredResponse(
                response(id, previous, List.of(assistant(id + "_out", "answer " + id))),
                List.of(user(id + "_in1", "question " + id), user(id + "_in2", "more " + id)),
                "owner-" + chain);
    }

    private void saveFiveInputs() {
        List<Item> inputs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            inputs.add(user("in_" + i, "text " + i));
        }
        store.save(new StoredResponse(response("resp_p", null, List.of(assistant("out_p", "x"))), inputs, null));
    }

    private ItemPage page(String after, String before, int limit, boolean ascending) {
        return store.inputItems("resp_p", new PageRequest(after, before, limit, ascending))
                .orElseThrow();
    }

    private static void assertPage(ItemPage page, List<String> ids, boolean hasMore) {
        assertThat(ids(page.data())).containsExactlyElementsOf(ids);
        assertThat(page.firstId()).isEqualTo(ids.isEmpty() ? null : ids.get(0));
        assertThat(page.lastId()).isEqualTo(ids.isEmpty() ? null : ids.get(ids.size() - 1));
        assertThat(page.hasMore()).as("has_more").isEqualTo(hasMore);
    }

    /** A response {@code id} with input {@code <name>_in} and output {@code <name>_out}. */
    protected static StoredResponse chainLink(String id, String previous, String name) {
        return new StoredResponse(
                response(id, previous, List.of(assistant(name + "_out", "answer " + name))),
                List.of(user(name + "_in", "question " + name)),
                "owner-" + name);
    }

    /** A completed response with the given output. */
    protected static Response response(String id, String previous, List<Item> output) {
        return Response.builder()
                .id(id)
                .createdAt(1_764_000_000L)
                .completedAt(1_764_000_001L)
                .status(ResponseStatus.COMPLETED)
                .model("test-model")
                .previousResponseId(previous)
                .output(output)
                .build();
    }

    /** A user message with an id. */
    protected static Item user(String id, String text) {
        return new Item.Message(id, null, MessageRole.USER, List.of(new ContentPart.InputText(text)), null, Map.of());
    }

    /** A completed assistant message. */
    protected static Item assistant(String id, String text) {
        return new Item.Message(
                id, "completed", MessageRole.ASSISTANT, List.of(new ContentPart.OutputText(text)), null, Map.of());
    }

    private static Item call(String id, String callId) {
        return new Item.FunctionCall(id, callId, "lookup", "{\"q\":1}", "completed", Map.of());
    }

    /** The items' ids, in order. */
    protected static List<String> ids(List<Item> items) {
        return items.stream().map(Item::id).toList();
    }

    private static JsonNode text(String value) {
        return JsonNodeFactory.instance.textNode(value);
    }

    private static JsonNode number(int value) {
        return JsonNodeFactory.instance.numberNode(value);
    }

    private static Map<String, JsonNode> fields(Object... keysAndValues) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (JsonNode) keysAndValues[i + 1]);
        }
        return map;
    }
}
