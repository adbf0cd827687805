package dev.jepserve.inference;

import java.util.Map;

/**
 * The parameters of a repository-extension load (HTTP, gRPC or Python's {@code pb_utils.load_model}).
 *
 * @param config a model configuration as JSON to use instead of config.pbtxt, or null
 * @param files  override files by their parameter name ({@code file:<version>/<path>}) and content; they form
 *               a new model directory, and need {@code config}
 */
public record ModelLoadParameters(String config, Map<String, byte[]> files) {
    public static final String FILE_PREFIX = "file:";
    public static final ModelLoadParameters NONE = new ModelLoadParameters(null, Map.of());

    public ModelLoadParameters {
        files = Map.copyOf(files);
    }

    public boolean isEmpty() {
        return config == null && files.isEmpty();
    }
}
