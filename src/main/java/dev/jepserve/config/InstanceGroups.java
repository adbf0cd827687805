package dev.jepserve.config;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInstanceGroup;

/**
 * Triton's NormalizeInstanceGroup for a server without GPUs: a missing instance_group becomes one CPU group
 * named exactly like the model, unnamed groups get {@code <model>_<index>}, KIND_AUTO resolves to KIND_CPU and a
 * count below 1 becomes 1. KIND_GPU and KIND_MODEL groups are kept as written.
 */
final class InstanceGroups {
    private InstanceGroups() {
    }

    static void normalize(ModelConfig.Builder config) {
        if (config.hasEnsembleScheduling()) {
            return;
        }
        if (config.getInstanceGroupCount() == 0) {
            config.addInstanceGroup(ModelInstanceGroup.newBuilder().setName(config.getName()));
        }
        for (int index = 0; index < config.getInstanceGroupCount(); index++) {
            ModelInstanceGroup.Builder group = config.getInstanceGroupBuilder(index);
            if (group.getName().isEmpty()) {
                group.setName(config.getName() + "_" + index);
            }
            if (group.getKind() == ModelInstanceGroup.Kind.KIND_AUTO) {
                group.setKind(ModelInstanceGroup.Kind.KIND_CPU);
            }
            if (group.getCount() < 1) {
                group.setCount(1);
            }
        }
    }
}
