package dev.jepserve.inference;

/**
 * Where the answers to one request go: zero, one or many responses, the last one flagged final. A front end
 * (HTTP, gRPC, the Java API) passes one with each request and encodes what arrives; the scheduler and the
 * model backend only ever call it.
 *
 * <p>Calls may come from any thread (a Python thread of a decoupled model included) but never overlap for
 * one request, and nothing follows a final call. Implementations must not block: they hand the response to
 * their transport and return.
 */
public interface ResponseSink {
    /**
     * One response.
     *
     * @param response the response, or null for an empty final response (a decoupled model that only says
     *                 "done" with {@code TRITONSERVER_RESPONSE_COMPLETE_FINAL})
     * @param isFinal  no more responses follow for this request
     */
    void send(InferenceResponse response, boolean isFinal);

    /**
     * A response that carries an error. Non-decoupled models only fail finally; decoupled models may send
     * error responses and carry on.
     */
    void fail(TritonException error, boolean isFinal);

    /**
     * True when this sink calls {@link InferenceResponse#release()} on every response it is given, once it no
     * longer reads the outputs (after the network write, or at once when it drops the response). Such a sink
     * may be given outputs that are views of a stub's shared memory instead of copies; other sinks always get
     * outputs that own their bytes.
     */
    default boolean releasesOutputs() {
        return false;
    }
}
