package dev.jepserve.config;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.jepserve.config.proto.ModelConfig;

/** Renders a ModelConfig as Triton's JSON (placeholder: to be replaced by the exact renderer). */
public final class ModelConfigJson {
    private ModelConfigJson() {
    }

    public static String toJson(ModelConfig config) {
        try {
            return JsonFormat.printer().preservingProtoFieldNames().includingDefaultValueFields()
                    .omittingInsignificantWhitespace().print(config);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
