package dev.jepserve.inference;

/** What a front end holds of a request it submitted: a way to say the client no longer wants the answers. */
@FunctionalInterface
public interface RequestHandle {
    /**
     * The client went away (connection closed, stream cancelled): a queued request is dropped, a running one
     * sees {@code request.is_cancelled()} turn true. Safe to call at any time, more than once.
     */
    void cancel();

    /** A handle for a request that was answered at once (refused before it was queued). */
    RequestHandle NONE = () -> { };
}
