package dev.jepserve.python;

import dev.jepserve.inference.BatchCancellation;
import dev.jepserve.inference.BatchResult;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.inference.TritonException;
import jep.JepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A TritonPythonModel object living in the embedded interpreter; its calls run on the Python workers. */
public final class PythonModelInstance implements ModelInstance {
    private static final Logger LOG = LoggerFactory.getLogger(PythonModelInstance.class);

    private final String key;
    private final String name;
    private final String modelName;
    private final String version;
    private final PythonWorkers workers;

    PythonModelInstance(String key, String name, String modelName, String version, PythonWorkers workers) {
        this.key = key;
        this.name = name;
        this.modelName = modelName;
        this.version = version;
        this.workers = workers;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<BatchResult> execute(List<InferenceRequest> batch, BatchCancellation cancellation) {
        return workers.submit(runtime -> {
            try {
                PythonBatchCodec.Encoded encoded = PythonBatchCodec.encode(batch);
                List<?> result = runtime.execute(key, encoded.metadata(), encoded.buffers(), cancellation);
                return PythonBatchCodec.decode(result, modelName, version, batch);
            } catch (JepException e) {
                return BatchResult.allFailed(batch.size(), TritonException.internal(
                        "Failed to process the request(s) for model '" + name + "', message: " + RuntimeBinding.pythonMessage(e)));
            }
        });
    }

    /** Runs finalize() (errors are logged, as Triton does) and drops the Python object. Blocks until done. */
    public void finalizeInstance() {
        try {
            String error = workers.call(runtime -> runtime.finalizeInstance(key));
            if (error != null) {
                LOG.error("Failed to finalize model instance '{}': {}", name, error);
            }
        } catch (CompletionException e) {
            LOG.error("Failed to finalize model instance '{}': {}", name, e.getCause().toString());
        }
    }
}
