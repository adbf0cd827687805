package dev.jepserve.inference;

import java.util.List;
import java.util.Map;

/**
 * One inference request, free of protocol types. Built by a protocol layer, validated against the model
 * config, then handed to the model's scheduler.
 *
 * @param modelName        the model the client addressed
 * @param modelVersion     the version the client addressed, or -1 for the server's choice
 * @param id               the client's request id, "" when none
 * @param correlationId    a Long or a String sequence id; 0L when none
 * @param flags            sequence start/end flags (pb_utils TRITONSERVER_REQUEST_FLAG_*)
 * @param timeoutMicros    the request's timeout in microseconds, 0 for none
 * @param parameters       custom request parameters: String, Long, Boolean or Double values, in request order
 * @param inputs           the input tensors in request order
 * @param requestedOutputs the output names the client asked for; empty means every output of the config
 * @param memory           the pooled buffer the inputs were decoded into, given back once they are no longer
 *                         read ({@link InputMemory#NONE} when the tensors own their bytes)
 */
public record InferenceRequest(
        String modelName,
        long modelVersion,
        String id,
        Object correlationId,
        long flags,
        long timeoutMicros,
        Map<String, Object> parameters,
        List<Tensor> inputs,
        List<String> requestedOutputs,
        InputMemory memory) {

    /** Request flag (pb_utils / TRITONSERVER_REQUEST_FLAG_SEQUENCE_START), from the sequence_start parameter. */
    public static final long FLAG_SEQUENCE_START = 1;
    /** Request flag (pb_utils / TRITONSERVER_REQUEST_FLAG_SEQUENCE_END), from the sequence_end parameter. */
    public static final long FLAG_SEQUENCE_END = 2;

    /** A request whose tensors own their bytes. */
    public InferenceRequest(String modelName, long modelVersion, String id, Object correlationId, long flags,
                            long timeoutMicros, Map<String, Object> parameters, List<Tensor> inputs,
                            List<String> requestedOutputs) {
        this(modelName, modelVersion, id, correlationId, flags, timeoutMicros, parameters, inputs, requestedOutputs,
                InputMemory.NONE);
    }

    public InferenceRequest {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        inputs = List.copyOf(inputs);
        requestedOutputs = List.copyOf(requestedOutputs);
    }

    /** The same request asking for these outputs. */
    public InferenceRequest withRequestedOutputs(List<String> outputs) {
        return new InferenceRequest(modelName, modelVersion, id, correlationId, flags, timeoutMicros, parameters,
                inputs, outputs, memory);
    }

    /** The input with this name, or null. */
    public Tensor input(String name) {
        for (Tensor tensor : inputs) {
            if (tensor.name().equals(name)) {
                return tensor;
            }
        }
        return null;
    }
}
