package dev.jepserve.inference;

/**
 * Decides which requests are traced: the front ends ask once per request, after they found the model. Must be
 * cheap when tracing is off (the common case): a field read and a null.
 */
@FunctionalInterface
public interface Tracer {
    /**
     * @param protocol "HTTP" or "GRPC", for the trace's receive and send activities
     * @return the new trace when this request is sampled, else null
     */
    RequestTrace sample(String model, long version, String protocol);

    /** Traces nothing. */
    Tracer OFF = (model, version, protocol) -> null;
}
