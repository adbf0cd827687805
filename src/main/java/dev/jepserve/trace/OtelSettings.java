package dev.jepserve.trace;

import java.util.Map;

/**
 * The {@code --trace-config opentelemetry,<key>=<value>} settings, with Triton's defaults.
 *
 * @param url                   where spans are posted (OTLP/HTTP, protobuf)
 * @param resource              resource attributes ({@code resource=<key>=<value>}, repeatable)
 * @param maxQueueSize          bsp_max_queue_size: spans the batch processor holds before it drops
 * @param scheduleDelayMillis   bsp_schedule_delay: the longest an ended span waits for its export
 * @param maxExportBatchSize    bsp_max_export_batch_size: spans per export
 */
public record OtelSettings(String url, Map<String, String> resource, int maxQueueSize, long scheduleDelayMillis,
                           int maxExportBatchSize) {
    public static final String DEFAULT_URL = "http://localhost:4318/v1/traces";
    public static final OtelSettings DEFAULTS = new OtelSettings(DEFAULT_URL,
            Map.of("service.name", "triton-inference-server"), 2048, 5000, 512);

    public OtelSettings {
        resource = Map.copyOf(resource);
    }
}
