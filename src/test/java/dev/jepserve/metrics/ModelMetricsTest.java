package dev.jepserve.metrics;

import dev.jepserve.inference.FailureReason;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelMetricsTest {
    private static final String LABELS = "{model=\"simple\",version=\"1\"}";

    @Test
    void registeringAModelCreatesEverySeriesAtZero() {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
        registry.registerModel("simple", "1");

        assertThat(registry.scrape()).isEqualTo(String.join("\n",
                "# HELP nv_inference_request_success Number of successful inference requests, all batch sizes",
                "# TYPE nv_inference_request_success counter",
                "nv_inference_request_success" + LABELS + " 0",
                "# HELP nv_inference_request_failure Number of failed inference requests, all batch sizes",
                "# TYPE nv_inference_request_failure counter",
                "nv_inference_request_failure{model=\"simple\",reason=\"REJECTED\",version=\"1\"} 0",
                "nv_inference_request_failure{model=\"simple\",reason=\"CANCELED\",version=\"1\"} 0",
                "nv_inference_request_failure{model=\"simple\",reason=\"BACKEND\",version=\"1\"} 0",
                "nv_inference_request_failure{model=\"simple\",reason=\"OTHER\",version=\"1\"} 0",
                "# HELP nv_inference_count Number of inferences performed (does not include cached requests)",
                "# TYPE nv_inference_count counter",
                "nv_inference_count" + LABELS + " 0",
                "# HELP nv_inference_exec_count Number of model executions performed (does not include cached "
                        + "requests)",
                "# TYPE nv_inference_exec_count counter",
                "nv_inference_exec_count" + LABELS + " 0",
                "# HELP nv_inference_request_duration_us Cumulative inference request duration in microseconds "
                        + "(includes cached requests)",
                "# TYPE nv_inference_request_duration_us counter",
                "nv_inference_request_duration_us" + LABELS + " 0",
                "# HELP nv_inference_queue_duration_us Cumulative inference queuing duration in microseconds "
                        + "(includes cached requests)",
                "# TYPE nv_inference_queue_duration_us counter",
                "nv_inference_queue_duration_us" + LABELS + " 0",
                "# HELP nv_inference_compute_input_duration_us Cumulative compute input duration in microseconds "
                        + "(does not include cached requests)",
                "# TYPE nv_inference_compute_input_duration_us counter",
                "nv_inference_compute_input_duration_us" + LABELS + " 0",
                "# HELP nv_inference_compute_infer_duration_us Cumulative compute inference duration in microseconds "
                        + "(does not include cached requests)",
                "# TYPE nv_inference_compute_infer_duration_us counter",
                "nv_inference_compute_infer_duration_us" + LABELS + " 0",
                "# HELP nv_inference_compute_output_duration_us Cumulative inference compute output duration in "
                        + "microseconds (does not include cached requests)",
                "# TYPE nv_inference_compute_output_duration_us counter",
                "nv_inference_compute_output_duration_us" + LABELS + " 0",
                "# HELP nv_inference_pending_request_count Instantaneous number of pending requests awaiting "
                        + "execution per-model.",
                "# TYPE nv_inference_pending_request_count gauge",
                "nv_inference_pending_request_count" + LABELS + " 0",
                "# HELP nv_model_load_duration_secs Model load time in seconds",
                "# TYPE nv_model_load_duration_secs gauge",
                "nv_model_load_duration_secs" + LABELS + " 0",
                ""));
    }

    @Test
    void updatesReachTheirFamilies() {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
        ModelMetrics model = registry.registerModel("simple", "1");

        model.requestSucceeded(4, 2_500_999, 1_000, 1_999, 3_000_000, 999);
        model.requestSucceeded(1, 1_000, 0, 0, 0, 0);
        model.requestFailed(FailureReason.BACKEND, 7_000);
        model.executed();
        model.pendingChanged(3);
        model.pendingChanged(-1);
        model.loadDuration(0.412);

        assertThat(registry.scrape()).contains(
                "nv_inference_request_success" + LABELS + " 2\n",
                "nv_inference_request_failure{model=\"simple\",reason=\"BACKEND\",version=\"1\"} 1\n",
                "nv_inference_request_failure{model=\"simple\",reason=\"OTHER\",version=\"1\"} 0\n",
                "nv_inference_count" + LABELS + " 5\n",
                "nv_inference_exec_count" + LABELS + " 1\n",
                // whole microseconds per request: 2500 + 1 + 7
                "nv_inference_request_duration_us" + LABELS + " 2508\n",
                "nv_inference_queue_duration_us" + LABELS + " 1\n",
                "nv_inference_compute_input_duration_us" + LABELS + " 1\n",
                "nv_inference_compute_infer_duration_us" + LABELS + " 3000\n",
                "nv_inference_compute_output_duration_us" + LABELS + " 0\n",
                "nv_inference_pending_request_count" + LABELS + " 2\n",
                "nv_model_load_duration_secs" + LABELS + " 0.412\n");
    }

    @Test
    void closeRemovesTheModelsSeriesOnly() {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
        ModelMetrics gone = registry.registerModel("gone", "1");
        ModelMetrics stays = registry.registerModel("stays", "2");
        stays.executed();

        gone.close();
        gone.close();

        assertThat(registry.scrape()).doesNotContain("gone")
                .contains("nv_inference_exec_count{model=\"stays\",version=\"2\"} 1\n");
        stays.close();
        assertThat(registry.scrape()).isEmpty();
    }

    @Test
    void reloadingTheSameVersionKeepsCountingUntilTheLastCopyCloses() {
        MetricsRegistry registry = new MetricsRegistry(MetricsOptions.defaults());
        ModelMetrics old = registry.registerModel("m", "1");
        old.executed();
        ModelMetrics reloaded = registry.registerModel("m", "1");
        old.close();
        reloaded.executed();

        assertThat(registry.scrape()).contains("nv_inference_exec_count{model=\"m\",version=\"1\"} 2\n");
    }

    @Test
    void firstResponseHistogramOnlyWithHistogramLatencies() {
        MetricsRegistry plain = new MetricsRegistry(MetricsOptions.defaults());
        plain.registerModel("m", "1").firstResponse(1_000_000);
        assertThat(plain.scrape()).doesNotContain("nv_inference_first_response_histogram_ms");

        MetricsRegistry withHistograms = new MetricsRegistry(
                MetricsOptions.defaults().withConfig(List.of("histogram_latencies=true")));
        ModelMetrics model = withHistograms.registerModel("m", "1");
        model.firstResponse(250_000_000);
        model.firstResponse(1_500_000);

        String labels = "model=\"m\",version=\"1\"";
        assertThat(withHistograms.scrape()).endsWith(String.join("\n",
                "# HELP nv_inference_first_response_histogram_ms Duration from request to first response in "
                        + "milliseconds",
                "# TYPE nv_inference_first_response_histogram_ms histogram",
                "nv_inference_first_response_histogram_ms_count{" + labels + "} 2",
                "nv_inference_first_response_histogram_ms_sum{" + labels + "} 251.5",
                "nv_inference_first_response_histogram_ms_bucket{" + labels + ",le=\"100\"} 1",
                "nv_inference_first_response_histogram_ms_bucket{" + labels + ",le=\"500\"} 2",
                "nv_inference_first_response_histogram_ms_bucket{" + labels + ",le=\"2000\"} 2",
                "nv_inference_first_response_histogram_ms_bucket{" + labels + ",le=\"5000\"} 2",
                "nv_inference_first_response_histogram_ms_bucket{" + labels + ",le=\"+Inf\"} 2",
                ""));
    }

    @Test
    void counterLatenciesOffDropsTheDurationCounters() {
        MetricsRegistry registry = new MetricsRegistry(
                MetricsOptions.defaults().withConfig(List.of("counter_latencies=false")));
        ModelMetrics model = registry.registerModel("m", "1");
        model.requestSucceeded(1, 5_000, 5_000, 5_000, 5_000, 5_000);
        model.requestFailed(FailureReason.OTHER, 5_000);

        assertThat(registry.scrape()).doesNotContain("_duration_us")
                .contains("nv_inference_request_success{model=\"m\",version=\"1\"} 1\n");
    }
}
