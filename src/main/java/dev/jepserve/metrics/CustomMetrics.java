package dev.jepserve.metrics;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java side of pb_utils.MetricFamily, installed as {@code jepserve_context.metrics_backend} and called
 * directly from Python through Jep. Failures throw {@link IllegalArgumentException} carrying Triton core's
 * message (Jep raises it in Python as ValueError whose {@code args[0].getMessage()} is that message); an
 * operation on a released handle throws {@link IllegalStateException} (RuntimeError in Python).
 */
public final class CustomMetrics {
    private final FamilyCatalog catalog;
    private final Map<FamilyCollector, CustomFamily> families = new HashMap<>();
    /** Live handles per owner (model instance name), so that an unload can drop what Python left behind. */
    private final Map<String, Set<CustomSeries>> byOwner = new HashMap<>();

    /** Where new counter and gauge series keep their values once stubs share them; null before. */
    private volatile MetricCells cells;

    CustomMetrics(FamilyCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * From now on new counter and gauge series keep their values in {@code table}, which stub processes map
     * (series created before keep theirs on the heap; stubs reach those through messages).
     */
    public void shareValuesThrough(MetricCells table) {
        this.cells = table;
    }

    MetricCells cells() {
        return cells;
    }

    /**
     * Returns the family with this name, creating it if needed.
     *
     * @param kind 0 COUNTER, 1 GAUGE, 2 HISTOGRAM
     * @throws IllegalArgumentException "Invalid metric name", "Family name already exists with different type"
     */
    public CustomFamily family(String name, String description, int kind) {
        FamilyCollector collector = catalog.family(name, description, MetricKind.fromCode(kind));
        synchronized (families) {
            return families.computeIfAbsent(collector, c -> new CustomFamily(c, this));
        }
    }

    /** Releases every series reference still held by this owner (a safety net at model unload). */
    public void releaseOwner(String owner) {
        Set<CustomSeries> handles;
        synchronized (byOwner) {
            handles = byOwner.remove(owner);
        }
        if (handles != null) {
            for (CustomSeries handle : List.copyOf(handles)) {
                handle.release();
            }
        }
    }

    void track(CustomSeries handle) {
        synchronized (byOwner) {
            byOwner.computeIfAbsent(handle.owner(), o -> new LinkedHashSet<>()).add(handle);
        }
    }

    void untrack(CustomSeries handle) {
        synchronized (byOwner) {
            Set<CustomSeries> handles = byOwner.get(handle.owner());
            if (handles != null && handles.remove(handle) && handles.isEmpty()) {
                byOwner.remove(handle.owner());
            }
        }
    }
}
