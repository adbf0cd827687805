package dev.jepserve.python;

import java.util.List;

/**
 * What the Python runtime glue calls back on the server side of the border (installed as
 * {@code jepserve_context.callbacks}): in process the server's {@link PythonCallbacks}; in a stub process,
 * the stub's forwarder to the server. Called from any Python thread.
 */
public interface BorderCallbacks {
    /**
     * One ResponseMessage (JSON) and its output bytes in output order.
     *
     * @return null, or an error text the Python side raises to the model
     */
    String send(String message, List<?> buffers);

    /**
     * A response execute() returned: like {@link #send}, but the execution-done message of the same execution
     * always follows on this thread, so a transport may hold it back and send both together.
     */
    default String sendReturned(String message, List<?> buffers) {
        return send(message, buffers);
    }

    /**
     * Whether the server writes later batches into the memory a batch's inputs were in (a stub's input
     * region): the glue then reports which batches' inputs Python still references (ExecutionDoneMessage).
     */
    default boolean reusesInputMemory() {
        return false;
    }

    /** Whether the request was cancelled (client gone or timeout expired). */
    boolean isCancelled(long requestHandle);

    /** One ExecutionDoneMessage (JSON): an execute() that continued asynchronously returned. */
    void executionDone(String message);

    /** Where pb_utils' model control goes: unavailable unless overridden. */
    default ModelControlPort modelControl() {
        return ModelControlPort.UNAVAILABLE;
    }

    /** pb_utils.load_model: null when loaded, else the error text. See {@link ModelControlPort#load}. */
    default String loadModel(String name, String config, String filesJson) {
        return modelControl().load(name, config, filesJson);
    }

    /** pb_utils.unload_model: null, or the error text. */
    default String unloadModel(String name, boolean unloadDependents) {
        return modelControl().unload(name, unloadDependents);
    }

    /** pb_utils.is_model_ready: "true", "false" or the error text. */
    default String isModelReady(String name, String version) {
        return modelControl().isReady(name, version);
    }

    /**
     * The answer of a model's own is_ready() started by {@code jepserve_runtime.check_ready}: "true", "false",
     * or an error text (which means not ready).
     */
    default void readinessChecked(long check, String answer) {
    }

    /**
     * The model released the request with TRITONSERVER_REQUEST_RELEASE_RESCHEDULE: it is not answered now but
     * executed again (its handle is no longer valid; the next execution gets a new one). Called before the
     * execution that released it is reported done.
     */
    void reschedule(long requestHandle);
}
