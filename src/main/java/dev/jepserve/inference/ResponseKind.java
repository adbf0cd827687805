package dev.jepserve.inference;

/** What one response of a request was, as the statistics' response_stats tell them apart. */
public enum ResponseKind {
    /** A response with outputs. */
    SUCCESS,
    /** An error response. */
    FAIL,
    /** A final flag without a response (decoupled models). */
    EMPTY,
    /** An error response for a cancelled request. */
    CANCEL
}
