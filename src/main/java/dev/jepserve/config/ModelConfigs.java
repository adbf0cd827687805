package dev.jepserve.config;

import com.google.protobuf.TextFormat;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads model configurations written in protobuf text format (config.pbtxt). */
public final class ModelConfigs {
    /** The configuration file Triton reads from a model directory. */
    public static final String CONFIG_FILENAME = "config.pbtxt";
    /** The directory holding alternative configurations chosen with --model-config-name. */
    public static final String CUSTOM_CONFIG_DIRECTORY = "configs";

    private ModelConfigs() {
    }

    /**
     * Parses config.pbtxt text. Repeated fields may be given as repeated blocks or in list form
     * ({@code input [ {...}, {...} ]}, {@code dims: [ 4 ]}); like Triton, a singular field given twice is an error.
     *
     * @param source where the text came from, used in error messages (usually the file path)
     * @throws TritonException INVALID_ARG naming {@code source} when the text is not a valid ModelConfig
     */
    public static ModelConfig parsePbtxt(String text, String source) {
        ModelConfig.Builder builder = ModelConfig.newBuilder();
        TextFormat.Parser parser = TextFormat.Parser.newBuilder()
                .setSingularOverwritePolicy(TextFormat.Parser.SingularOverwritePolicy.FORBID_SINGULAR_OVERWRITES)
                .build();
        try {
            parser.merge(text, builder);
        } catch (TextFormat.ParseException e) {
            throw new TritonException(TritonCode.INVALID_ARG,
                    "failed to read text proto from " + source + ": " + e.getMessage(), e);
        }
        return builder.build();
    }

    /** Reads {@code <modelDir>/config.pbtxt}; empty when the model has no configuration file. */
    public static Optional<ModelConfig> load(Path modelDir) {
        return load(modelDir, "");
    }

    /**
     * Reads the model's configuration: {@code configs/<configName>.pbtxt} when {@code configName} is non-empty
     * and that file exists (Triton's --model-config-name), otherwise {@code config.pbtxt}. Empty when neither
     * exists.
     */
    public static Optional<ModelConfig> load(Path modelDir, String configName) {
        Path file = configFile(modelDir, configName);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TritonException(TritonCode.INVALID_ARG,
                    "failed to read text proto from " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(parsePbtxt(text, file.toString()));
    }

    /** The file {@link #load(Path, String)} reads (which may not exist). */
    public static Path configFile(Path modelDir, String configName) {
        if (configName != null && !configName.isEmpty()) {
            Path custom = modelDir.resolve(CUSTOM_CONFIG_DIRECTORY).resolve(configName + ".pbtxt");
            if (Files.isRegularFile(custom)) {
                return custom;
            }
        }
        return modelDir.resolve(CONFIG_FILENAME);
    }
}
