package dev.jepserve.bls;

import dev.jepserve.inference.DataType;
import dev.jepserve.inference.ImmediateRun;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.border.BlsDirectCallMessage;
import dev.jepserve.python.border.BlsJson;
import dev.jepserve.python.border.BlsRequestMessage;
import dev.jepserve.python.border.InputMessage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The server end of BLS: turns a call into an {@link InferenceRequest} for the target model's scheduler (the
 * same path a client's request takes after decoding: validation, queue, statistics) and its answers into
 * border messages. Errors never throw: they are answers, with Triton's texts.
 */
public final class BlsDispatcher implements BlsTransport {
    private final Supplier<InferenceService> service;

    /** @param service the server's inference service (null until the models are loaded) */
    public BlsDispatcher(Supplier<InferenceService> service) {
        this.service = service;
    }

    @Override
    public RequestHandle start(String requestJson, List<ByteBuffer> inputs, BlsReceiver receiver) {
        BlsRequestMessage message;
        try {
            message = BlsJson.readRequest(requestJson);
        } catch (IllegalArgumentException e) {
            receiver.onAnswer(BlsJson.writeError(TritonException.internal(e.getMessage()), true), List.of(), true);
            return RequestHandle.NONE;
        }
        return dispatch(message, inputs, receiver);
    }

    /** Submits a parsed call. */
    public RequestHandle dispatch(BlsRequestMessage message, List<ByteBuffer> inputs, BlsReceiver receiver) {
        Answers answers = new Answers(message.modelName(), receiver);
        ServedModel model = readyModel(message);
        if (model == null) {
            answers.refuse("Failed for execute the inference request. Model '" + message.modelName()
                    + "' is not ready.");
            return RequestHandle.NONE;
        }
        if (model.isDecoupled() && !message.decoupled()) {
            // Triton's text, stray quote included.
            answers.refuse("Model " + message.modelName() + " is using the decoupled. The current BLS request call "
                    + "doesn't support models using the decoupled transaction policy. Please use 'decoupled=True' "
                    + "argument to the 'exec' or 'async_exec' calls for decoupled models.'");
            return RequestHandle.NONE;
        }
        InferenceRequest request;
        try {
            request = new InferenceRequest(message.modelName(), model.version(), message.id(), message.correlationId(),
                    message.flags(), message.timeoutMicros(), message.parameters(), tensors(message, inputs),
                    message.requestedOutputs());
        } catch (TritonException e) {
            answers.refuse(e.getMessage());
            return RequestHandle.NONE;
        }
        RequestHandle handle = model.infer(request, answers);
        answers.submitted();
        return handle;
    }

    /** A direct call the scheduler started: the reserved run, and the sink its answer is captured in. */
    public record DirectCall(ImmediateRun run, CapturingSink sink) {
    }

    /**
     * Starts a blocking non-decoupled call at once on an idle instance {@code runsHere} accepts, for the calling
     * thread to run (the in-process direct path), when the ordinary path would start it at once too. Answers
     * not captured on the caller's thread go to {@code receiver}, as the ordinary path's do.
     *
     * @return the started call, or null when it is to take the ordinary path ({@link #start}): the model is
     *         not ready or decoupled, an input is BYTES (whose bytes validation walks), no instance is idle...
     * @throws TritonException the call's refusal as the ordinary path would answer it (an invalid request)
     */
    public DirectCall startAtOnce(BlsDirectCallMessage call, BlsReceiver receiver, Predicate<ModelInstance> runsHere) {
        BlsRequestMessage message = call.request();
        ServedModel model = readyModel(message);
        if (model == null || model.isDecoupled() || message.decoupled()) {
            return null;
        }
        List<Tensor> tensors = new ArrayList<>(message.inputs().size());
        for (int i = 0; i < message.inputs().size(); i++) {
            InputMessage input = message.inputs().get(i);
            DataType type = DataType.fromCode(input.datatype());
            long size = call.inputByteSizes()[i];
            if (type == null || type == DataType.BYTES || size < 0 || size > Integer.MAX_VALUE) {
                return null;
            }
            tensors.add(Tensor.elsewhere(input.name(), type, input.shape(), (int) size));
        }
        Answers answers = new Answers(message.modelName(), receiver);
        answers.submitted(); // answers that reach it come from the running model, unprefixed
        CapturingSink sink = new CapturingSink(answers);
        try {
            InferenceRequest request = new InferenceRequest(message.modelName(), model.version(), message.id(),
                    message.correlationId(), message.flags(), message.timeoutMicros(), message.parameters(), tensors,
                    message.requestedOutputs());
            ImmediateRun run = model.startAtOnce(request, sink, runsHere);
            return run == null ? null : new DirectCall(run, sink);
        } catch (TritonException e) {
            throw TritonException.internal(answers.prefixed(e.getMessage()));
        }
    }

    private ServedModel readyModel(BlsRequestMessage message) {
        InferenceService server = service.get();
        if (server == null) {
            return null;
        }
        try {
            return server.model(message.modelName(), message.modelVersion() > 0 ? Long.toString(message.modelVersion()) : "");
        } catch (TritonException e) {
            return null;
        }
    }

    private static List<Tensor> tensors(BlsRequestMessage message, List<ByteBuffer> buffers) {
        List<Tensor> tensors = new ArrayList<>(message.inputs().size());
        for (InputMessage input : message.inputs()) {
            DataType type = DataType.fromCode(input.datatype());
            if (type == null) {
                throw TritonException.invalidArg("input '" + input.name() + "' has an unsupported data type code "
                        + input.datatype());
            }
            if (input.buffer() < 0 || input.buffer() >= buffers.size()) {
                throw TritonException.invalidArg("input '" + input.name() + "' has no data");
            }
            ByteBuffer data = buffers.get(input.buffer()).duplicate().order(ByteOrder.LITTLE_ENDIAN);
            tensors.add(new Tensor(input.name(), type, input.shape(), data));
        }
        return tensors;
    }

    /**
     * The call's answers as border messages. Errors raised while the request is being submitted (validation,
     * a full queue) carry Triton's "Model X - Error when running inference: " prefix, as Triton's BLS reports
     * what its inference call throws; errors from the running model are passed on as they are.
     */
    private static final class Answers implements ResponseSink {
        private final String modelName;
        private final BlsReceiver receiver;
        /** The thread submitting the request, until infer() returned: refusals come on it. */
        private volatile Thread submitting = Thread.currentThread();

        Answers(String modelName, BlsReceiver receiver) {
            this.modelName = modelName;
            this.receiver = receiver;
        }

        void submitted() {
            submitting = null;
        }

        void refuse(String message) {
            receiver.onAnswer(BlsJson.writeError(TritonException.internal(prefixed(message)), true), List.of(), true);
        }

        private String prefixed(String message) {
            return "Model " + modelName + " - Error when running inference: " + message;
        }

        @Override
        public void send(InferenceResponse response, boolean isFinal) {
            List<ByteBuffer> outputs = new ArrayList<>();
            if (response != null) {
                for (Tensor tensor : response.outputs()) {
                    outputs.add(tensor.data());
                }
            }
            receiver.onAnswer(BlsJson.writeResponse(response, isFinal), outputs, isFinal);
        }

        @Override
        public void fail(TritonException error, boolean isFinal) {
            TritonException answer = submitting == Thread.currentThread()
                    ? TritonException.internal(prefixed(error.getMessage())) : error;
            receiver.onAnswer(BlsJson.writeError(answer, isFinal), List.of(), isFinal);
        }
    }
}
