package dev.jepserve.config;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelEnsembling;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.config.proto.ModelOutput;
import dev.jepserve.config.proto.ModelVersionPolicy;
import dev.jepserve.inference.TritonException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration of an ensemble ({@code platform: "ensemble"}): no backend, no instance groups, no
 * auto-complete; its steps checked for a data flow that can produce every output. As in Triton, an ensemble is
 * decoupled when one of its steps is: the steps' own config files (next to the ensemble in its repository) say
 * so, so the result does not depend on the order in which models load.
 */
public final class EnsembleConfigs {
    public static final String PLATFORM = "ensemble";

    private EnsembleConfigs() {
    }

    public static boolean isEnsemble(ModelConfig.Builder config) {
        return config.getPlatform().equals(PLATFORM);
    }

    public static boolean isEnsemble(ModelConfig config) {
        return config.getPlatform().equals(PLATFORM);
    }

    /**
     * @param modelDir   the ensemble's directory; its siblings are the other models of its repository
     * @param configName --model-config-name, for reading the steps' configs
     * @throws TritonException INVALID_ARG describing the first problem
     */
    public static void normalize(ModelConfig.Builder config, Path modelDir, String configName) {
        String name = config.getName();
        if (!config.getBackend().isEmpty()) {
            throw TritonException.invalidArg("ensemble " + name + " must not specify 'backend'");
        }
        if (!config.hasVersionPolicy()) {
            config.setVersionPolicy(ModelVersionPolicy.newBuilder()
                    .setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(1)));
        }
        if (config.getMaxBatchSize() < 0) {
            throw TritonException.invalidArg("'max_batch_size' must be non-negative value for " + name);
        }
        if (config.getInstanceGroupCount() > 0) {
            throw TritonException.invalidArg("instance group should not be specified for ensemble '" + name + "'");
        }
        if (config.hasDynamicBatching() || config.hasSequenceBatching()) {
            throw TritonException.invalidArg("ensemble scheduling must be set for ensemble " + name
                    + " whose platform is ensemble");
        }
        if (!config.hasEnsembleScheduling()) {
            throw TritonException.invalidArg("ensemble scheduling must be set for ensemble " + name
                    + " whose platform is ensemble");
        }
        validateSteps(config.build());
        if (anyStepDecoupled(config.getEnsembleScheduling(), modelDir, configName)) {
            config.getModelTransactionPolicyBuilder().setDecoupled(true);
        }
    }

    private static void validateSteps(ModelConfig config) {
        String name = config.getName();
        ModelEnsembling scheduling = config.getEnsembleScheduling();
        if (scheduling.getStepCount() == 0) {
            throw TritonException.invalidArg("must specify 'step' for ensemble " + name);
        }
        Set<String> available = new HashSet<>();
        for (ModelInput input : config.getInputList()) {
            available.add(input.getName());
        }
        Map<String, Integer> producers = new HashMap<>();
        for (int i = 0; i < scheduling.getStepCount(); i++) {
            ModelEnsembling.Step step = scheduling.getStep(i);
            if (step.getModelName().isEmpty()) {
                throw TritonException.invalidArg("must specify 'model_name' in step " + i + " of ensemble " + name);
            }
            if (step.getModelName().equals(name)) {
                throw TritonException.invalidArg("ensemble " + name + " cannot have itself as a step (step " + i + ")");
            }
            if (step.getInputMapCount() == 0) {
                throw TritonException.invalidArg("must specify 'input_map' in step " + i + " of ensemble " + name);
            }
            if (step.getOutputMapCount() == 0) {
                throw TritonException.invalidArg("must specify 'output_map' in step " + i + " of ensemble " + name);
            }
            for (String tensor : step.getOutputMapMap().values()) {
                if (available.contains(tensor) && !producers.containsKey(tensor)) {
                    throw TritonException.invalidArg("ensemble tensor '" + tensor + "' of ensemble " + name
                            + " is an ensemble input and cannot be an output of step " + i);
                }
                Integer earlier = producers.putIfAbsent(tensor, i);
                if (earlier != null) {
                    throw TritonException.invalidArg("ensemble tensor '" + tensor + "' of ensemble " + name
                            + " is produced by more than one step (steps " + earlier + " and " + i + ")");
                }
            }
        }
        // The data flow: steps become runnable as their inputs appear; every step must run, every output appear.
        Set<Integer> ran = new HashSet<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < scheduling.getStepCount(); i++) {
                if (!ran.contains(i) && available.containsAll(scheduling.getStep(i).getInputMapMap().values())) {
                    ran.add(i);
                    available.addAll(scheduling.getStep(i).getOutputMapMap().values());
                    progress = true;
                }
            }
        }
        for (int i = 0; i < scheduling.getStepCount(); i++) {
            if (!ran.contains(i)) {
                Set<String> missing = new HashSet<>(scheduling.getStep(i).getInputMapMap().values());
                missing.removeAll(available);
                throw TritonException.invalidArg("in ensemble " + name + ", step " + i + " (model '"
                        + scheduling.getStep(i).getModelName() + "') needs ensemble tensors that no step or input "
                        + "provides: " + String.join(", ", new java.util.TreeSet<>(missing)));
            }
        }
        for (ModelOutput output : config.getOutputList()) {
            if (!available.contains(output.getName())) {
                throw TritonException.invalidArg("in ensemble " + name + ", no step produces ensemble output "
                        + output.getName());
            }
        }
    }

    private static boolean anyStepDecoupled(ModelEnsembling scheduling, Path modelDir, String configName) {
        Path repository = modelDir.getParent();
        for (ModelEnsembling.Step step : scheduling.getStepList()) {
            Path stepDir = repository == null ? null : repository.resolve(step.getModelName());
            if (stepDir == null) {
                continue;
            }
            Optional<ModelConfig> stepConfig;
            try {
                stepConfig = ModelConfigs.load(stepDir, configName);
            } catch (TritonException e) {
                continue; // the step fails to load on its own; its own error says why
            }
            if (stepConfig.isPresent() && stepConfig.get().getModelTransactionPolicy().getDecoupled()) {
                return true;
            }
        }
        return false;
    }
}
