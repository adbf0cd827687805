package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelParameter;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.TritonException;

import java.nio.file.Path;

/**
 * Picks, per model, where its Python runs: in stub processes or in the server's own interpreter. The model's
 * {@code parameters { key: "PYTHON_ISOLATION" value { string_value: "process" | "inprocess" } }} wins over
 * the server's default ({@code --python-isolation}).
 */
public final class IsolationChoice implements ModelBackend {
    public static final String PARAMETER = "PYTHON_ISOLATION";
    /** Triton's per-model environment: only a stub process can use one. */
    static final String EXECUTION_ENV_PATH = "EXECUTION_ENV_PATH";

    /** Where a model's instances run. */
    public enum Isolation {
        PROCESS, INPROCESS;

        /** The setting's value ("process" or "inprocess"), or null for anything else. */
        public static Isolation parse(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "process" -> PROCESS;
                case "inprocess", "in-process", "in_process" -> INPROCESS;
                default -> null;
            };
        }
    }

    private final ModelBackend inProcess;
    private final ModelBackend process;
    private final Isolation defaultIsolation;

    public IsolationChoice(ModelBackend inProcess, ModelBackend process, Isolation defaultIsolation) {
        this.inProcess = inProcess;
        this.process = process;
        this.defaultIsolation = defaultIsolation;
    }

    /**
     * auto_complete_config runs where the model will run, chosen by the partial config's PYTHON_ISOLATION (or the
     * default): in process isolation the server's interpreter never imports the model's code.
     */
    @Override
    public ModelConfig autoComplete(String modelName, ModelConfig partial, Path newestVersionDir, Path modelDir) {
        return (isolationOf(modelName, partial) == Isolation.PROCESS ? process : inProcess)
                .autoComplete(modelName, partial, newestVersionDir, modelDir);
    }

    @Override
    public LoadedInstances loadInstances(VersionSource version) {
        return (isolationOf(version.modelName(), version.config()) == Isolation.PROCESS ? process : inProcess).loadInstances(version);
    }

    private Isolation isolationOf(String modelName, ModelConfig config) {
        ModelParameter parameter = config.getParametersMap().get(PARAMETER);
        Isolation isolation = parameter == null ? defaultIsolation : parsed(parameter);
        ModelParameter environment = config.getParametersMap().get(EXECUTION_ENV_PATH);
        if (isolation == Isolation.INPROCESS && environment != null && !environment.getStringValue().isBlank()) {
            throw TritonException.invalidArg("model '" + modelName + "' sets " + EXECUTION_ENV_PATH
                    + ", which needs process isolation: the server's own interpreter has one environment for every "
                    + "model (remove " + PARAMETER + " \"inprocess\" or run with --python-isolation process)");
        }
        return isolation;
    }

    private static Isolation parsed(ModelParameter parameter) {
        Isolation chosen = Isolation.parse(parameter.getStringValue());
        if (chosen == null) {
            throw TritonException.invalidArg("model parameter " + PARAMETER + " must be \"process\" or \"inprocess\", got \""
                    + parameter.getStringValue() + "\"");
        }
        return chosen;
    }
}
