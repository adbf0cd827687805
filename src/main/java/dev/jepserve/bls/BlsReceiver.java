package dev.jepserve.bls;

import java.nio.ByteBuffer;
import java.util.List;

/** Where the answers of one BLS call go: each as its JSON text and output bytes, the last one final. */
@FunctionalInterface
public interface BlsReceiver {
    /** Called from any thread, never twice at once for one call; nothing follows a final answer. */
    void onAnswer(String answerJson, List<ByteBuffer> outputs, boolean isFinal);
}
