/**
 * Triton's trace extension: which requests are sampled ({@link dev.jepserve.trace.TraceManager}, global and
 * per-model settings changed at run time), what a sampled request records ({@link dev.jepserve.trace.CollectedTrace})
 * and where complete traces go: Triton's JSON trace file ({@link dev.jepserve.trace.TraceFileSink}) or OTLP spans
 * ({@link dev.jepserve.trace.OtelTraceSink}). The core sees only {@link dev.jepserve.inference.Tracer} and
 * {@link dev.jepserve.inference.RequestTrace}, and only for sampled requests.
 */
package dev.jepserve.trace;
