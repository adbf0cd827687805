package dev.jepserve.repository;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state changes of one model as pure functions from one snapshot to the next (the repository's state
 * machine, tested on its own): LOADING while new versions load beside the ones serving, the swap after a
 * load, UNLOADING, then UNAVAILABLE "unloaded".
 */
final class RepositoryStates {
    private RepositoryStates() {
    }

    /** The next snapshot, and the running versions it leaves out (to retire once it is published). */
    record Swap(LoadedModel published, List<ModelVersionRuntime> retiring) {
    }

    /** While {@code versions} load: versions serving now keep serving; the others show LOADING. */
    static LoadedModel loading(LoadedModel old, String name, Path dir, List<Long> versions) {
        TreeMap<Long, VersionStatus> next = new TreeMap<>();
        if (old != null) {
            for (VersionStatus status : old.versions()) {
                if (status.runtime() != null) {
                    next.put(status.version(), status);
                }
            }
        }
        for (long version : versions) {
            next.putIfAbsent(version, VersionStatus.loading(version));
        }
        return new LoadedModel(name, dir, List.copyOf(next.values()));
    }

    /**
     * After a load: each version that loaded replaces the old one; a version that failed keeps the old one
     * serving when there was one (a failed reload changes nothing for clients); old versions the new policy
     * no longer selects are retired and show "unloaded".
     */
    static Swap afterLoad(LoadedModel old, String name, Path dir, List<VersionStatus> loaded) {
        Map<Long, VersionStatus> before = new TreeMap<>();
        if (old != null) {
            for (VersionStatus status : old.versions()) {
                if (status.runtime() != null) {
                    before.put(status.version(), status);
                }
            }
        }
        TreeMap<Long, VersionStatus> next = new TreeMap<>();
        List<ModelVersionRuntime> retiring = new ArrayList<>();
        for (VersionStatus status : loaded) {
            VersionStatus previous = before.remove(status.version());
            if (status.runtime() == null && previous != null) {
                next.put(status.version(), previous);
            } else {
                next.put(status.version(), status);
                if (previous != null) {
                    retiring.add(previous.runtime());
                }
            }
        }
        for (VersionStatus dropped : before.values()) {
            next.put(dropped.version(), VersionStatus.unloaded(dropped.version()));
            retiring.add(dropped.runtime());
        }
        return new Swap(new LoadedModel(name, dir, List.copyOf(next.values())), retiring);
    }

    /** Triton's text for the versions that failed to load, one line each; "" when all loaded. */
    static String failures(String name, List<VersionStatus> loaded) {
        StringBuilder text = new StringBuilder();
        for (VersionStatus status : loaded) {
            if (status.runtime() == null) {
                text.append("load failed for model '").append(name).append("': version ").append(status.version())
                        .append(" is at ").append(status.state()).append(" state: ").append(status.reason())
                        .append(";\n");
            }
        }
        return text.toString();
    }

    /** Unloading: the serving versions show UNLOADING and take no new requests. */
    static LoadedModel unloading(LoadedModel old) {
        List<VersionStatus> next = new ArrayList<>();
        for (VersionStatus status : old.versions()) {
            next.add(status.runtime() != null ? VersionStatus.unloading(status.version()) : status);
        }
        return new LoadedModel(old.name(), old.directory(), next);
    }

    /** After an unload: every version is UNAVAILABLE with reason "unloaded". */
    static LoadedModel unloaded(LoadedModel old) {
        List<VersionStatus> next = new ArrayList<>();
        for (VersionStatus status : old.versions()) {
            next.add(VersionStatus.unloaded(status.version()));
        }
        return new LoadedModel(old.name(), old.directory(), next);
    }

    /** The versions of a snapshot that run. */
    static List<ModelVersionRuntime> runtimes(LoadedModel model) {
        List<ModelVersionRuntime> runtimes = new ArrayList<>();
        for (VersionStatus status : model.versions()) {
            if (status.runtime() != null) {
                runtimes.add(status.runtime());
            }
        }
        return runtimes;
    }
}
