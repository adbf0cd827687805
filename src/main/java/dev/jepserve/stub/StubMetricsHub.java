package dev.jepserve.stub;

import dev.jepserve.metrics.MetricCells;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import dev.jepserve.metrics.CustomMetrics;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Custom metrics of every stub process: connects each new stub to the server's registry, and before a scrape
 * has every live stub send the updates it still queues, so /metrics shows what models did up to that moment.
 */
public final class StubMetricsHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StubMetricsHub.class);

    private final CustomMetrics registry;
    private final Set<StubMetricsHandler> live = ConcurrentHashMap.newKeySet();
    /** The shared table of counter and gauge values, made with the first stub; empty when it could not be. */
    private Optional<MetricCells> cells;

    public StubMetricsHub(CustomMetrics registry) {
        this.registry = registry;
    }

    /**
     * The file of the shared value table every stub maps (made on first use; the registry keeps new counter and
     * gauge values there from then on), or empty when it cannot be made: stubs then send every update.
     */
    synchronized Optional<Path> metricCellsFile() {
        if (cells == null) {
            Path file = StubRegions.metricCellsFile();
            try {
                MetricCells table = MetricCells.create(file, MetricCells.DEFAULT_CAPACITY);
                registry.shareValuesThrough(table);
                cells = Optional.of(table);
            } catch (IOException e) {
                LOG.warn("custom metrics of stub processes go through messages: the shared value table {} could "
                        + "not be made ({})", file.getFileName(), e.getMessage());
                cells = Optional.empty();
            }
        }
        return cells.map(MetricCells::file);
    }

    /** Removes the shared table's file (the server is stopping). */
    @Override
    public synchronized void close() {
        if (cells != null) {
            cells.ifPresent(MetricCells::close);
        }
    }

    /** Handles a new stub's metric messages; passes the rest to {@code next}. */
    StubProcess.Listener attach(StubProcess stub, StubProcess.Listener next) {
        StubMetricsHandler handler = new StubMetricsHandler(registry, stub, next, live::remove);
        live.add(handler);
        return handler;
    }

    /** Waits (at most the timeout) until every live stub sent its queued updates. */
    public void flushAll(long timeoutMillis) {
        List<CompletableFuture<Void>> flushes = live.stream().map(StubMetricsHandler::flush).toList();
        if (flushes.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(flushes.toArray(CompletableFuture[]::new)).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a stub that does not answer in time shows its earlier updates; the scrape goes on
        }
    }
}
