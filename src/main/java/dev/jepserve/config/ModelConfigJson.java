package dev.jepserve.config;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;

/** Converts a ModelConfig to and from the JSON Triton uses (GET /config, the Python auto_complete_config). */
public final class ModelConfigJson {
    private ModelConfigJson() {
    }

    /**
     * Triton's JSON for the config, byte for byte: compact, snake_case names in .proto declaration order, defaults
     * printed, unset sub-messages omitted, and 64-bit integers as numbers where Triton converts them. An empty
     * config gives "" (Triton answers GET /config with an empty body then).
     */
    public static String toJson(ModelConfig config) {
        if (config.getSerializedSize() == 0) {
            return "";
        }
        return ConfigJsonRenderer.render(config);
    }

    /**
     * Reads a config from JSON such as the Python model's auto_complete_config returns: the shape
     * {@link #toJson} writes, with 64-bit integers as numbers or strings and enums by name.
     *
     * @throws TritonException INVALID_ARG for malformed JSON, unknown fields or values of the wrong type
     */
    public static ModelConfig fromJson(String json) {
        ModelConfig.Builder builder = ModelConfig.newBuilder();
        try {
            JsonFormat.parser().merge(json, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new TritonException(TritonCode.INVALID_ARG,
                    "failed to parse the model configuration JSON: " + e.getMessage(), e);
        }
        return builder.build();
    }
}
