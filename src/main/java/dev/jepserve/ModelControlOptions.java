package dev.jepserve;

import java.util.List;

/**
 * tritonserver's model management flags, parsed for the model control feature.
 *
 * @param mode               --model-control-mode
 * @param loadModels         --load-model names (repeatable; {@code *} alone means every model)
 * @param repositoryPollSecs --repository-poll-secs; 0 unless the mode is POLL, as tritonserver does
 * @param loadThreadCount    --model-load-thread-count
 * @param loadRetryCount     --model-load-retry-count
 * @param configName         --model-config-name: load {@code configs/<name>.pbtxt}; null for config.pbtxt
 */
public record ModelControlOptions(ModelControlMode mode, List<String> loadModels, int repositoryPollSecs,
                                  int loadThreadCount, int loadRetryCount, String configName) {

    public ModelControlOptions {
        loadModels = List.copyOf(loadModels);
    }
}
