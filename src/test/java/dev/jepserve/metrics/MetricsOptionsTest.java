package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsOptionsTest {

    @Test
    void defaultsMatchTriton() {
        MetricsOptions options = MetricsOptions.defaults();

        assertThat(options.enabled()).isTrue();
        assertThat(options.intervalMs()).isEqualTo(2000.0);
        assertThat(options.histogramLatencies()).isFalse();
        assertThat(options.counterLatencies()).isTrue();
    }

    @Test
    void metricsConfigEntriesApplyInOrder() {
        MetricsOptions options = MetricsOptions.defaults().withConfig(List.of(
                "histogram_latencies=true", "counter_latencies=false", "counter_latencies=ON",
                "summary_latencies=false", "summary_quantiles=0.5:0.05,0.9:0.01"));

        assertThat(options.histogramLatencies()).isTrue();
        assertThat(options.counterLatencies()).isTrue();
    }

    @Test
    void badEntriesAreRejected() {
        MetricsOptions options = MetricsOptions.defaults();

        assertThatThrownBy(() -> options.withConfig("no_such_setting=true"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no_such_setting");
        assertThatThrownBy(() -> options.withConfig("histogram_latencies")).hasMessageContaining("<setting>=<value>");
        assertThatThrownBy(() -> options.withConfig("histogram_latencies=maybe")).hasMessageContaining("maybe");
        assertThatThrownBy(() -> options.withConfig("summary_latencies=perhaps")).hasMessageContaining("perhaps");
    }

    @Test
    void summariesQuantilesAndJvmMetricsAreRead() {
        MetricsOptions defaults = MetricsOptions.defaults();
        assertThat(defaults.summaryLatencies()).isFalse();
        assertThat(defaults.summaryQuantiles()).extracting(MetricsOptions.Quantile::quantile)
                .containsExactly(0.5, 0.9, 0.95, 0.99, 0.999);

        MetricsOptions options = defaults.withConfig(List.of("summary_latencies=true",
                "summary_quantiles=0.25:0.01,0.75:0.02", "jvm_metrics=on"));
        assertThat(options.summaryLatencies()).isTrue();
        assertThat(options.summaryQuantiles()).containsExactly(new MetricsOptions.Quantile(0.25, 0.01),
                new MetricsOptions.Quantile(0.75, 0.02));
        assertThat(options.jvmMetrics()).isTrue();
        assertThatThrownBy(() -> defaults.withConfig("summary_quantiles=0.5")).hasMessageContaining("<quantile>:<error>");
        assertThatThrownBy(() -> defaults.withConfig("summary_quantiles=1.5:0.1")).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> defaults.withConfig("summary_quantiles=a:b")).hasMessageContaining("numbers");
    }

    @Test
    void intervalAndEnabledCanBeChanged() {
        MetricsOptions options = MetricsOptions.defaults().withIntervalMs(250.5).withEnabled(false);

        assertThat(options.intervalMs()).isEqualTo(250.5);
        assertThat(options.enabled()).isFalse();
        assertThatThrownBy(() -> options.withIntervalMs(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.withIntervalMs(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
