package dev.orsgateway.core.model;

/** The values of {@code Response.status}. */
public final class ResponseStatus {
    /** Accepted, not started (background mode). */
    public static final String QUEUED = "queued";
    /** The model is producing output. */
    public static final String IN_PROGRESS = "in_progress";
    /** Finished normally. */
    public static final String COMPLETED = "completed";
    /** Stopped early: token budget or content filter (see {@code incomplete_details}). */
    public static final String INCOMPLETE = "incomplete";
    /** Failed (see {@code error}). */
    public static final String FAILED = "failed";
    /** Cancelled by the client. */
    public static final String CANCELLED = "cancelled";

    private ResponseStatus() {}
}
