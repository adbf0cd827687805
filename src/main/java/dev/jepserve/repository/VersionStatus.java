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

    /** READY, and every instance can serve. */
    public boolean isReady() {
        return state == ModelState.READY && runtime.isHealthy();
    }
}
