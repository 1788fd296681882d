package dev.orsgateway.core.model;

/** The lifecycle states of an output item ({@code status} on items). */
public final class ItemStatus {
    /** The model is still producing the item. */
    public static final String IN_PROGRESS = "in_progress";
    /** The item is finished; nothing changes it afterwards. */
    public static final String COMPLETED = "completed";
    /** The item ran out of budget; it is the last item of an incomplete response. */
    public static final String INCOMPLETE = "incomplete";

    private ItemStatus() {}
}
