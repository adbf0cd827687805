package dev.jepserve.inference;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The direct buffer a request's input tensors were decoded into, when it came from an {@link InputBufferPool}:
 * the request's scheduler gives it back ({@link #release()}) once the request had its final answer and no
 * execution reads its inputs any more. An instance that lets its inputs outlive the execution (in-process Python
 * arrays are views of this memory and a model may keep them) makes it {@link #keep()} the buffer instead: it is
 * then never reused and the GC frees it. Requests built elsewhere (BLS, ensemble steps, the Java API) have
 * {@link #NONE}.
 */
public final class InputMemory {
    /** Tensors that own their bytes: nothing to give back. */
    public static final InputMemory NONE = new InputMemory(null, null);

    private static final int OPEN = 0;
    private static final int RELEASED = 1;
    private static final int KEPT = 2;

    /** Null when the buffer is not pooled. */
    private final InputBufferPool pool;
    private final ByteBuffer buffer;
    private final AtomicInteger state = new AtomicInteger(OPEN);

    InputMemory(InputBufferPool pool, ByteBuffer buffer) {
        this.pool = pool;
        this.buffer = buffer;
    }

    /** The buffer to decode into (position 0, limit the leased size). */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Nothing reads the inputs any more: the buffer goes back to its pool (once; not after {@link #keep()}). */
    public void release() {
        if (pool != null && state.compareAndSet(OPEN, RELEASED)) {
            pool.giveBack(buffer);
        }
    }

    /** The inputs were handed to code that may hold them indefinitely: the buffer is never reused. */
    public void keep() {
        state.compareAndSet(OPEN, KEPT);
    }
}
