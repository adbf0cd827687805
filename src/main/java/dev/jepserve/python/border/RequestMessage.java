package dev.jepserve.python.border;

import java.util.List;
import java.util.Map;

/**
 * One request of a batch as the Python side builds its pb_utils.InferenceRequest from it.
 *
 * @param handle           names the request in responses and cancellation checks
 * @param correlationId    a Long or a String
 * @param parameters       String, Long, Boolean or Double values
 * @param requestedOutputs never empty: the server fills in every configured output when the client named none
 */
public record RequestMessage(long handle, String id, Object correlationId, long flags, long timeoutMicros,
                             Map<String, Object> parameters, List<String> requestedOutputs,
                             List<InputMessage> inputs) {
}
