package dev.jepserve.http.codec;

import dev.jepserve.inference.InferenceRequest;

/**
 * A decoded /infer body: the protocol-free request for the model, plus how the reply must encode outputs.
 */
public record DecodedInferRequest(InferenceRequest request, OutputEncoding encoding) {
}
