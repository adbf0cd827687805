package dev.jepserve.repository;

import java.nio.file.Path;
import java.util.List;

/**
 * What loading one model directory produced: the status of each version it tried.
 *
 * @param name      the model name (its directory name)
 * @param directory the model directory
 * @param versions  ascending by version; one entry with version -1 when the model failed before versions
 */
public record LoadedModel(String name, Path directory, List<VersionStatus> versions) {

    public LoadedModel {
        versions = List.copyOf(versions);
    }

    public static LoadedModel failed(String name, Path directory, String reason) {
        return new LoadedModel(name, directory, List.of(VersionStatus.unavailable(-1, reason)));
    }
}
