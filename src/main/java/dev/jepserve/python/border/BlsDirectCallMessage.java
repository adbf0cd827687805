package dev.jepserve.python.border;

/**
 * A blocking BLS call ({@code exec()} of a non-decoupled call) offered for the in-process direct path, as
 * {@code jepserve_bls.BlsDirectCallMessage} sends it: the call without its input bytes, which stay in Python.
 *
 * @param request        the call ({@link InputMessage#buffer()} is the input's index; no buffers travel)
 * @param inputByteSizes each input's size in bytes, in input order (for the request's validation)
 */
public record BlsDirectCallMessage(BlsRequestMessage request, long[] inputByteSizes) {
}
