package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelEnsembling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which composing models each loaded ensemble uses, and which models only some ensemble's load brought in
 * (explicit mode). Such a model stays an ensemble's dependent until the user loads it by name; unloading an
 * ensemble with {@code unload_dependents} unloads its dependents that no other loaded ensemble still uses.
 */
final class ComposingModels {
    private final Map<String, Set<String>> usedBy = new HashMap<>();
    private final Set<String> broughtIn = new HashSet<>();

    /** The distinct models an ensemble's steps call, in step order (none for a model that is no ensemble). */
    static List<String> stepModels(ModelConfig config) {
        Set<String> names = new LinkedHashSet<>();
        for (ModelEnsembling.Step step : config.getEnsembleScheduling().getStepList()) {
            names.add(step.getModelName());
        }
        return List.copyOf(names);
    }

    synchronized void uses(String ensemble, List<String> models) {
        usedBy.put(ensemble, new LinkedHashSet<>(models));
    }

    synchronized void loadedAlongWith(String model) {
        broughtIn.add(model);
    }

    synchronized void claimedByUser(String model) {
        broughtIn.remove(model);
    }

    /**
     * Forgets an ensemble that is being unloaded.
     *
     * @return with {@code withDependents}, its composing models that only ensembles' loads brought in and that
     *         no other loaded ensemble uses
     */
    synchronized List<String> release(String ensemble, boolean withDependents) {
        Set<String> steps = usedBy.remove(ensemble);
        if (!withDependents || steps == null) {
            return List.of();
        }
        List<String> free = new ArrayList<>();
        for (String model : steps) {
            if (broughtIn.contains(model) && usedBy.values().stream().noneMatch(models -> models.contains(model))) {
                free.add(model);
            }
        }
        broughtIn.removeAll(free);
        return free;
    }
}
