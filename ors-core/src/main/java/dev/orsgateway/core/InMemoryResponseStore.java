package dev.orsgateway.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.spi.ItemPage;
import dev.orsgateway.core.spi.PageRequest;
import dev.orsgateway.core.spi.ResponseStore;
import dev.orsgateway.core.spi.StoredResponse;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link ResponseStore}: everything in memory, gone when the process ends. It keeps JSON text, as a
 * database does, so it returns fresh copies and behaves exactly like the SQLite store. Thread-safe: reads run
 * concurrently, writes are serialized.
 */
public final class InMemoryResponseStore implements ResponseStore {

    private final Map<String, Entry> responses = new ConcurrentHashMap<>();
    // How many stored responses name each id as previous_response_id; guarded by writeLock.
    private final Map<String, Integer> continuations = new HashMap<>();
    private final Object writeLock = new Object();

    /** An empty store. */
    public InMemoryResponseStore() {}

    @Override
    public void save(StoredResponse stored) {
        Entry entry = Entry.of(stored);
        synchronized (writeLock) {
            if (responses.containsKey(entry.id)) {
                throw new IllegalStateException("response " + entry.id + " is already stored");
            }
            if (continuations.containsKey(entry.id)) {
                throw new IllegalStateException("stored responses continue " + entry.id + "; it cannot be saved again");
            }
            if (entry.previousId != null) {
                continuations.merge(entry.previousId, 1, Integer::sum);
            }
            responses.put(entry.id, entry);
        }
    }

    @Override
    public Optional<StoredResponse> find(String id) {
        Entry entry = responses.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        Response response = read(entry.responseJson, Response.class).toBuilder()
                .output(items(entry.outputJson))
                .build();
        return Optional.of(new StoredResponse(response, items(entry.inputJson), entry.owner, entry.upstream));
    }

    @Override
    public Optional<List<Item>> replay(String id) {
        Entry entry = responses.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        List<Entry> chain = new ArrayList<>();
        while (true) {
            chain.add(entry);
            if (entry.previousId == null) {
                break;
            }
            Entry previous = responses.get(entry.previousId);
            if (previous == null) {
                throw new BrokenChainException(entry.previousId);
            }
            entry = previous;
        }
        Collections.reverse(chain);
        List<Item> items = new ArrayList<>();
        for (Entry e : chain) {
            items.addAll(items(e.inputJson));
            items.addAll(items(e.outputJson));
        }
        return Optional.of(List.copyOf(items));
    }

    /** {@inheritDoc} One walk of the chain; the head's JSON is not parsed. */
    @Override
    public Optional<Continuation> continuation(String id) {
        Entry head = responses.get(id);
        if (head == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new Continuation(head.owner, head.status, replay(id).orElse(List.of()), null));
        } catch (BrokenChainException e) {
            return Optional.of(new Continuation(head.owner, head.status, List.of(), e.missingId()));
        }
    }

    @Override
    public Optional<ItemPage> inputItems(String id, PageRequest page) {
        Entry entry = responses.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        int n = entry.inputIds.size();
        // Work on ordinals: indexes into the list in the chosen order; position(k) maps back to storage order.
        int lo = page.after() == null ? 0 : ordinalOf(entry, page.after(), "after", page.ascending()) + 1;
        int hi = page.before() == null ? n : ordinalOf(entry, page.before(), "before", page.ascending());
        hi = Math.max(lo, hi);
        int from;
        int to;
        boolean hasMore;
        if (page.before() != null && page.after() == null) {
            to = hi;
            from = Math.max(lo, hi - page.limit());
            hasMore = from > lo;
        } else {
            from = lo;
            to = Math.min(hi, lo + page.limit());
            hasMore = to < hi;
        }
        List<Item> data = new ArrayList<>();
        for (int k = from; k < to; k++) {
            data.add(read(entry.inputJson.get(position(k, n, page.ascending())), Item.class));
        }
        String firstId = data.isEmpty() ? null : entry.inputIds.get(position(from, n, page.ascending()));
        String lastId = data.isEmpty() ? null : entry.inputIds.get(position(to - 1, n, page.ascending()));
        return Optional.of(new ItemPage(data, firstId, lastId, hasMore));
    }

    @Override
    public boolean delete(String id) {
        synchronized (writeLock) {
            Entry entry = responses.remove(id);
            if (entry == null) {
                return false;
            }
            if (entry.previousId != null) {
                continuations.computeIfPresent(entry.previousId, (k, count) -> count == 1 ? null : count - 1);
            }
            return true;
        }
    }

    private static int position(int ordinal, int size, boolean ascending) {
        return ascending ? ordinal : size - 1 - ordinal;
    }

    private static int ordinalOf(Entry entry, String itemId, String param, boolean ascending) {
        int n = entry.inputIds.size();
        for (int k = 0; k < n; k++) {
            if (itemId.equals(entry.inputIds.get(position(k, n, ascending)))) {
                return k;
            }
        }
        throw OrsException.invalidRequest(
                param, "response " + entry.id + " has no input item with id '" + itemId + "'");
    }

    private static List<Item> items(List<String> json) {
        List<Item> items = new ArrayList<>(json.size());
        for (String j : json) {
            items.add(read(j, Item.class));
        }
        return items;
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return OrsJson.read(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stored response as JSON text: the response without its output, and each item on its own. */
    private record Entry(
            String id,
            String previousId,
            String owner,
            String upstream,
            String status,
            String responseJson,
            List<String> inputIds,
            List<String> inputJson,
            List<String> outputJson) {

        static Entry of(StoredResponse stored) {
            Response response = stored.response();
            if (response.id() == null) {
                throw new IllegalArgumentException("the response has no id");
            }
            if (response.id().equals(response.previousResponseId())) {
                throw new IllegalArgumentException("response " + response.id() + " continues itself");
            }
            List<String> inputIds = new ArrayList<>();
            List<String> inputJson = new ArrayList<>();
            for (int i = 0; i < stored.inputItems().size(); i++) {
                Item item = stored.inputItems().get(i);
                if (item.id() == null) {
                    throw new IllegalArgumentException(
                            "input item " + i + " of response " + response.id() + " has no id");
                }
                inputIds.add(item.id());
                inputJson.add(OrsJson.write(item));
            }
            List<String> outputJson =
                    response.output().stream().map(OrsJson::write).toList();
            String responseJson =
                    OrsJson.write(response.toBuilder().output(List.of()).build());
            return new Entry(
                    response.id(),
                    response.previousResponseId(),
                    stored.owner(),
                    stored.upstream(),
                    response.status(),
                    responseJson,
                    List.copyOf(inputIds),
                    List.copyOf(inputJson),
                    outputJson);
        }
    }
}
