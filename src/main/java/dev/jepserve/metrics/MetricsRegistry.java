package dev.jepserve.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;

/**
 * The server's metrics: its own simpleclient {@link CollectorRegistry} (never the default one) holding the
 * built-in nv_* families and the custom families models create, exposed by {@link #scrape()} in Triton's format.
 * Scraping never takes a lock that a Python-facing call holds for long, so it never waits for Python.
 */
public final class MetricsRegistry {
    private final MetricsOptions options;
    private final CollectorRegistry registry = new CollectorRegistry();
    private final FamilyCatalog catalog = new FamilyCatalog(registry);
    private final BuiltinFamilies builtins;
    private final CustomMetrics customMetrics = new CustomMetrics(catalog);

    public MetricsRegistry(MetricsOptions options) {
        this.options = options;
        this.builtins = new BuiltinFamilies(catalog, options);
        if (builtins.summaries != null) {
            registry.register(builtins.summaries);
        }
        if (options.jvmMetrics()) {
            // simpleclient_hotspot's process_* and jvm_* collectors (not Triton's; jepserve only).
            DefaultExports.register(registry);
        }
    }

    public MetricsOptions options() {
        return options;
    }

    /** The whole exposition, as served on GET /metrics (Content-Type: text/plain; charset=utf-8). */
    public String scrape() {
        return TritonTextFormat.write(registry.metricFamilySamples());
    }

    /** The object to install as {@code jepserve_context.metrics_backend}. */
    public CustomMetrics customMetrics() {
        return customMetrics;
    }

    /** Creates the per-model series of one model version at 0; close the result when the model unloads. */
    public ModelMetrics registerModel(String model, String version) {
        return new ModelMetrics(builtins, model, version);
    }

    /**
     * Reports the pinned memory pool as Triton does (two gauges without labels). Nothing is pinned here (tensors
     * never go to a GPU), so the total is the configured pool size and the used bytes stay 0.
     */
    public void reportPinnedMemoryPool(long totalBytes) {
        builtins.pinnedTotal.acquire(LabelSet.of(), null).set(totalBytes);
        builtins.pinnedUsed.acquire(LabelSet.of(), null).set(0);
    }

    /** The restart counter of one stub-process model instance, at 0; close it when the instance unloads. */
    public StubRestartSeries registerStubRestarts(String model, String version, String instance) {
        return new StubRestartSeries(builtins.stubRestarts, model, version, instance);
    }

    /**
     * The underlying registry, for extra simpleclient collectors (they are printed with the same rules, after
     * the families registered through this class within their type group).
     */
    public CollectorRegistry collectorRegistry() {
        return registry;
    }

    BuiltinFamilies builtins() {
        return builtins;
    }
}
