package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.TritonException;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A backend made on its first use: the server's own interpreter (Jep, numpy, the runtime glue) costs about half
 * a second of CPU to start, which with every model in stub processes (the default) is never needed and would
 * only delay the stubs. A start that fails (say, a broken Python setup) fails that model's load, with the
 * setup's message, and is tried again by the next.
 */
public final class LazyBackend implements ModelBackend {
    private final Supplier<ModelBackend> start;
    private ModelBackend started;

    public LazyBackend(Supplier<ModelBackend> start) {
        this.start = start;
    }

    /** Makes the backend now (at start-up, when it is needed anyway: failures then stop the server). */
    public LazyBackend startNow() {
        backend();
        return this;
    }

    private synchronized ModelBackend backend() {
        if (started == null) {
            started = start.get();
        }
        return started;
    }

    private ModelBackend startedOrFail() {
        try {
            return backend();
        } catch (TritonException e) {
            throw e;
        } catch (RuntimeException e) {
            throw TritonException.internal(String.valueOf(e.getMessage()));
        }
    }

    @Override
    public ModelConfig autoComplete(String modelName, ModelConfig partial, Path newestVersionDir, Path modelDir) {
        return startedOrFail().autoComplete(modelName, partial, newestVersionDir, modelDir);
    }

    @Override
    public LoadedInstances loadInstances(VersionSource version) {
        return startedOrFail().loadInstances(version);
    }
}
