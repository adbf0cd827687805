package dev.jepserve.python;

import dev.jepserve.config.proto.ModelInstanceGroup;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The 7 string keys Triton passes to a model's initialize(args), whichever process it runs in. */
public final class InitializeArgs {
    private InitializeArgs() {
    }

    public static Map<String, String> of(String configJson, ModelInstanceGroup group, String instanceName,
                                         Path modelDir, String version, String modelName) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("model_config", configJson);
        args.put("model_instance_kind", instanceKind(group.getKind()));
        args.put("model_instance_name", instanceName);
        args.put("model_instance_device_id", "0");
        args.put("model_repository", modelDir.toString());
        args.put("model_version", version);
        args.put("model_name", modelName);
        return args;
    }

    /** KIND_GPU instances run on the CPU here, and the model is told so (it picks its CPU code path). */
    private static String instanceKind(ModelInstanceGroup.Kind kind) {
        return kind == ModelInstanceGroup.Kind.KIND_MODEL ? "MODEL" : "CPU";
    }
}
