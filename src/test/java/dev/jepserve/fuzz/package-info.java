/**
 * Fuzz targets (Jazzer {@code @FuzzTest}) for what clients and model authors feed the server: the /infer
 * decoders (JSON and the binary tensor extension), gRPC's ModelInferRequest, config.pbtxt loading, the BYTES
 * codec and the response encoder. Each may only end in the server's own refusal; anything else is a finding.
 */
package dev.jepserve.fuzz;
