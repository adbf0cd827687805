package dev.jepserve.stub;

/**
 * Counts the restarts of one model instance's stub (the metrics registry's
 * {@code nv_jepserve_stub_restart_count} series in the server).
 */
public interface RestartCounter {
    RestartCounter NONE = new RestartCounter() {
        @Override
        public void restarted() {
        }

        @Override
        public void close() {
        }
    };

    void restarted();

    /** Removes the series (the instance unloaded). */
    void close();

    /** Opens the counter of one instance, at 0. */
    @FunctionalInterface
    interface Factory {
        Factory NONE = (model, version, instance) -> RestartCounter.NONE;

        RestartCounter open(String model, String version, String instance);
    }
}
