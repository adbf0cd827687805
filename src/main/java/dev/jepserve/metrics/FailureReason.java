package dev.jepserve.metrics;

/** The {@code reason} label of nv_inference_request_failure. */
public enum FailureReason {
    /** Refused by the scheduler (queue full, queue timeout). */
    REJECTED,
    /** Cancelled by the client or the server. */
    CANCELED,
    /** The model or backend reported an error. */
    BACKEND,
    /** Anything else. */
    OTHER
}
