package dev.jepserve.inference;

/** Why a request failed, as nv_inference_request_failure's {@code reason} label tells it. */
public enum FailureReason {
    /** The scheduler refused it: queue full or queue timeout. */
    REJECTED,
    /** The client or the request's timeout cancelled it. */
    CANCELED,
    /** The model (its execute or its response) failed it. */
    BACKEND,
    /** Anything else. */
    OTHER
}
