package dev.jepserve.stub;

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
public final class StubMetricsHub {
    private final CustomMetrics registry;
    private final Set<StubMetricsHandler> live = ConcurrentHashMap.newKeySet();

    public StubMetricsHub(CustomMetrics registry) {
        this.registry = registry;
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
