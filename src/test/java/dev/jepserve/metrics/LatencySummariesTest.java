package dev.jepserve.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencySummariesTest {

    @Test
    void summariesPrintAsTritonsWithTheConfiguredQuantiles() {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults().withConfig(List.of(
                "summary_latencies=true", "summary_quantiles=0.5:0.05,0.9:0.01")));
        ModelMetrics model = registry.registerModel("simple", "1");
        model.requestSucceeded(1, 59_877_000, 473_000, 316_000, 58_653_000, 404_000);

        String scrape = registry.scrape();
        assertThat(scrape).contains(String.join("\n",
                "# HELP nv_inference_request_summary_us Summary of inference request duration in microseconds "
                        + "(includes cached requests)",
                "# TYPE nv_inference_request_summary_us summary",
                "nv_inference_request_summary_us_count{model=\"simple\",version=\"1\"} 1",
                "nv_inference_request_summary_us_sum{model=\"simple\",version=\"1\"} 59877",
                "nv_inference_request_summary_us{model=\"simple\",version=\"1\",quantile=\"0.5\"} 59877",
                "nv_inference_request_summary_us{model=\"simple\",version=\"1\",quantile=\"0.9\"} 59877",
                "# HELP nv_inference_queue_summary_us"));
        assertThat(scrape).contains("nv_inference_compute_infer_summary_us_sum{model=\"simple\",version=\"1\"} 58653");
        assertThat(scrape).doesNotContain("_created");
        // Triton's order: request, queue, compute input, infer, output; after every other kind.
        assertThat(scrape.indexOf("nv_inference_request_summary_us"))
                .isGreaterThan(scrape.indexOf("nv_inference_pending_request_count"))
                .isLessThan(scrape.indexOf("nv_inference_queue_summary_us"));
        assertThat(scrape.indexOf("nv_inference_compute_input_summary_us"))
                .isLessThan(scrape.indexOf("nv_inference_compute_infer_summary_us"));
        assertThat(scrape.indexOf("nv_inference_compute_infer_summary_us"))
                .isLessThan(scrape.indexOf("nv_inference_compute_output_summary_us"));

        model.close();
        assertThat(registry.scrape()).doesNotContain("summary_us");
    }

    @Test
    void noSummariesByDefault() {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
        registry.registerModel("simple", "1").requestSucceeded(1, 1000, 0, 0, 0, 0);
        assertThat(registry.scrape()).doesNotContain("summary");
    }

    @Test
    void pinnedMemoryPoolIsTwoGaugesWithoutLabels() {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
        registry.reportPinnedMemoryPool(268435456L);
        assertThat(registry.scrape()).contains(String.join("\n",
                "# HELP nv_pinned_memory_pool_total_bytes Pinned memory pool total memory size, in bytes",
                "# TYPE nv_pinned_memory_pool_total_bytes gauge",
                "nv_pinned_memory_pool_total_bytes 268435456",
                "# HELP nv_pinned_memory_pool_used_bytes Pinned memory pool used memory size, in bytes",
                "# TYPE nv_pinned_memory_pool_used_bytes gauge",
                "nv_pinned_memory_pool_used_bytes 0", ""));
    }

    @Test
    void jvmMetricsOnlyWhenAskedFor() {
        assertThat(new MetricsRegistry(MetricsOptions.defaults()).scrape()).doesNotContain("jvm_");
        String scrape = new MetricsRegistry(MetricsOptions.defaults().withConfig("jvm_metrics=true")).scrape();
        assertThat(scrape).contains("# TYPE jvm_memory_bytes_used gauge", "jvm_threads_current ",
                "process_cpu_seconds");
    }
}
