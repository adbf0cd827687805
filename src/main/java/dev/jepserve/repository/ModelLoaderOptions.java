package dev.jepserve.repository;

/**
 * Settings that change how models load.
 *
 * @param autoCompleteConfig whether TritonPythonModel.auto_complete_config runs (off with
 *                           --disable-auto-complete-config or --strict-model-config=true)
 */
public record ModelLoaderOptions(boolean autoCompleteConfig) {
}
