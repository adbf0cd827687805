/**
 * The Java API: embed jepserve in a JVM application. {@link dev.jepserve.api.JepServeBuilder} starts the server
 * on a model repository (tritonserver's flags as builder options; by default no HTTP or gRPC endpoint),
 * {@link dev.jepserve.api.JepServe} infers from Java arrays or buffers through the protocol-free
 * {@link dev.jepserve.inference.InferenceService} (no socket, no JSON), reads metrics and stops;
 * {@link dev.jepserve.api.Tensors} builds inputs and {@link dev.jepserve.api.InferResult} reads outputs.
 * docs/java-api.md shows it end to end.
 */
package dev.jepserve.api;
