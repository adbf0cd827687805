package dev.jepserve.python;

import dev.jepserve.inference.ExecutionTimes;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.inference.ScheduledRequest;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.border.BorderJson;
import dev.jepserve.python.border.ExecutionDoneMessage;
import jep.JepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A TritonPythonModel object living in the embedded interpreter: its execute() calls run on its own Python
 * thread, its other calls (is_ready, finalize) on the server's Python workers.
 */
public final class PythonModelInstance implements ModelInstance {
    private static final Logger LOG = LoggerFactory.getLogger(PythonModelInstance.class);

    private final String key;
    private final String name;
    private final String modelName;
    private final String version;
    private final PythonRuntime python;
    private final PythonCallbacks callbacks;
    private final PythonWorkers thread;

    /** @param thread the instance's own Python thread for execute() ({@link PythonRuntime#newInstanceThread}) */
    PythonModelInstance(String key, String name, String modelName, String version, PythonRuntime python,
                        PythonCallbacks callbacks, PythonWorkers thread) {
        this.thread = thread;
        this.key = key;
        this.name = name;
        this.modelName = modelName;
        this.version = version;
        this.python = python;
        this.callbacks = callbacks;
    }

    @Override
    public String name() {
        return name;
    }

    /** The instance's key in the runtime glue ({@code jepserve_runtime._instances}). */
    String key() {
        return key;
    }

    String modelName() {
        return modelName;
    }

    String version() {
        return version;
    }

    /** Whether its execute() may run on any thread of {@code runtime}'s interpreter (an in-process BLS call's). */
    boolean runsIn(PythonRuntime runtime) {
        return python == runtime;
    }

    @Override
    public CompletableFuture<ExecutionTimes> execute(List<ScheduledRequest> batch) {
        CompletableFuture<ExecutionTimes> returned = new CompletableFuture<>();
        long batchHandle = callbacks.openBatch(returned);
        PythonBatchEncoder.Encoded encoded = PythonBatchEncoder.encode(batchHandle, batch, callbacks, modelName, version);
        returned.whenComplete((times, error) -> callbacks.closeFinished(encoded.requestHandles()));
        python.execute(thread, key, BorderJson.write(encoded.message()), encoded.numpyViews())
                .whenComplete((done, error) -> {
                    if (error != null) {
                        failBatch(batch, batchHandle, error);
                    } else if (done != null) {
                        callbacks.executionDone(done);
                    }
                    // else: an async execute() reports through PythonCallbacks.executionDone when it returns.
                });
        return returned;
    }

    /** The runtime glue itself failed (not the model): every request of the batch gets the error. */
    private void failBatch(List<ScheduledRequest> batch, long batchHandle, Throwable error) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        // The client sees the failure's text, not a Java class name.
        String detail = cause instanceof JepException jep ? RuntimeBinding.pythonMessage(jep)
                : cause.getMessage() != null ? cause.getMessage() : "internal error in the Python runtime";
        LOG.error("Failed to process the request(s) for model '{}': {}", name, detail, cause);
        TritonException failure = TritonException.internal(
                "Failed to process the request(s) for model '" + name + "', message: " + detail);
        for (ScheduledRequest request : batch) {
            request.fail(failure, true);
        }
        callbacks.executionDone(new ExecutionDoneMessage(batchHandle, 0, 0, 0));
    }

    /** Whether the model has no is_ready() (learned at the first check): then it is ready while it runs. */
    private volatile boolean noReadinessCheck;
    /** The check under way: one at a time per instance, later callers share it. */
    private CompletableFuture<Boolean> readinessInFlight;

    @Override
    public synchronized CompletableFuture<Boolean> userReady() {
        if (noReadinessCheck) {
            return CompletableFuture.completedFuture(true);
        }
        if (readinessInFlight != null && !readinessInFlight.isDone()) {
            return readinessInFlight;
        }
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        long check = callbacks.openReadinessCheck(answer);
        readinessInFlight = answer;
        python.checkReady(key, check).whenComplete((immediate, error) -> {
            if (error != null) {
                answer.complete(false);
            } else if ("absent".equals(immediate)) {
                noReadinessCheck = true;
                answer.complete(true);
            } else if (immediate != null) {
                answer.complete("true".equals(immediate));
            }
        });
        return answer;
    }

    /**
     * Runs finalize() (errors are logged, as Triton does) and drops the Python object, then ends the instance's
     * own thread. Blocks until done. finalize() runs on the server's workers, so an execute() that never returns
     * does not keep the instance from unloading.
     */
    public void finalizeInstance() {
        try {
            finalizeObject();
        } finally {
            thread.close();
        }
    }

    private void finalizeObject() {
        try {
            String error = python.finalizeInstance(key);
            if (error != null) {
                LOG.error("Failed to finalize model instance '{}': {}", name, error);
            }
        } catch (CompletionException e) {
            LOG.error("Failed to finalize model instance '{}': {}", name, e.getCause().toString());
        }
    }
}
