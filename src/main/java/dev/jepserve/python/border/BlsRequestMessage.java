package dev.jepserve.python.border;

import java.util.List;
import java.util.Map;

/**
 * One BLS call from a model (pb_utils.InferenceRequest.exec/async_exec), as {@code jepserve_bls.BlsRequestMessage}
 * sends it; its input bytes travel beside it, indexed by {@link InputMessage#buffer()}.
 *
 * @param modelVersion  -1 for the server's choice
 * @param correlationId a Long or a String
 * @param timeoutMicros 0 for none
 * @param parameters    String, Long or Boolean values
 * @param decoupled     the caller iterates responses (exec(decoupled=True)); a decoupled target requires it
 */
public record BlsRequestMessage(String modelName, long modelVersion, String id, Object correlationId, long flags,
                                long timeoutMicros, Map<String, Object> parameters, List<String> requestedOutputs,
                                List<InputMessage> inputs, boolean decoupled) {
}
