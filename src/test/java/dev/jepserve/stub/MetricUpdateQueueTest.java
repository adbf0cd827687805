package dev.jepserve.stub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jepserve.metrics.MetricsLink.UpdateKind;
import dev.jepserve.stub.proto.MetricUpdate;
import dev.jepserve.stub.proto.MetricUpdate.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricUpdateQueueTest {
    @Test
    void repeatedIncrementsAndSetsOfOneSeriesFoldIntoOneEntry() {
        MetricUpdateQueue queue = new MetricUpdateQueue();
        for (int i = 0; i < 1000; i++) {
            queue.add(7, UpdateKind.INCREMENT, 2.0);
        }
        queue.add(8, UpdateKind.SET, 1.0);
        queue.add(8, UpdateKind.SET, 5.0);

        List<MetricUpdate> updates = queue.drain().getUpdatesList();

        assertThat(updates).hasSize(2);
        assertThat(updates.get(0).getSeries()).isEqualTo(7);
        assertThat(updates.get(0).getOperation()).isEqualTo(Operation.INCREMENT);
        assertThat(updates.get(0).getValue()).isEqualTo(2000.0);
        assertThat(updates.get(1).getOperation()).isEqualTo(Operation.SET);
        assertThat(updates.get(1).getValue()).isEqualTo(5.0);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void interleavedAndUnfoldableUpdatesKeepTheirOrder() {
        MetricUpdateQueue queue = new MetricUpdateQueue();
        queue.add(1, UpdateKind.INCREMENT, 1.0);
        queue.add(2, UpdateKind.INCREMENT, 1.0);
        queue.add(1, UpdateKind.INCREMENT, 1.0);
        queue.add(3, UpdateKind.OBSERVE, 0.5);
        queue.add(3, UpdateKind.OBSERVE, 0.5);
        queue.add(4, UpdateKind.SET, 2.0);
        queue.add(4, UpdateKind.INCREMENT, 1.0);
        queue.add(4, UpdateKind.RELEASE, 0.0);
        for (int i = 0; i < 40; i++) { // beyond the initial capacity
            queue.add(100 + i, UpdateKind.INCREMENT, i);
        }

        List<MetricUpdate> updates = queue.drain().getUpdatesList();

        assertThat(updates).hasSize(48);
        assertThat(updates.subList(0, 8)).extracting(MetricUpdate::getSeries).containsExactly(1L, 2L, 1L, 3L, 3L,
                4L, 4L, 4L);
        assertThat(updates.subList(0, 8)).extracting(MetricUpdate::getOperation).containsExactly(Operation.INCREMENT,
                Operation.INCREMENT, Operation.INCREMENT, Operation.OBSERVE, Operation.OBSERVE, Operation.SET,
                Operation.INCREMENT, Operation.RELEASE);
        assertThat(updates.get(47).getSeries()).isEqualTo(139L);
        assertThat(updates.get(47).getValue()).isEqualTo(39.0);
        assertThat(queue.drain().getUpdatesCount()).isZero();
    }
}
