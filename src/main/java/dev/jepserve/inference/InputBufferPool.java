package dev.jepserve.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentSkipListMap;
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
    /** Capacities are sizes rounded up to this, so requests of one shape find each other's buffers. */
    private static final int GRANULE = 64 * 1024;

    private final long idleBudgetBytes;
    private final AtomicLong idleBytes = new AtomicLong();
    /** Idle buffers by capacity. */
    private final ConcurrentSkipListMap<Integer, ConcurrentLinkedDeque<ByteBuffer>> idle = new ConcurrentSkipListMap<>();

    /** @param idleBudgetBytes the most bytes kept in idle buffers; 0 pools nothing */
    public InputBufferPool(long idleBudgetBytes) {
        this.idleBudgetBytes = idleBudgetBytes;
    }

    /** A pool that keeps nothing: every lease is a new direct buffer. */
    public static InputBufferPool unpooled() {
        return new InputBufferPool(0);
    }

    /**
     * Memory for {@code size} bytes of inputs: a little-endian direct buffer positioned at 0 with limit {@code size}
     * (its contents are not cleared), in the request's {@link InputMemory}. An idle buffer of at most twice the
     * size is reused; otherwise a new one is allocated with the size rounded up to 64 KiB only (a buffer that an
     * in-process model keeps is never reused, so it should not be larger than needed).
     */
    public InputMemory lease(int size) {
        if (size < SMALLEST_POOLED || idleBudgetBytes == 0) {
            return new InputMemory(null, ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN));
        }
        int capacity = (int) Math.min(Integer.MAX_VALUE, ((long) size + GRANULE - 1) / GRANULE * GRANULE);
        ByteBuffer buffer = reuse(capacity);
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(capacity);
        }
        return new InputMemory(this, buffer.clear().limit(size).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** An idle buffer holding at least {@code capacity} bytes and at most twice that, taken; null when none. */
    private ByteBuffer reuse(int capacity) {
        for (Map.Entry<Integer, ConcurrentLinkedDeque<ByteBuffer>> entry
                : idle.subMap(capacity, true, (int) Math.min(Integer.MAX_VALUE, 2L * capacity), true).entrySet()) {
            ByteBuffer reused = entry.getValue().pollFirst();
            if (reused != null) {
                idleBytes.addAndGet(-reused.capacity());
                return reused;
            }
        }
        return null;
    }

    /** Takes a buffer back; beyond the budget it is left to the GC. */
    void giveBack(ByteBuffer buffer) {
        int capacity = buffer.capacity();
        if (idleBytes.addAndGet(capacity) > idleBudgetBytes) {
            idleBytes.addAndGet(-capacity);
            return;
        }
        // Last in, first out: the most recently used buffer has the warmest pages.
        idle.computeIfAbsent(capacity, key -> new ConcurrentLinkedDeque<>()).addFirst(buffer);
    }

    /** Bytes held in idle buffers. */
    long idleBytes() {
        return idleBytes.get();
    }
}
