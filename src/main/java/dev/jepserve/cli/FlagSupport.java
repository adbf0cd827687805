package dev.jepserve.cli;

/** What jepserve does with a tritonserver flag. */
public enum FlagSupport {
    /** Behaves as in tritonserver. */
    IMPLEMENTED,
    /** Parsed into the server options for a feature that is not built yet; warns when it would matter. */
    NOT_YET,
    /** Accepted and ignored because it does not apply to jepserve (GPUs, backend libraries...); warns. */
    NO_EFFECT
}
