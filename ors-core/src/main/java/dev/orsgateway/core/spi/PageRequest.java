package dev.orsgateway.core.spi;

/**
 * Which page of input items to list, as OpenAI's {@code GET /responses/{id}/input_items} takes it.
 *
 * @param after list items after this item id (in the chosen order), or null
 * @param before list items before this item id (in the chosen order), or null; alone, it asks for the page right
 *     before that item
 * @param limit how many items, 1 to 100
 * @param ascending oldest first when true; OpenAI's default is {@code desc}
 */
public record PageRequest(String after, String before, int limit, boolean ascending) {
    /** The default page: the 20 newest items. */
    public static final PageRequest DEFAULT = new PageRequest(null, null, 20, false);

    /** Checks {@code limit}. */
    public PageRequest {
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be between 1 and 100, was " + limit);
        }
    }
}
