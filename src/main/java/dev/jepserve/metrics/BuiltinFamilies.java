package dev.jepserve.metrics;

/**
 * Triton's built-in nv_* families, registered in Triton's order so the exposition lists them the same way.
 * The latency histogram and the duration counters exist only when the options ask for them.
 */
final class BuiltinFamilies {
    static final double[] DEFAULT_FIRST_RESPONSE_BUCKETS_MS = {100, 500, 2000, 5000};

    final FamilyCollector requestSuccess;
    final FamilyCollector requestFailure;
    final FamilyCollector inferenceCount;
    final FamilyCollector execCount;
    final FamilyCollector requestDuration;
    final FamilyCollector queueDuration;
    final FamilyCollector computeInputDuration;
    final FamilyCollector computeInferDuration;
    final FamilyCollector computeOutputDuration;
    final FamilyCollector pendingRequests;
    final FamilyCollector loadDuration;
    final FamilyCollector cpuUtilization;
    final FamilyCollector cpuMemoryTotal;
    final FamilyCollector cpuMemoryUsed;
    final FamilyCollector firstResponse;
    final FamilyCollector stubRestarts;
    final FamilyCollector pinnedTotal;
    final FamilyCollector pinnedUsed;
    /** Null unless summary_latencies=true. */
    final LatencySummaries summaries;

    BuiltinFamilies(FamilyCatalog catalog, MetricsOptions options) {
        summaries = options.summaryLatencies() ? new LatencySummaries(options.summaryQuantiles()) : null;
        requestSuccess = counter(catalog, "nv_inference_request_success",
                "Number of successful inference requests, all batch sizes");
        requestFailure = counter(catalog, "nv_inference_request_failure",
                "Number of failed inference requests, all batch sizes");
        inferenceCount = counter(catalog, "nv_inference_count",
                "Number of inferences performed (does not include cached requests)");
        execCount = counter(catalog, "nv_inference_exec_count",
                "Number of model executions performed (does not include cached requests)");
        boolean durations = options.counterLatencies();
        requestDuration = durations ? counter(catalog, "nv_inference_request_duration_us",
                "Cumulative inference request duration in microseconds (includes cached requests)") : null;
        queueDuration = durations ? counter(catalog, "nv_inference_queue_duration_us",
                "Cumulative inference queuing duration in microseconds (includes cached requests)") : null;
        computeInputDuration = durations ? counter(catalog, "nv_inference_compute_input_duration_us",
                "Cumulative compute input duration in microseconds (does not include cached requests)") : null;
        computeInferDuration = durations ? counter(catalog, "nv_inference_compute_infer_duration_us",
                "Cumulative compute inference duration in microseconds (does not include cached requests)") : null;
        computeOutputDuration = durations ? counter(catalog, "nv_inference_compute_output_duration_us",
                "Cumulative inference compute output duration in microseconds (does not include cached requests)")
                : null;
        pendingRequests = gauge(catalog, "nv_inference_pending_request_count",
                "Instantaneous number of pending requests awaiting execution per-model.");
        loadDuration = gauge(catalog, "nv_model_load_duration_secs", "Model load time in seconds");
        // Series only once the server reports its pool (MetricsRegistry.reportPinnedMemoryPool).
        pinnedTotal = gauge(catalog, "nv_pinned_memory_pool_total_bytes",
                "Pinned memory pool total memory size, in bytes");
        pinnedUsed = gauge(catalog, "nv_pinned_memory_pool_used_bytes",
                "Pinned memory pool used memory size, in bytes");
        cpuUtilization = gauge(catalog, "nv_cpu_utilization", "CPU utilization rate [0.0 - 1.0]");
        cpuMemoryTotal = gauge(catalog, "nv_cpu_memory_total_bytes", "CPU total memory (RAM), in bytes");
        cpuMemoryUsed = gauge(catalog, "nv_cpu_memory_used_bytes", "CPU used memory (RAM), in bytes");
        firstResponse = options.histogramLatencies() ? catalog.family("nv_inference_first_response_histogram_ms",
                "Duration from request to first response in milliseconds", MetricKind.HISTOGRAM) : null;
        // Not Triton's (it has no such family): named in its style, a counter without a _total suffix.
        stubRestarts = counter(catalog, "nv_jepserve_stub_restart_count",
                "Number of times the stub process of a model instance was restarted after it died or hung");
    }

    private static FamilyCollector counter(FamilyCatalog catalog, String name, String help) {
        return catalog.family(name, help, MetricKind.COUNTER);
    }

    private static FamilyCollector gauge(FamilyCatalog catalog, String name, String help) {
        return catalog.family(name, help, MetricKind.GAUGE);
    }
}
