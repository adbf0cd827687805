package dev.jepserve.python;

import dev.jepserve.inference.OutputLease;

import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.List;

/**
 * A response's output buffers that are views of memory a stub reuses once {@link #lease()} is released (its
 * shared-memory output region). {@link BorderCallbacks#send} takes them over: it hands them on borrowed to a sink
 * that releases responses, copies them for any other sink, and releases the lease on every path that drops them.
 */
public final class LeasedBuffers extends AbstractList<ByteBuffer> {
    private final List<ByteBuffer> views;
    private final OutputLease lease;

    public LeasedBuffers(List<ByteBuffer> views, OutputLease lease) {
        this.views = List.copyOf(views);
        this.lease = lease;
    }

    public OutputLease lease() {
        return lease;
    }

    @Override
    public ByteBuffer get(int index) {
        return views.get(index);
    }

    @Override
    public int size() {
        return views.size();
    }
}
