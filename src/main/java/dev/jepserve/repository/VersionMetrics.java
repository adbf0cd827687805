package dev.jepserve.repository;

import dev.jepserve.inference.InferenceObserver;

/** The per-version metric series: fed by the scheduler while serving, removed at unload. */
public interface VersionMetrics extends InferenceObserver {
    void loadDuration(double seconds);

    /** Removes this version's series. */
    void close();

    /** Creates the series of one model version. */
    @FunctionalInterface
    interface Factory {
        VersionMetrics open(String model, String version);
    }
}
