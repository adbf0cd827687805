package dev.jepserve.repository;

import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TritonException;

/** Finds the ready version a request names (or the highest ready one), with Triton's error texts. */
final class VersionLookup {
    private final ModelRepository repository;

    VersionLookup(ModelRepository repository) {
        this.repository = repository;
    }

    /** @param version "" or null for the highest ready version */
    ServedModel find(String name, String version) {
        LoadedModel model = known(name);
        if (version == null || version.isEmpty()) {
            return latest(model);
        }
        return exact(model, parseVersion(version));
    }

    /** @param version 0 or less for the highest ready version */
    ServedModel find(String name, long version) {
        LoadedModel model = known(name);
        return version <= 0 ? latest(model) : exact(model, version);
    }

    LoadedModel known(String name) {
        LoadedModel model = repository.model(name);
        if (model == null) {
            throw TritonException.notFound("Request for unknown model: '" + name + "' is not found");
        }
        return model;
    }

    private static ServedModel latest(LoadedModel model) {
        VersionStatus latest = null;
        for (VersionStatus status : model.versions()) {
            if (status.isReady()) {
                latest = status;
            }
        }
        if (latest == null) {
            throw TritonException.notFound("Request for unknown model: '" + model.name() + "' has no available versions");
        }
        return latest.runtime();
    }

    private static ServedModel exact(LoadedModel model, long number) {
        for (VersionStatus status : model.versions()) {
            if (status.version() == number) {
                if (!status.isReady()) {
                    throw TritonException.unavailable("Request for unknown model: '" + model.name() + "' version "
                            + number + " is not at ready state");
                }
                return status.runtime();
            }
        }
        throw TritonException.notFound("Request for unknown model: '" + model.name() + "' version " + number
                + " is not found");
    }

    static long parseVersion(String version) {
        try {
            long number = Long.parseLong(version);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw TritonException.invalidArg("failed to get model version from specified version string '" + version
                + "' (details: not a positive integer), version should be an integral value > 0");
    }
}
