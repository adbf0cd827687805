package dev.jepserve.python.border;

/**
 * One output tensor of a response; its bytes travel beside the message, in output order.
 *
 * @param datatype the pb_utils TRITONSERVER_TYPE_* code
 */
public record OutputMessage(String name, int datatype, long[] shape) {
}
