package dev.jepserve.inference;

/**
 * The per-version built-in metric series: an {@link InferenceObserver} fed by the scheduler while serving,
 * plus the load duration, removed at unload.
 */
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
