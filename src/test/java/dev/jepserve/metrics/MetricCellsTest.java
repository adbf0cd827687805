package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared value table: what a server series holds, a second mapping (a stub's) updates and reads. */
class MetricCellsTest {
    private static final String[] NONE = new String[0];

    @TempDir
    Path dir;

    @Test
    void aSecondMappingSeesAndUpdatesTheSameValues() throws Exception {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
        try (MetricCells server = MetricCells.create(dir.resolve("cells"), 16)) {
            registry.customMetrics().shareValuesThrough(server);
            CustomSeries counter = registry.customMetrics().family("shared_total", "d", 0)
                    .series(new String[] {"model"}, new String[] {"m"}, null, "m_0");
            CustomSeries gauge = registry.customMetrics().family("shared_gauge", "d", 1).series(NONE, NONE, null, "m_0");
            assertThat(counter.sharedCell()).isNotEqualTo(gauge.sharedCell()).isGreaterThanOrEqualTo(0);

            MetricCells stub = MetricCells.open(server.file());
            ValueCell stubCounter = stub.cell(counter.sharedCell());
            counter.increment(2);
            stubCounter.add(3);
            assertThat(stubCounter.get()).isEqualTo(5.0);
            assertThat(counter.value()).isEqualTo(5.0);
            stub.cell(gauge.sharedCell()).set(-1.5);
            assertThat(gauge.value()).isEqualTo(-1.5);
            assertThat(registry.scrape()).contains("shared_total{model=\"m\"} 5").contains("shared_gauge -1.5");
        }
        assertThat(Files.exists(dir.resolve("cells"))).isFalse();
    }

    @Test
    void concurrentAddsThroughTwoMappingsAreNotLost() throws Exception {
        try (MetricCells server = MetricCells.create(dir.resolve("cells"), 4)) {
            MetricCells stub = MetricCells.open(server.file());
            MetricCells.Cell mine = server.allocate();
            ValueCell theirs = stub.cell(mine.index());
            ExecutorService threads = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                ValueCell through = t % 2 == 0 ? mine : theirs;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        through.add(1);
                    }
                }));
            }
            for (Future<?> each : done) {
                each.get();
            }
            threads.shutdown();
            assertThat(mine.get()).isEqualTo(40_000.0);
        }
    }

    @Test
    void freedCellsAreReusedOnlyAfterTheUnusedOnesAndStartAtZero() throws Exception {
        try (MetricCells cells = MetricCells.create(dir.resolve("cells"), 2)) {
            MetricCells.Cell first = cells.allocate();
            first.add(7);
            first.free();
            MetricCells.Cell second = cells.allocate();
            assertThat(second.index()).isNotEqualTo(first.index());
            MetricCells.Cell reused = cells.allocate();
            assertThat(reused.index()).isEqualTo(first.index());
            assertThat(reused.get()).isEqualTo(0.0);
            assertThat(cells.allocate()).isNull();
        }
    }

    @Test
    void seriesBeyondAFullTableKeepTheirValueOnTheHeap() throws Exception {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
        try (MetricCells cells = MetricCells.create(dir.resolve("cells"), 1)) {
            registry.customMetrics().shareValuesThrough(cells);
            CustomFamily family = registry.customMetrics().family("many_total", "d", 0);
            CustomSeries inTable = family.series(new String[] {"n"}, new String[] {"1"}, null, "o");
            CustomSeries onHeap = family.series(new String[] {"n"}, new String[] {"2"}, null, "o");
            assertThat(inTable.sharedCell()).isEqualTo(0);
            assertThat(onHeap.sharedCell()).isEqualTo(-1);
            onHeap.increment(4);
            assertThat(onHeap.value()).isEqualTo(4.0);
            // The last reference gone, the cell is free for the next series.
            inTable.release();
            assertThat(family.series(new String[] {"n"}, new String[] {"3"}, null, "o").sharedCell()).isEqualTo(0);
        }
    }
}
