package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelVersionPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Finds a model's numbered version directories and picks those its version policy serves. */
final class VersionDirectories {
    private VersionDirectories() {
    }

    /** Version number to directory, ascending. Names that are not positive integers (or start with 0) are ignored. */
    static TreeMap<Long, Path> find(Path modelDir) {
        TreeMap<Long, Path> versions = new TreeMap<>();
        try (Stream<Path> children = Files.list(modelDir)) {
            children.filter(Files::isDirectory).forEach(dir -> {
                String name = dir.getFileName().toString();
                if (name.matches("[1-9][0-9]{0,17}")) {
                    versions.put(Long.parseLong(name), dir);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + modelDir, e);
        }
        return versions;
    }

    /** The versions the policy selects among those present, ascending. */
    static List<Long> select(ModelVersionPolicy policy, TreeMap<Long, Path> available) {
        List<Long> selected = new ArrayList<>();
        switch (policy.getPolicyChoiceCase()) {
            case ALL -> selected.addAll(available.keySet());
            case SPECIFIC -> policy.getSpecific().getVersionsList().stream().sorted()
                    .filter(available::containsKey).forEach(selected::add);
            default -> {
                int count = policy.hasLatest() ? Math.max(1, policy.getLatest().getNumVersions()) : 1;
                available.descendingKeySet().stream().limit(count).sorted().forEach(selected::add);
            }
        }
        return selected;
    }
}
