package dev.jepserve.inference;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputLeaseTest {
    @Test
    void theMemoryIsFreedOnceWhenTheLastHolderReleases() {
        AtomicInteger freed = new AtomicInteger();
        OutputLease lease = new OutputLease(freed::incrementAndGet);
        lease.retain();
        lease.release();
        assertThat(freed).hasValue(0);
        lease.release();
        assertThat(freed).hasValue(1);
        assertThatThrownBy(lease::retain).isInstanceOf(IllegalStateException.class);
        assertThat(freed).hasValue(1);
    }

    @Test
    void aResponseReleasesTheLeaseItsOutputsShareOnce() {
        AtomicInteger freed = new AtomicInteger();
        OutputLease lease = new OutputLease(freed::incrementAndGet);
        lease.retain(); // someone else (a write in progress) still holds it
        Tensor a = new Tensor("A", DataType.UINT8, new long[] {1}, ByteBuffer.allocate(1), lease);
        Tensor b = new Tensor("B", DataType.UINT8, new long[] {1}, ByteBuffer.allocate(1), lease);
        InferenceResponse response = new InferenceResponse("m", "1", "", Map.of(), List.of(a, b));
        assertThat(response.isBorrowed()).isTrue();
        response.release();
        assertThat(freed).hasValue(0);
        lease.release();
        assertThat(freed).hasValue(1);
    }

    @Test
    void ownedOutputsHaveNothingToRelease() {
        InferenceResponse response = new InferenceResponse("m", "1", "", Map.of(),
                List.of(new Tensor("A", DataType.UINT8, new long[] {1}, ByteBuffer.allocate(1))));
        assertThat(response.isBorrowed()).isFalse();
        response.release();
    }
}
