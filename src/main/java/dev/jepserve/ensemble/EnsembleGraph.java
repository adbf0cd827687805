package dev.jepserve.ensemble;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelEnsembling;
import dev.jepserve.config.proto.ModelOutput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ensemble's steps as the data flow needs them.
 *
 * @param outputs    the ensemble's output names, in config order
 * @param decoupled  the ensemble answers with a stream (one of its steps is decoupled)
 */
record EnsembleGraph(List<Step> steps, List<String> outputs, boolean decoupled) {

    /**
     * One step.
     *
     * @param inputs  step input name to ensemble tensor name (the config's input_map)
     * @param outputs step output name to ensemble tensor name (the config's output_map)
     */
    record Step(int index, String modelName, String modelVersion, Map<String, String> inputs,
                Map<String, String> outputs) {
    }

    static EnsembleGraph of(ModelConfig config) {
        List<Step> steps = new ArrayList<>();
        List<ModelEnsembling.Step> configured = config.getEnsembleScheduling().getStepList();
        for (int i = 0; i < configured.size(); i++) {
            ModelEnsembling.Step step = configured.get(i);
            steps.add(new Step(i, step.getModelName(),
                    step.getModelVersion() > 0 ? Long.toString(step.getModelVersion()) : "",
                    new LinkedHashMap<>(step.getInputMapMap()), new LinkedHashMap<>(step.getOutputMapMap())));
        }
        List<String> outputs = config.getOutputList().stream().map(ModelOutput::getName).toList();
        return new EnsembleGraph(List.copyOf(steps), outputs, config.getModelTransactionPolicy().getDecoupled());
    }
}
