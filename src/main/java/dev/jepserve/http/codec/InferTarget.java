package dev.jepserve.http.codec;

import dev.jepserve.config.proto.ModelConfig;

/**
 * The model an /infer request addresses, as far as decoding needs it.
 *
 * @param modelName        the model name from the URL (also used in error texts)
 * @param requestedVersion the version from the URL, or -1 when the URL had none
 * @param config           the resolved version's config (raw binary requests take their input from it)
 */
public record InferTarget(String modelName, long requestedVersion, ModelConfig config) {
}
