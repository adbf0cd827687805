package dev.jepserve.inference;

/**
 * The points of a request's life a trace records, with Triton's timestamp names (its trace file's "name"
 * values and its OpenTelemetry event names).
 */
public enum TraceActivity {
    HTTP_RECV_START,
    HTTP_RECV_END,
    GRPC_WAITREAD_START,
    GRPC_WAITREAD_END,
    REQUEST_START,
    QUEUE_START,
    COMPUTE_START,
    COMPUTE_INPUT_END,
    COMPUTE_OUTPUT_START,
    COMPUTE_END,
    INFER_RESPONSE_COMPLETE,
    REQUEST_END,
    HTTP_SEND_START,
    HTTP_SEND_END,
    GRPC_SEND_START,
    GRPC_SEND_END
}
