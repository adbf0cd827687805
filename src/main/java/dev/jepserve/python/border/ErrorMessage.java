package dev.jepserve.python.border;

/**
 * An error a model sent as its response, or that its execute() raised.
 *
 * @param code the pb_utils.TritonError code (TRITONSERVER_Error_Code order)
 */
public record ErrorMessage(int code, String message) {
}
