package dev.orsgateway.store.sqlite.internal;

import dev.orsgateway.core.json.OrsJson;
import dev.orsgateway.core.model.Item;
import dev.orsgateway.core.model.Response;
import dev.orsgateway.core.spi.StoredResponse;
import dev.orsgateway.store.sqlite.internal.Schema.Items;
import java.util.ArrayList;
import java.util.List;

/**
 * A response checked and turned into the rows a save inserts, JSON included. It is made on the caller's thread:
 * the caller's objects are copied before {@code saveAsync} returns (so changing them later changes nothing stored),
 * and the writer thread does only database work.
 */
public record PreparedSave(
        String id,
        String previousId,
        String owner,
        String status,
        String model,
        long createdAt,
        String responseJson,
        List<ItemRow> items,
        String upstream) {

    /** One row of the items table. */
    public record ItemRow(String kind, int position, String itemId, String itemType, String json) {}

    /**
     * Checks {@code stored} as {@link dev.orsgateway.core.spi.ResponseStore#save} does and serializes it.
     *
     * @throws IllegalArgumentException when the response has no id, continues itself, or an input item has no id
     */
    public static PreparedSave of(StoredResponse stored) {
        Response response = stored.response();
        String id = response.id();
        if (id == null) {
            throw new IllegalArgumentException("the response has no id");
        }
        if (id.equals(response.previousResponseId())) {
            throw new IllegalArgumentException("response " + id + " continues itself");
        }
        List<Item> inputs = stored.inputItems();
        List<Item> outputs = response.output();
        List<ItemRow> rows = new ArrayList<>(inputs.size() + outputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Item item = inputs.get(i);
            if (item.id() == null) {
                throw new IllegalArgumentException("input item " + i + " of response " + id + " has no id");
            }
            rows.add(new ItemRow(Items.INPUT, i, item.id(), item.type(), OrsJson.write(item)));
        }
        for (int i = 0; i < outputs.size(); i++) {
            Item item = outputs.get(i);
            rows.add(new ItemRow(Items.OUTPUT, i, item.id(), item.type(), OrsJson.write(item)));
        }
        return new PreparedSave(
                id,
                response.previousResponseId(),
                stored.owner(),
                response.status(),
                response.model(),
                response.createdAt(),
                OrsJson.write(response.toBuilder().output(List.of()).build()),
                List.copyOf(rows),
                stored.upstream());
    }
}
