package dev.jepserve.inference;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class InputBufferPoolTest {
    private static final int MB = 1 << 20;

    @Test
    void aReleasedBufferServesTheNextLeaseOfItsSizeClass() {
        InputBufferPool pool = new InputBufferPool(64L * MB);
        InputMemory first = pool.lease(3 * MB);
        ByteBuffer buffer = first.buffer();
        assertThat(buffer.isDirect()).isTrue();
        assertThat(buffer.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(buffer.position()).isZero();
        assertThat(buffer.limit()).isEqualTo(3 * MB);
        assertThat(buffer.capacity()).as("the size, in 64 KiB steps").isEqualTo(3 * MB);
        first.release();
        assertThat(pool.idleBytes()).isEqualTo(3L * MB);

        InputMemory second = pool.lease(3 * MB - 5);
        assertThat(second.buffer()).as("the same buffer again").isSameAs(buffer);
        assertThat(second.buffer().limit()).isEqualTo(3 * MB - 5);
        assertThat(pool.idleBytes()).isZero();
        second.release();
        assertThat(pool.lease(3 * MB + 1).buffer()).as("too small").isNotSameAs(buffer);
        assertThat(pool.lease(MB).buffer()).as("more than twice the size").isNotSameAs(buffer);
        assertThat(pool.lease(2 * MB).buffer()).as("at most twice the size").isSameAs(buffer);
    }

    @Test
    void aBufferIsGivenBackOnceAndNeverAfterItWasKept() {
        InputBufferPool pool = new InputBufferPool(64L * MB);
        InputMemory released = pool.lease(MB);
        released.release();
        released.release();
        released.keep();
        assertThat(pool.idleBytes()).isEqualTo(MB);

        InputMemory kept = pool.lease(MB);
        kept.keep();
        kept.release();
        assertThat(pool.idleBytes()).as("a kept buffer may still be read: not reused").isZero();
        assertThat(pool.lease(MB).buffer()).isNotSameAs(kept.buffer());
    }

    @Test
    void idleBuffersStayWithinTheBudgetAndSmallOnesAreNotPooled() {
        InputBufferPool pool = new InputBufferPool(2L * MB);
        InputMemory a = pool.lease(MB);
        InputMemory b = pool.lease(MB);
        InputMemory c = pool.lease(MB);
        a.release();
        b.release();
        c.release();
        assertThat(pool.idleBytes()).isEqualTo(2L * MB);

        InputMemory small = pool.lease(InputBufferPool.SMALLEST_POOLED - 1);
        small.release();
        assertThat(pool.idleBytes()).isEqualTo(2L * MB);
        assertThat(InputMemory.NONE.buffer()).isNull();
        InputMemory.NONE.release();

        InputBufferPool unpooled = InputBufferPool.unpooled();
        InputMemory once = unpooled.lease(MB);
        once.release();
        assertThat(unpooled.idleBytes()).isZero();
        assertThat(unpooled.lease(MB).buffer()).isNotSameAs(once.buffer());
    }
}
