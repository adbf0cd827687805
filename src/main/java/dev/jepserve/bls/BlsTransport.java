package dev.jepserve.bls;

import dev.jepserve.inference.RequestHandle;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * How a BLS call leaves the calling model's side: straight to the server's dispatcher in process, or over a
 * stub's socket to it.
 */
public interface BlsTransport {
    /**
     * Starts a call. Every call gets its answers through {@code receiver}, ending with a final one (also a call
     * refused at once).
     *
     * @param requestJson a {@code BlsRequestMessage} as JSON
     * @param inputs      the input bytes it indexes
     * @return cancels the call
     */
    RequestHandle start(String requestJson, List<ByteBuffer> inputs, BlsReceiver receiver);
}
