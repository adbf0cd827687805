package dev.jepserve.stub;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Hands out space in one shared-memory region (first fit, neighbours merged when freed), growing the region in
 * {@code shm-growth-byte-size} steps up to the ceiling. Used by the region's one writer: the server for inputs,
 * the stub for outputs.
 */
final class RegionAllocator {
    private static final long ALIGNMENT = 64;

    private final SharedRegion region;
    private final SharedMemorySettings settings;
    /** Free blocks: offset to length. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    /** Blocks in use: offset to the length asked for. */
    private final Map<Long, Long> used = new HashMap<>();
    private long capacity;

    RegionAllocator(SharedRegion region, SharedMemorySettings settings) throws IOException {
        this.region = region;
        this.settings = settings;
        this.capacity = region.size();
        if (capacity > 0) {
            free.put(0L, capacity);
        }
    }

    SharedRegion region() {
        return region;
    }

    /**
     * Space for {@code length} bytes (at least 1).
     *
     * @return its offset
     * @throws RegionFullException with Triton's text when the region cannot grow enough
     */
    synchronized long allocate(long length) throws RegionFullException {
        long size = Math.max(ALIGNMENT, (length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
        Long offset = firstFit(size);
        if (offset == null) {
            grow(size);
            offset = firstFit(size);
        }
        long block = free.remove(offset);
        if (block > size) {
            free.put(offset + size, block - size);
        }
        used.put(offset, length);
        return offset;
    }

    /**
     * Like {@link #allocate(long)}, but when the region is full while blocks are in use, waits up to
     * {@code waitNanos} for some to be freed and tries again. The stub allocates outputs this way: the server's
     * word that it wrote earlier outputs out comes on the stub's control connection, and may still be on its
     * way when the next request's outputs need the space.
     */
    synchronized long allocate(long length, long waitNanos) throws RegionFullException {
        long deadline = System.nanoTime() + waitNanos;
        while (true) {
            try {
                return allocate(length);
            } catch (RegionFullException full) {
                long left = deadline - System.nanoTime();
                if (used.isEmpty() || length > settings.maxByteSize() || left <= 0) {
                    throw full;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw full;
                }
            }
        }
    }

    /** Gives the space at {@code offset} back; an unknown offset is ignored. */
    synchronized void free(long offset) {
        Long length = used.remove(offset);
        if (length == null) {
            return;
        }
        long start = offset;
        long size = Math.max(ALIGNMENT, (length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
        Map.Entry<Long, Long> before = free.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() == start) {
            start = before.getKey();
            size += before.getValue();
            free.remove(start);
        }
        Long after = free.remove(start + size);
        if (after != null) {
            size += after;
        }
        free.put(start, size);
        notifyAll();
    }

    synchronized long lengthOf(long offset) {
        Long length = used.get(offset);
        return length == null ? -1 : length;
    }

    synchronized long capacity() {
        return capacity;
    }

    synchronized int blocksInUse() {
        return used.size();
    }

    private Long firstFit(long size) {
        for (Map.Entry<Long, Long> block : free.entrySet()) {
            if (block.getValue() >= size) {
                return block.getKey();
            }
        }
        return null;
    }

    /** Grows the region so that a block of {@code size} fits at its end (merged with a free block there). */
    private void grow(long size) throws RegionFullException {
        Map.Entry<Long, Long> last = free.lastEntry();
        long tail = last != null && last.getKey() + last.getValue() == capacity ? last.getValue() : 0;
        long missing = size - tail;
        long step = settings.growthByteSize();
        long grown = capacity + (missing + step - 1) / step * step;
        if (grown > settings.maxByteSize()) {
            throw new RegionFullException("Failed to increase the shared memory pool size for key '" + region.key()
                    + "' to " + grown + " bytes: the limit is " + settings.maxByteSize()
                    + " bytes (--backend-config python," + SharedMemorySettings.MAX_SETTING + "=" + settings.maxByteSize()
                    + ")");
        }
        try {
            region.growTo(grown);
        } catch (IOException e) {
            throw new RegionFullException("Failed to increase the shared memory pool size for key '" + region.key()
                    + "' to " + grown + " bytes. Error: " + e.getMessage());
        }
        long start = tail > 0 ? last.getKey() : capacity;
        free.put(start, grown - start);
        capacity = grown;
    }
}
