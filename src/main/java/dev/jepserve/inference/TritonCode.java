package dev.jepserve.inference;

/** Triton's error codes (TRITONSERVER_Error_Code). Protocol status codes are mapped from these in one place each. */
public enum TritonCode {
    UNKNOWN,
    INTERNAL,
    NOT_FOUND,
    INVALID_ARG,
    UNAVAILABLE,
    UNSUPPORTED,
    ALREADY_EXISTS,
    CANCELLED;

    /** The HTTP status Triton answers with for this code (http_server.cc HttpCodeFromError). */
    public int httpStatus() {
        switch (this) {
            case INTERNAL: return 500;
            case NOT_FOUND: return 404;
            case UNAVAILABLE: return 503;
            case UNSUPPORTED: return 501;
            default: return 400;
        }
    }
}
