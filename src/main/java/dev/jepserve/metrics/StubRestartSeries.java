package dev.jepserve.metrics;

import dev.jepserve.stub.RestartCounter;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code nv_jepserve_stub_restart_count{instance="<instance>",model="<model>",version="<n>"}}: restarts of one
 * model instance's stub process, from 0 at load until the instance unloads.
 */
public final class StubRestartSeries implements RestartCounter {
    private final FamilyCollector family;
    private final Series series;
    private final AtomicBoolean closed = new AtomicBoolean();

    StubRestartSeries(FamilyCollector family, String model, String version, String instance) {
        this.family = family;
        this.series = family.acquire(LabelSet.of("instance", instance, "model", model, "version", version), null);
    }

    @Override
    public void restarted() {
        series.increment(1);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            family.release(series);
        }
    }
}
