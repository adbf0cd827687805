package dev.jepserve.grpc;

import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;

import java.util.concurrent.Executor;

/**
 * Where a ModelInfer answer is encoded: never on the thread that completed it (a model's Python thread in
 * process). A small answer goes to the event loop, which writes it anyway, so encoding it there saves a hop
 * through the pool; a large one is encoded on the pool, so its copy does not stall the event loop's other
 * connections.
 */
final class AnswerExecutor {
    /** Outputs of at most this many bytes are encoded on the event loop. */
    static final long EVENT_LOOP_LIMIT = 64 * 1024;

    private final Executor eventLoop;
    private final Executor pool;

    AnswerExecutor(Executor eventLoop, Executor pool) {
        this.eventLoop = eventLoop;
        this.pool = pool;
    }

    /** For a failure (null response) or a small answer, the event loop; otherwise the pool. */
    Executor forAnswer(InferenceResponse response) {
        if (response == null) {
            return eventLoop;
        }
        long bytes = 0;
        for (Tensor output : response.outputs()) {
            bytes += output.byteSize();
        }
        return bytes <= EVENT_LOOP_LIMIT ? eventLoop : pool;
    }
}
