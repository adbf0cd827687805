package dev.jepserve.inference;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Output tensors that are views of memory someone else reuses (a stub's shared-memory output region): the
 * memory is given back when the last holder releases. A response's sink holds one reference; an encoder that
 * hands the views to the network takes its own ({@link #retain()}) and releases it when the write is done, so
 * the space is never reused while a write still reads it.
 */
public final class OutputLease {
    private final AtomicInteger references = new AtomicInteger(1);
    private final Runnable onFree;

    /** @param onFree runs once, when the last reference is released */
    public OutputLease(Runnable onFree) {
        this.onFree = onFree;
    }

    public void retain() {
        if (references.getAndIncrement() <= 0) {
            references.decrementAndGet();
            throw new IllegalStateException("the output lease was released already");
        }
    }

    public void release() {
        if (references.decrementAndGet() == 0) {
            onFree.run();
        }
    }

    /** Releases the leases of these tensors, each once (null when a tensor owns its bytes). */
    public static void releaseAll(Iterable<Tensor> tensors) {
        OutputLease last = null;
        for (Tensor tensor : tensors) {
            OutputLease lease = tensor.lease();
            if (lease != null && lease != last) {
                lease.release();
                last = lease;
            }
        }
    }
}
