package dev.jepserve.python;

import dev.jepserve.bls.BlsDispatcher;
import dev.jepserve.bls.BlsReceiver;
import dev.jepserve.bls.CapturingSink;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.ExecutionTimes;
import dev.jepserve.inference.ImmediateRun;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ScheduledRequest;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.border.BlsDirectAnswerMessage;
import dev.jepserve.python.border.BlsDirectCallMessage;
import dev.jepserve.python.border.BlsDirectDoneMessage;
import dev.jepserve.python.border.BlsDirectStartMessage;
import dev.jepserve.python.border.BlsJson;
import dev.jepserve.python.border.BorderJson;
import dev.jepserve.python.border.ErrorMessage;
import dev.jepserve.python.border.OutputMessage;
import dev.jepserve.python.border.ResponseMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process direct path of blocking BLS calls: when the called model's instance lives in the caller's
 * interpreter and would start at once, the caller's thread runs its execute() in Python with pb_utils objects
 * (no batch message, no byte copies through Jep). The server's side of it is here: the call is validated and
 * started through the called model's scheduler (which reserves the instance, counts and times the request), and
 * its response, described without its bytes, passes the output contract before the caller gets it.
 */
final class DirectBlsCalls {
    /** A started call: its message for Python, and the handle that cancels it. */
    record Start(String message, RequestHandle handle) {
    }

    /** A call whose execute() runs, by its handle on the BLS bridge. */
    private record Open(BlsDispatcher.DirectCall call, long requestHandle, String modelName, String version) {
    }

    private final BlsDispatcher dispatcher;
    private final PythonCallbacks callbacks;
    private final PythonRuntime runtime;
    private final Map<Long, Open> open = new ConcurrentHashMap<>();

    /** @param runtime the interpreter the callers run in: only its instances are run directly */
    DirectBlsCalls(BlsDispatcher dispatcher, PythonCallbacks callbacks, PythonRuntime runtime) {
        this.dispatcher = dispatcher;
        this.callbacks = callbacks;
        this.runtime = runtime;
    }

    /**
     * Starts a call (a {@link BlsDirectCallMessage}) under the bridge's handle {@code call}; answers that come
     * later than execute()'s return go to {@code receiver}.
     *
     * @return its start message (a {@link BlsDirectStartMessage}, also a refusal), or null for the ordinary path
     */
    Start start(long call, String callJson, BlsReceiver receiver) {
        BlsDirectCallMessage message;
        try {
            message = BlsJson.readDirectCall(callJson);
        } catch (IllegalArgumentException e) {
            return null; // the ordinary path reports it
        }
        BlsDispatcher.DirectCall started;
        try {
            started = dispatcher.startAtOnce(message, receiver, this::runsHere);
        } catch (TritonException refused) {
            return new Start(BlsJson.writeDirectStart(new BlsDirectStartMessage(call, "", 0, List.of(),
                    error(refused))), RequestHandle.NONE);
        }
        if (started == null) {
            return null;
        }
        ImmediateRun run = started.run();
        PythonModelInstance instance = (PythonModelInstance) run.instance();
        long requestHandle = callbacks.openRequest(run.request(), instance.modelName(), instance.version());
        open.put(call, new Open(started, requestHandle, instance.modelName(), instance.version()));
        return new Start(BlsJson.writeDirectStart(new BlsDirectStartMessage(call, instance.key(), requestHandle,
                run.request().request().requestedOutputs(), null)), run.handle());
    }

    private boolean runsHere(ModelInstance instance) {
        return instance instanceof PythonModelInstance python && python.runsIn(runtime);
    }

    /**
     * The called model's execute() returned: delivers its response (a {@link ResponseMessage}, null when it has
     * none yet) to the request, which checks it against the output contract and counts it, then frees the
     * instance.
     *
     * @return what the caller gets
     */
    BlsDirectAnswerMessage finish(BlsDirectDoneMessage done, String responseJson) {
        Open call = open.remove(done.call());
        if (call == null) {
            throw new IllegalStateException("no direct BLS call " + done.call());
        }
        ImmediateRun run = call.call().run();
        CapturingSink.Captured captured = null;
        try {
            if (responseJson != null) {
                ResponseMessage response = BorderJson.readResponse(responseJson);
                captured = call.call().sink().capture(() -> deliver(response, done.outputByteSizes(), run.request(),
                        call.modelName(), call.version()));
            }
        } finally {
            callbacks.closeFinished(List.of(call.requestHandle()));
            run.finish(new ExecutionTimes(done.computeInputNanos(), done.computeInferNanos(),
                    done.computeOutputNanos()));
        }
        return answer(captured);
    }

    /** As {@link PythonResponses#deliver} does for a response whose outputs stay in Python. */
    private static void deliver(ResponseMessage message, long[] byteSizes, ScheduledRequest request, String modelName,
                                String version) {
        if (message.error() != null) {
            request.fail(new TritonException(PythonResponses.codeOf(message.error().code()),
                    message.error().message()), true);
            return;
        }
        if (message.empty()) {
            request.send(null, true);
            return;
        }
        List<OutputMessage> outputs = message.outputs();
        List<Tensor> tensors = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            OutputMessage output = outputs.get(i);
            DataType type = DataType.fromCode(output.datatype());
            if (type == null || i >= byteSizes.length || byteSizes[i] > Integer.MAX_VALUE) {
                request.fail(TritonException.internal("output '" + output.name() + "' of model '" + modelName
                        + "' has an unsupported data type code " + output.datatype()), true);
                return;
            }
            tensors.add(Tensor.elsewhere(output.name(), type, output.shape(), (int) byteSizes[i]));
        }
        request.send(new InferenceResponse(modelName, version, request.request().id(), message.parameters(), tensors),
                true);
    }

    private static BlsDirectAnswerMessage answer(CapturingSink.Captured captured) {
        if (captured == null) {
            return new BlsDirectAnswerMessage(true, List.of(), null);
        }
        if (captured.error() != null) {
            return new BlsDirectAnswerMessage(false, List.of(), error(captured.error()));
        }
        List<String> kept = captured.response() == null ? List.of()
                : captured.response().outputs().stream().map(Tensor::name).toList();
        return new BlsDirectAnswerMessage(false, kept, null);
    }

    private static ErrorMessage error(TritonException error) {
        return new ErrorMessage(error.code().ordinal(), String.valueOf(error.getMessage()));
    }
}
