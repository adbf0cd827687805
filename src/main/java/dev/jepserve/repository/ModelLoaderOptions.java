package dev.jepserve.repository;

/**
 * Settings that change how models load.
 *
 * @param autoCompleteConfig whether TritonPythonModel.auto_complete_config runs (off with
 *                           --disable-auto-complete-config or --strict-model-config=true)
 * @param configName         --model-config-name: read {@code configs/<name>.pbtxt} when a model has it, else
 *                           config.pbtxt; "" for config.pbtxt always
 */
public record ModelLoaderOptions(boolean autoCompleteConfig, String configName) {

    public ModelLoaderOptions {
        configName = configName == null ? "" : configName;
    }
}
