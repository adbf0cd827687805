package dev.jepserve.http.codec;

import dev.jepserve.inference.OutputLease;
import dev.jepserve.inference.Tensor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;

import java.nio.ByteBuffer;

/**
 * A tensor's bytes as a Netty buffer without copying them: the socket write reads the tensor's own memory.
 * Borrowed bytes (a stub's shared-memory output region) keep their lease until Netty releases the buffer, that
 * is, until the write completed or failed, so the space is not reused while the write still reads it.
 */
final class TensorBytes {
    private TensorBytes() {
    }

    static ByteBuf wrap(Tensor tensor) {
        ByteBuffer data = tensor.data();
        OutputLease lease = tensor.lease();
        if (lease == null) {
            // Owned bytes live as long as the buffer references them (a heap array, or a direct buffer the GC frees).
            return Unpooled.wrappedBuffer(data);
        }
        if (!data.isDirect() || data.isReadOnly()) {
            return Unpooled.copiedBuffer(data); // not expected for leased memory; a copy is always safe
        }
        return new Leased(data, lease);
    }

    /** A view of leased memory that gives the lease back when Netty frees it. */
    private static final class Leased extends UnpooledDirectByteBuf {
        private final OutputLease lease;

        Leased(ByteBuffer view, OutputLease lease) {
            super(UnpooledByteBufAllocator.DEFAULT, view, view.remaining());
            lease.retain();
            this.lease = lease;
        }

        @Override
        protected void deallocate() {
            super.deallocate(); // does not free the view: the constructor marked it as not ours
            lease.release();
        }
    }
}
