package dev.jepserve.config;

import dev.jepserve.config.proto.ModelConfig;

import java.nio.file.Path;

/**
 * The whole load-time path of a model's configuration, in Triton's order: read config.pbtxt (or start empty),
 * fill backend fields and core defaults, let the Python model's auto_complete_config amend it (unless
 * auto-complete is disabled), then finish normalization and validate.
 */
public final class ModelConfigPreparer {

    /** Runs the model's {@code auto_complete_config} (owned by the Python runtime). */
    @FunctionalInterface
    public interface AutoCompleter {
        /**
         * @param config the config as normalized so far (what Triton hands to the Python model)
         * @return the config the model returned
         */
        ModelConfig autoComplete(ModelConfig config);
    }

    /** An auto-completer that leaves the config unchanged (models without auto_complete_config). */
    public static final AutoCompleter NO_AUTO_COMPLETE = config -> config;

    private ModelConfigPreparer() {
    }

    /**
     * @param modelDir             the model directory; its name is the model name
     * @param configName           --model-config-name (selects configs/&lt;name&gt;.pbtxt when present), or ""
     * @param autoCompleteEnabled  false for --disable-auto-complete-config: the completer is not called, the
     *                             core defaults still apply
     * @param autoCompleter        called between the two normalization phases when enabled
     * @return the normalized, validated config (what GET /config renders)
     * @throws dev.jepserve.inference.TritonException for unreadable, unsupported or invalid configurations
     */
    public static ModelConfig prepare(Path modelDir, String configName, boolean autoCompleteEnabled,
                                      AutoCompleter autoCompleter) {
        return complete(modelDir, ModelConfigs.load(modelDir, configName).orElse(ModelConfig.getDefaultInstance()),
                configName, autoCompleteEnabled, autoCompleter);
    }

    /**
     * The same path for a configuration given instead of the directory's config.pbtxt (the repository
     * extension's load with a {@code config} override).
     */
    public static ModelConfig prepare(Path modelDir, ModelConfig override, String configName,
                                      boolean autoCompleteEnabled, AutoCompleter autoCompleter) {
        return complete(modelDir, override, configName, autoCompleteEnabled, autoCompleter);
    }

    /** @param configName --model-config-name, for an ensemble's reading of its steps' configs */
    private static ModelConfig complete(Path modelDir, ModelConfig read, String configName,
                                        boolean autoCompleteEnabled, AutoCompleter autoCompleter) {
        String modelName = modelDir.getFileName().toString();
        ModelConfig.Builder config = read.toBuilder();
        if (EnsembleConfigs.isEnsemble(config)) {
            if (config.getName().isEmpty()) {
                config.setName(modelName);
            }
            ModelConfigNormalizer.requireNameMatchesDirectory(config, modelName);
            EnsembleConfigs.normalize(config, modelDir, configName);
            return config.build();
        }
        ModelConfigNormalizer.autoCompleteBackendFields(config, modelName, modelDir);
        ModelConfigNormalizer.applyCoreDefaults(config);
        if (autoCompleteEnabled) {
            config = autoCompleter.autoComplete(config.build()).toBuilder();
            ModelConfigNormalizer.requireNameMatchesDirectory(config, modelName);
        }
        ModelConfigNormalizer.normalize(config);
        return config.build();
    }
}
