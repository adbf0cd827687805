package dev.jepserve.repository;

/**
 * The state of one model version, and the running version when it is READY.
 *
 * @param version the version number, or -1 when the model failed before any version was known
 * @param state   its state
 * @param reason  why it is not READY ("" when it is)
 * @param runtime the served version when READY, else null
 */
public record VersionStatus(long version, ModelState state, String reason, ModelVersionRuntime runtime) {

    public static VersionStatus ready(ModelVersionRuntime runtime) {
        return new VersionStatus(runtime.version(), ModelState.READY, "", runtime);
    }

    public static VersionStatus unavailable(long version, String reason) {
        return new VersionStatus(version, ModelState.UNAVAILABLE, reason, null);
    }

    /** The reason of a version unloaded on request (it does not make the server unready, as in Triton). */
    public static final String UNLOADED = "unloaded";

    public static VersionStatus loading(long version) {
        return new VersionStatus(version, ModelState.LOADING, "", null);
    }

    public static VersionStatus unloading(long version) {
        return new VersionStatus(version, ModelState.UNLOADING, "", null);
    }

    public static VersionStatus unloaded(long version) {
        return new VersionStatus(version, ModelState.UNAVAILABLE, UNLOADED, null);
    }

    /** Unloaded on request: not counted against the server's readiness. */
    public boolean isUnloaded() {
        return state == ModelState.UNAVAILABLE && UNLOADED.equals(reason);
    }

    /** READY, and every instance can serve. */
    public boolean isReady() {
        return state == ModelState.READY && runtime.isHealthy();
    }
}
