package dev.jepserve.metrics;

import io.prometheus.client.CollectorRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * Every family name ever registered, built-in or custom, with prometheus-cpp's merge rules: the same name and
 * kind returns the existing family (its first HELP text stays, forever), the same name with another kind fails.
 * Families are never removed, as in Triton; a family without series is simply not printed.
 */
final class FamilyCatalog {
    private final CollectorRegistry registry;
    private final Map<String, FamilyCollector> byName = new HashMap<>();

    FamilyCatalog(CollectorRegistry registry) {
        this.registry = registry;
    }

    synchronized FamilyCollector family(String name, String help, MetricKind kind) {
        FamilyCollector existing = byName.get(name);
        if (existing != null) {
            if (existing.kind() != kind) {
                throw new IllegalArgumentException("Family name already exists with different type");
            }
            return existing;
        }
        MetricNames.checkMetricName(name);
        FamilyCollector family = new FamilyCollector(name, help == null ? "" : help, kind, byName.size());
        registry.register(family);
        byName.put(name, family);
        return family;
    }
}
