package dev.jepserve.config;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelDynamicBatching;
import dev.jepserve.config.proto.ModelOptimizationPolicy;
import dev.jepserve.config.proto.ModelSequenceBatching;
import dev.jepserve.config.proto.ModelVersionPolicy;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.nio.file.Path;

/**
 * Triton's config normalization, split in the phases Triton runs around the Python model's
 * auto_complete_config: {@link #autoCompleteBackendFields} and {@link #applyCoreDefaults} before it,
 * {@link #normalize} after it. Every step is idempotent.
 */
public final class ModelConfigNormalizer {
    /** The only backend jepserve serves. */
    public static final String PYTHON_BACKEND = BackendDetector.PYTHON;
    /** The Python backend's default model file. */
    public static final String PYTHON_MODEL_FILENAME = BackendDetector.PYTHON_FILENAME;

    /** Triton's default for sequence_batching.max_sequence_idle_microseconds (1 second). */
    static final long DEFAULT_SEQUENCE_IDLE_MICROSECONDS = 1_000_000L;

    private ModelConfigNormalizer() {
    }

    /**
     * Fills name, backend and default_model_filename like Triton's AutoCompleteBackendFields: the name comes
     * from the directory when empty, {@code backend: "python"} is inferred from {@code default_model_filename}
     * or a {@code model.py} in the first version directory, and {@code default_model_filename} defaults to
     * {@code model.py}.
     *
     * @param modelDirName the model's directory name (the name clients use)
     * @param modelDir     the model directory, inspected for version directories
     * @throws TritonException INVALID_ARG when the name differs from the directory or no backend can be
     *                         determined; UNSUPPORTED when the model needs a backend other than Python
     */
    public static void autoCompleteBackendFields(ModelConfig.Builder config, String modelDirName, Path modelDir) {
        if (config.getName().isEmpty()) {
            config.setName(modelDirName);
        }
        requireNameMatchesDirectory(config, modelDirName);
        BackendDetector.detect(config, modelDir);
        requirePythonBackend(config);
        if (config.getDefaultModelFilename().isEmpty()) {
            config.setDefaultModelFilename(PYTHON_MODEL_FILENAME);
        }
    }

    /** Triton refuses a config whose name is not its directory's name. */
    public static void requireNameMatchesDirectory(ModelConfig.Builder config, String modelDirName) {
        if (!config.getName().equals(modelDirName)) {
            throw TritonException.invalidArg("unexpected directory name '" + modelDirName + "' for model '"
                    + config.getName() + "', directory name must equal model name");
        }
    }

    /**
     * Core defaults Triton applies before the backend's auto-complete (NormalizeModelConfig): version policy
     * {@code latest {num_versions: 1}}, dynamic batching's preferred size {@code [max_batch_size]}, the sequence
     * idle timeout, and pinned-memory flags (so {@code optimization} is always present).
     */
    public static void applyCoreDefaults(ModelConfig.Builder config) {
        if (!config.hasVersionPolicy()) {
            config.setVersionPolicy(ModelVersionPolicy.newBuilder()
                    .setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(1)));
        }
        if (config.hasDynamicBatching()) {
            ModelDynamicBatching.Builder batching = config.getDynamicBatchingBuilder();
            if (batching.getPreferredBatchSizeCount() == 0 && config.getMaxBatchSize() > 0) {
                batching.addPreferredBatchSize(config.getMaxBatchSize());
            }
        }
        if (config.hasSequenceBatching()) {
            ModelSequenceBatching.Builder batching = config.getSequenceBatchingBuilder();
            if (batching.getMaxSequenceIdleMicroseconds() == 0) {
                batching.setMaxSequenceIdleMicroseconds(DEFAULT_SEQUENCE_IDLE_MICROSECONDS);
            }
            if (batching.hasOldest() && batching.getOldest().getPreferredBatchSizeCount() == 0
                    && config.getMaxBatchSize() > 0) {
                batching.getOldestBuilder().addPreferredBatchSize(config.getMaxBatchSize());
            }
        }
        if (!config.hasEnsembleScheduling()) {
            ModelOptimizationPolicy.Builder optimization = config.getOptimizationBuilder();
            if (!optimization.hasInputPinnedMemory()) {
                optimization.getInputPinnedMemoryBuilder().setEnable(true);
            }
            if (!optimization.hasOutputPinnedMemory()) {
                optimization.getOutputPinnedMemoryBuilder().setEnable(true);
            }
        }
    }

    /**
     * Completes normalization after auto-complete and validates the result: the core defaults again (the model
     * may have changed max_batch_size or added dynamic batching), then instance groups, then Triton's checks.
     *
     * @throws TritonException INVALID_ARG (UNSUPPORTED for non-Python backends) with Triton-like messages
     */
    public static void normalize(ModelConfig.Builder config) {
        applyCoreDefaults(config);
        InstanceGroups.normalize(config);
        ModelConfigValidator.validate(config.build());
    }

    static void requirePythonBackend(ModelConfig.Builder config) {
        String backend = config.getBackend();
        if (backend.equals(PYTHON_BACKEND)) {
            return;
        }
        String name = config.getName();
        if (backend.isEmpty() && config.getPlatform().isEmpty()) {
            if (!config.getDefaultModelFilename().isEmpty()) {
                throw TritonException.invalidArg("must specify 'platform' or 'backend' for '" + name + "'");
            }
            // Nothing named and nothing found: Triton derives a custom backend from a name like 'model.<backend>'.
            int dot = name.indexOf('.');
            if (dot < 0) {
                throw TritonException.invalidArg("Invalid model name: Could not determine backend for model '"
                        + name + "' with no backend in model configuration. Expected model name of the form "
                        + "'model.<backend_name>'.");
            }
            backend = name.substring(dot + 1);
        }
        throw new TritonException(TritonCode.UNSUPPORTED, "model '" + name + "' needs "
                + describeBackend(backend, config.getPlatform())
                + ", but jepserve serves only Python-backend models (backend: \"python\")");
    }

    private static String describeBackend(String backend, String platform) {
        if (backend.isEmpty()) {
            return "platform '" + platform + "'";
        }
        return "backend '" + backend + "'" + (platform.isEmpty() ? "" : " (platform '" + platform + "')");
    }
}
