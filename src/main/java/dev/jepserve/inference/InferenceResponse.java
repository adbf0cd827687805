package dev.jepserve.inference;

import java.util.List;
import java.util.Map;

/**
 * A successful answer to one request. Errors travel as {@link TritonException} instead.
 *
 * @param modelName    the model that answered
 * @param modelVersion the version that answered, as a string ("1")
 * @param id           the request's id, "" when none
 * @param parameters   response parameters the model set: String, Long, Boolean or Double values
 * @param outputs      output tensors, already pruned to those the client requested
 */
public record InferenceResponse(
        String modelName,
        String modelVersion,
        String id,
        Map<String, Object> parameters,
        List<Tensor> outputs) {

    public InferenceResponse {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        outputs = List.copyOf(outputs);
    }

    /**
     * Gives back borrowed output memory (see {@link OutputLease}); a no-op for outputs that own their bytes.
     * Only sinks that declare {@link ResponseSink#releasesOutputs()} are given borrowed outputs, and they call
     * this once per response, when they no longer read its outputs.
     */
    public void release() {
        OutputLease.releaseAll(outputs);
    }

    /** Whether some output is borrowed memory (released by {@link #release()}). */
    public boolean isBorrowed() {
        return outputs.stream().anyMatch(tensor -> tensor.lease() != null);
    }
}
