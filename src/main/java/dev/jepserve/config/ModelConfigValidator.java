package dev.jepserve.config;

import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelDynamicBatching;
import dev.jepserve.config.proto.ModelInstanceGroup;
import dev.jepserve.config.proto.ModelMetrics;
import dev.jepserve.config.proto.ModelQueuePolicy;
import dev.jepserve.config.proto.ModelSequenceBatching;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.util.HashSet;
import java.util.Set;

/**
 * Triton's load-time checks of a normalized config (ValidateModelConfig, ValidateInstanceGroup,
 * ValidateModelIOConfig) with Triton's messages, limited to what applies to Python models. Also rejects
 * duplicate input or output names, which Triton silently accepts.
 */
public final class ModelConfigValidator {
    private ModelConfigValidator() {
    }

    /** @throws TritonException INVALID_ARG (UNSUPPORTED for a non-Python backend) describing the first problem */
    public static void validate(ModelConfig config) {
        validateModel(config);
        validateInstanceGroups(config);
        TensorConfigValidator.validateInputsAndOutputs(config);
        validateBatchIo(config);
    }

    private static void validateModel(ModelConfig config) {
        String name = config.getName();
        if (name.isEmpty()) {
            throw TritonException.invalidArg("model configuration must specify 'name'");
        }
        if (config.getBackend().isEmpty()) {
            throw TritonException.invalidArg("unexpected platform type '" + config.getPlatform() + "' for " + name);
        }
        if (!config.getBackend().equals(ModelConfigNormalizer.PYTHON_BACKEND)) {
            throw new TritonException(TritonCode.UNSUPPORTED, "model '" + name + "' needs backend '"
                    + config.getBackend() + "', but jepserve serves only Python-backend models (backend: \"python\")");
        }
        if (config.getMaxBatchSize() < 0) {
            throw TritonException.invalidArg("'max_batch_size' must be non-negative value for " + name);
        }
        if (!config.hasVersionPolicy()) {
            throw TritonException.invalidArg("must specify 'version policy' for " + name);
        }
        if (config.hasDynamicBatching()) {
            validateDynamicBatching(config.getDynamicBatching(), config.getMaxBatchSize(), name);
        }
        if (config.hasSequenceBatching()) {
            validateSequenceBatching(config, name);
        }
        if (config.hasEnsembleScheduling()) {
            throw TritonException.invalidArg("ensemble scheduling cannot be set for model '" + name
                    + "' whose platform is not ensemble");
        }
        if (config.getModelTransactionPolicy().getDecoupled() && config.getResponseCache().getEnable()) {
            throw TritonException.invalidArg("Response Cache does not currently support model " + name
                    + " with 'decoupled' transaction policy. Please disable the response cache.");
        }
        if (config.hasModelMetrics()) {
            validateModelMetrics(config.getModelMetrics());
        }
    }

    private static void validateDynamicBatching(ModelDynamicBatching batching, int maxBatchSize, String name) {
        for (int size : batching.getPreferredBatchSizeList()) {
            if (size <= 0) {
                throw TritonException.invalidArg("dynamic batching preferred size must be positive for " + name);
            }
            if (size > maxBatchSize) {
                throw TritonException.invalidArg(
                        "dynamic batching preferred size must be <= max batch size for " + name);
            }
        }
        long levels = batching.getPriorityLevels();
        if (levels != 0) {
            long defaultLevel = batching.getDefaultPriorityLevel();
            if (defaultLevel == 0 || Long.compareUnsigned(defaultLevel, levels) > 0) {
                throw TritonException.invalidArg("default priority level must be in range [1, "
                        + Long.toUnsignedString(levels) + "] for " + name);
            }
            for (long level : batching.getPriorityQueuePolicyMap().keySet()) {
                if (level == 0 || Long.compareUnsigned(level, levels) > 0) {
                    throw TritonException.invalidArg("priority queue policy must have priority level in range [1, "
                            + Long.toUnsignedString(levels) + "] for " + name);
                }
            }
        }
        if (batching.getPreserveOrdering()) {
            if (Long.compareUnsigned(levels, 1) > 0) {
                throw TritonException.invalidArg(
                        "Only one priority level is allowed when 'preserve_ordering' is true for " + name);
            }
            boolean delaying = delays(batching.getDefaultQueuePolicy())
                    || batching.getPriorityQueuePolicyMap().values().stream().anyMatch(ModelConfigValidator::delays);
            if (delaying) {
                throw TritonException.invalidArg("Queue policy can not have DELAY as timeout action when "
                        + "'preserve_ordering' is true for " + name);
            }
        }
    }

    private static boolean delays(ModelQueuePolicy policy) {
        return policy.getDefaultTimeoutMicroseconds() != 0
                && policy.getTimeoutAction() == ModelQueuePolicy.TimeoutAction.DELAY;
    }

    private static void validateSequenceBatching(ModelConfig config, String name) {
        if (config.getResponseCache().getEnable()) {
            throw TritonException.invalidArg("Response Cache does not currently support model " + name
                    + " with sequence batching scheduler. Please disable the response cache.");
        }
        ModelSequenceBatching batching = config.getSequenceBatching();
        Set<String> controlTensors = new HashSet<>();
        for (ModelSequenceBatching.ControlInput control : batching.getControlInputList()) {
            if (control.getName().isEmpty()) {
                throw TritonException.invalidArg("sequence batching control tensor must have a name for " + name);
            }
            if (!controlTensors.add(control.getName())) {
                throw TritonException.invalidArg("sequence batching control tensor '" + control.getName()
                        + "' is specified for multiple control kinds for " + name);
            }
        }
        if (batching.hasOldest()) {
            for (int size : batching.getOldest().getPreferredBatchSizeList()) {
                if (size <= 0) {
                    throw TritonException.invalidArg(
                            "sequence batching preferred batch size must be positive for " + name);
                }
                if (size > config.getMaxBatchSize()) {
                    throw TritonException.invalidArg(
                            "sequence batching preferred batch size must be <= max batch size for " + name);
                }
            }
        }
        if (batching.hasDirect()) {
            float utilization = batching.getDirect().getMinimumSlotUtilization();
            if (utilization < 0.0f || utilization > 1.0f) {
                throw TritonException.invalidArg(
                        "sequence batching minimum slot utilization must be in range (0.0, 1.0] for " + name);
            }
        }
    }

    private static void validateModelMetrics(ModelMetrics metrics) {
        for (ModelMetrics.MetricControl control : metrics.getMetricControlList()) {
            if (!control.hasMetricIdentifier()) {
                throw TritonException.invalidArg("metric control must specify 'metric_identifier'");
            }
            if (control.getMetricIdentifier().getFamily().isEmpty()) {
                throw TritonException.invalidArg("metric identifier must specify non-empty 'family'");
            }
            if (!control.hasHistogramOptions()) {
                throw TritonException.invalidArg("metric control must specify 'histogram_options'");
            }
            if (control.getHistogramOptions().getBucketsCount() == 0) {
                throw TritonException.invalidArg("histogram options must specify non-empty 'buckets'");
            }
        }
    }

    private static void validateInstanceGroups(ModelConfig config) {
        String name = config.getName();
        if (config.getInstanceGroupCount() == 0) {
            throw TritonException.invalidArg("must specify one or more 'instance group's for " + name);
        }
        for (ModelInstanceGroup group : config.getInstanceGroupList()) {
            String prefix = "instance group " + group.getName() + " of model " + name;
            switch (group.getKind()) {
                case KIND_CPU -> {
                    if (group.getGpusCount() > 0) {
                        throw TritonException.invalidArg(prefix + " has kind KIND_CPU but specifies one or more GPUs");
                    }
                }
                case KIND_MODEL -> {
                    if (group.getGpusCount() > 0) {
                        throw TritonException.invalidArg(
                                prefix + " has kind KIND_MODEL but specifies one or more GPUs");
                    }
                }
                case KIND_GPU -> {
                    // Kept as written: jepserve has no GPU placement, the group's instances run like CPU ones.
                }
                default -> throw new TritonException(TritonCode.INTERNAL,
                        prefix + " has unexpected kind " + group.getKind());
            }
            if (group.getProfileCount() > 0) {
                // Triton's text has no space before "specifies".
                throw TritonException.invalidArg(prefix + " and platform " + config.getPlatform()
                        + "specifies profile field which is only supported for TensorRT models");
            }
        }
    }

    private static void validateBatchIo(ModelConfig config) {
        Set<String> inputs = new HashSet<>();
        config.getInputList().forEach(input -> inputs.add(input.getName()));
        Set<String> outputs = new HashSet<>();
        config.getOutputList().forEach(output -> outputs.add(output.getName()));
        String suffix = " for " + config.getName();
        for (var batchInput : config.getBatchInputList()) {
            if (batchInput.getSourceInputCount() != 1) {
                throw TritonException.invalidArg("batch input kind '" + batchInput.getKind()
                        + "' expects 1 source input, got " + batchInput.getSourceInputCount() + suffix);
            }
            if (batchInput.getDataType() != DataType.TYPE_INT32 && batchInput.getDataType() != DataType.TYPE_FP32) {
                throw TritonException.invalidArg("batch input data type must be TYPE_INT32 or TYPE_FP32" + suffix);
            }
            requireKnownSources(batchInput.getSourceInputList(), inputs, suffix);
        }
        for (var batchOutput : config.getBatchOutputList()) {
            if (batchOutput.getSourceInputCount() != 1) {
                throw TritonException.invalidArg("batch output kind '" + batchOutput.getKind()
                        + "' expects 1 source input, got " + batchOutput.getSourceInputCount() + suffix);
            }
            requireKnownSources(batchOutput.getSourceInputList(), inputs, suffix);
            Set<String> targets = new HashSet<>();
            for (String target : batchOutput.getTargetNameList()) {
                if (!outputs.contains(target)) {
                    throw TritonException.invalidArg("unknown target output name '" + target + "'" + suffix);
                }
                if (!targets.add(target)) {
                    throw TritonException.invalidArg(
                            "target output name '" + target + "' can only be specified once" + suffix);
                }
            }
        }
    }

    private static void requireKnownSources(Iterable<String> sources, Set<String> inputs, String suffix) {
        for (String source : sources) {
            if (!inputs.contains(source)) {
                throw TritonException.invalidArg("unknown source input name '" + source + "'" + suffix);
            }
        }
    }
}
