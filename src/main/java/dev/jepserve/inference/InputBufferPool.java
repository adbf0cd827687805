package dev.jepserve.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers that the front ends decode large request inputs into, reused from request to request.
 *
 * <p>Why: a fresh direct buffer costs far more than the copy into it. The JDK zeroes it, the kernel faults in
 * and zeroes every page again, and the memory goes back only when the GC runs. A 4 MB gRPC request spent a
 * fifth of its event-loop time there (about 2,000 page faults per request). A reused buffer is already mapped.
 *
 * <p>Buffers from {@link #lease} come back through {@link InputMemory#release()}, once nothing reads the
 * request's inputs any more. A buffer that never comes back (a request refused before it was scheduled, inputs
 * handed to in-process Python) is left to the GC as before. A decoder must write every byte of a leased
 * buffer up to its limit, since a reused buffer still holds an earlier request's bytes. Small sizes are not
 * pooled: malloc reuses small blocks anyway. Idle buffers are kept up to a byte budget.
 */
public final class InputBufferPool {
    /** Smaller buffers are plain direct buffers. */
    static final int SMALLEST_POOLED = 256 * 1024;
    private static final int CLASSES = Integer.SIZE - Integer.numberOfLeadingZeros(Integer.MAX_VALUE / SMALLEST_POOLED);

    private final long idleBudgetBytes;
    private final AtomicLong idleBytes = new AtomicLong();
    /** Idle buffers by size class: class k holds buffers of capacity SMALLEST_POOLED << k. */
    private final ConcurrentLinkedDeque<ByteBuffer>[] idle;

    /** @param idleBudgetBytes the most bytes kept in idle buffers; 0 pools nothing */
    @SuppressWarnings("unchecked")
    public InputBufferPool(long idleBudgetBytes) {
        this.idleBudgetBytes = idleBudgetBytes;
        this.idle = new ConcurrentLinkedDeque[CLASSES];
        for (int i = 0; i < CLASSES; i++) {
            idle[i] = new ConcurrentLinkedDeque<>();
        }
    }

    /** A pool that keeps nothing: every lease is a new direct buffer. */
    public static InputBufferPool unpooled() {
        return new InputBufferPool(0);
    }

    /**
     * Memory for {@code size} bytes of inputs: a little-endian direct buffer positioned at 0 with limit {@code size}
     * (its contents are not cleared), in the request's {@link InputMemory}.
     */
    public InputMemory lease(int size) {
        int sizeClass = sizeClass(size);
        if (sizeClass < 0 || idleBudgetBytes == 0) {
            return new InputMemory(null, ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN));
        }
        ByteBuffer reused = idle[sizeClass].pollFirst();
        ByteBuffer buffer;
        if (reused != null) {
            idleBytes.addAndGet(-reused.capacity());
            buffer = reused.clear().limit(size);
        } else {
            buffer = ByteBuffer.allocateDirect(SMALLEST_POOLED << sizeClass).limit(size);
        }
        return new InputMemory(this, buffer.order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Takes a buffer back; beyond the budget it is left to the GC. */
    void giveBack(ByteBuffer buffer) {
        int capacity = buffer.capacity();
        if (idleBytes.addAndGet(capacity) > idleBudgetBytes) {
            idleBytes.addAndGet(-capacity);
            return;
        }
        // Last in, first out: the most recently used buffer has the warmest pages.
        idle[sizeClass(capacity)].addFirst(buffer);
    }

    /** Bytes held in idle buffers. */
    long idleBytes() {
        return idleBytes.get();
    }

    /** The class whose capacity is the smallest power-of-two multiple of SMALLEST_POOLED holding size; -1: unpooled. */
    private static int sizeClass(int size) {
        if (size < SMALLEST_POOLED) {
            return -1;
        }
        int units = (int) ((size + (long) SMALLEST_POOLED - 1) / SMALLEST_POOLED);
        int sizeClass = Integer.SIZE - Integer.numberOfLeadingZeros(units - 1);
        return sizeClass < CLASSES ? sizeClass : -1;
    }
}
