package dev.jepserve.http.endpoints;

import dev.jepserve.inference.TritonException;

/** The {@code /versions/<v>} part of a model path. */
final class ModelVersion {
    private ModelVersion() {
    }

    /** The version the URL asked for, or -1 when it named none. */
    static long requested(String version) {
        if (version == null) {
            return -1;
        }
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw TritonException.invalidArg("failed to get model version from specified version string '" + version
                    + "' (details: " + e.getMessage() + "), version should be an integral value > 0");
        }
    }
}
