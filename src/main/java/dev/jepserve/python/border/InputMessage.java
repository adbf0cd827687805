package dev.jepserve.python.border;

/**
 * One input tensor of a request: its bytes are {@code buffers[buffer]} of the batch.
 *
 * @param datatype the pb_utils TRITONSERVER_TYPE_* code
 */
public record InputMessage(String name, int datatype, long[] shape, int buffer) {
}
