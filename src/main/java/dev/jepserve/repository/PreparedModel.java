package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model whose configuration is final and whose versions are chosen (by its version policy), before any
 * instance exists.
 *
 * @param name      the model name
 * @param directory the directory it loads from (the repository's, or a temporary one with override files)
 * @param config    the normalized configuration
 * @param versions  the versions to serve and their directories, ascending
 */
record PreparedModel(String name, Path directory, ModelConfig config, TreeMap<Long, Path> versions) {

    PreparedModel {
        versions = new TreeMap<>(versions);
    }

    List<Long> versionNumbers() {
        return List.copyOf(versions.keySet());
    }

    Map<Long, Path> versionDirectories() {
        return versions;
    }
}
