package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StubRestartSeriesTest {
    @Test
    void countsRestartsPerInstanceFromZeroUntilTheInstanceUnloads() {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
        StubRestartSeries first = registry.registerStubRestarts("stub_crash", "1", "stub_crash_0_0");
        StubRestartSeries second = registry.registerStubRestarts("stub_crash", "1", "stub_crash_0_1");
        first.restarted();
        first.restarted();

        assertThat(registry.scrape()).isEqualTo(String.join("\n",
                "# HELP nv_jepserve_stub_restart_count Number of times the stub process of a model instance was "
                        + "restarted after it died or hung",
                "# TYPE nv_jepserve_stub_restart_count counter",
                "nv_jepserve_stub_restart_count{instance=\"stub_crash_0_0\",model=\"stub_crash\",version=\"1\"} 2",
                "nv_jepserve_stub_restart_count{instance=\"stub_crash_0_1\",model=\"stub_crash\",version=\"1\"} 0",
                ""));

        first.close();
        second.close();
        assertThat(registry.scrape()).isEmpty();
    }
}
