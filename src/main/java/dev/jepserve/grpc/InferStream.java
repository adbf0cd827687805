package dev.jepserve.grpc;

import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.grpc.proto.ModelStreamInferResponse;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.InputMemory;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.RequestTrace;
import dev.jepserve.inference.ServedModel;
import dev.jepserve.inference.TraceActivity;
import dev.jepserve.inference.Tracer;
import dev.jepserve.inference.TritonException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * One ModelStreamInfer call: every request the client sends is submitted with its own response sink, and
 * every response, error or (when asked for) empty final response becomes one ModelStreamInferResponse.
 *
 * <ul>
 *   <li>Requests to non-decoupled models are answered in request order (Triton's rule); responses of decoupled
 *       models go out as they come, interleaved.</li>
 *   <li>Errors travel in-band in {@code error_message} and the stream goes on, unless the client sent the
 *       {@code triton_grpc_error: true} header: then the first error ends the stream with its status.</li>
 *   <li>The client half-closing, or the server stopping, ends the stream (OK) once every request in flight is
 *       answered. The client cancelling cancels every request in flight.</li>
 * </ul>
 */
final class InferStream implements StreamObserver<ModelInferRequest> {
    static final String SHUTTING_DOWN = "GRPC server is shutting down and has stopped accepting new requests.";

    private final InferenceService service;
    private final OpenStreams openStreams;
    private final StreamWriter<ModelStreamInferResponse> writer;
    private final boolean errorsEndStream;
    private final Tracer tracer;

    // Guarded by this.
    private final Deque<Request> inOrder = new ArrayDeque<>();
    private final Set<Request> inFlight = new LinkedHashSet<>();
    private final ParsedMessageMemory memory;
    private boolean noMoreRequests;
    private boolean shuttingDown;
    private boolean ended;

    /** Must be created while the call starts (it registers the call's handlers). */
    InferStream(InferenceService service, StreamObserver<ModelStreamInferResponse> observer, Executor executor,
                OpenStreams openStreams) {
        this(service, observer, executor, openStreams, Tracer.OFF, ParsedMessageMemory.NONE);
    }

    /**
     * @param tracer decides which of the stream's requests are traced
     * @param memory where received messages' bytes live (given back once their request is done)
     */
    InferStream(InferenceService service, StreamObserver<ModelStreamInferResponse> observer, Executor executor,
                OpenStreams openStreams, Tracer tracer, ParsedMessageMemory memory) {
        this.tracer = tracer;
        this.memory = memory;
        ServerCallStreamObserver<ModelStreamInferResponse> call =
                (ServerCallStreamObserver<ModelStreamInferResponse>) observer;
        this.service = service;
        this.openStreams = openStreams;
        this.errorsEndStream = StreamErrorMode.errorsEndStream();
        this.writer = new StreamWriter<>(call, executor);
        call.setOnCancelHandler(this::cancelled);
        openStreams.add(this);
    }

    @Override
    public void onNext(ModelInferRequest message) {
        long received = System.nanoTime();
        InputMemory bytes = memory.claim(message);
        ServedModel model;
        InferRequestReader.Decoded decoded;
        try {
            if (isShuttingDown()) {
                throw TritonException.unavailable(SHUTTING_DOWN);
            }
            model = service.model(message.getModelName(), message.getModelVersion());
            decoded = InferRequestReader.read(message, ModelInferRpc.requestedVersion(message.getModelVersion(), model),
                    bytes);
        } catch (RuntimeException refused) {
            Request request = new Request(message, false, false);
            if (start(request)) {
                request.fail(GrpcStatuses.tritonError(refused), true);
            }
            return;
        }
        Request request = new Request(message, model.isDecoupled(), decoded.enableEmptyFinalResponse());
        if (!start(request)) {
            return; // the stream ended meanwhile (an error in triton_grpc_error mode): nobody would get the answer
        }
        RequestTrace trace = tracer.sample(model.name(), model.version(), "GRPC");
        if (trace != null) {
            trace.record(TraceActivity.GRPC_WAITREAD_START, received);
            trace.record(TraceActivity.GRPC_WAITREAD_END, System.nanoTime());
            request.trace = trace;
        }
        RequestHandle handle;
        try {
            handle = model.infer(decoded.request(), request, trace);
        } catch (RuntimeException failure) {
            request.fail(GrpcStatuses.tritonError(failure), true);
            return;
        }
        request.submitted(handle);
    }

    /** The client half-closed: end the stream once what is in flight is answered. */
    @Override
    public void onCompleted() {
        synchronized (this) {
            noMoreRequests = true;
            endIfDone();
        }
    }

    /** The client's side failed (it cancelled, or the connection broke). */
    @Override
    public void onError(Throwable clientError) {
        cancelled();
    }

    /** The server is stopping: no new requests; the stream ends once what is in flight is answered. */
    void shutdown() {
        synchronized (this) {
            shuttingDown = true;
            noMoreRequests = true;
            endIfDone();
        }
    }

    private synchronized boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Registers a request before it is submitted; false when the stream has already ended. */
    private synchronized boolean start(Request request) {
        if (ended) {
            return false;
        }
        inFlight.add(request);
        if (!request.decoupled) {
            inOrder.addLast(request);
        }
        return true;
    }

    /** The client went away: cancel every request in flight and drop whatever is still to be written. */
    private void cancelled() {
        List<Request> toCancel;
        synchronized (this) {
            ended = true;
            toCancel = new ArrayList<>(inFlight);
            inFlight.clear();
            inOrder.clear();
            openStreams.remove(this);
        }
        writer.cancelled();
        toCancel.forEach(Request::cancel);
    }

    /** Ends the stream with an error status (triton_grpc_error mode) and cancels what is still in flight. */
    private void endWithError(TritonException error) {
        List<Request> toCancel;
        synchronized (this) {
            if (ended) {
                return;
            }
            end(GrpcStatuses.status(error));
            toCancel = new ArrayList<>(inFlight);
            inFlight.clear();
            inOrder.clear();
        }
        toCancel.forEach(Request::cancel);
    }

    private void endIfDone() {
        if (!ended && noMoreRequests && inFlight.isEmpty() && inOrder.isEmpty()) {
            end(Status.OK);
        }
    }

    private void end(Status status) {
        ended = true;
        writer.finish(status);
        openStreams.remove(this);
    }

    /** Hands one request's message to the writer, in request order for non-decoupled models. */
    private synchronized void emit(Request request, ModelStreamInferResponse message, boolean isFinal) {
        if (ended || request.done) {
            return;
        }
        if (request.decoupled) {
            if (message != null) {
                writer.write(message);
            }
        } else if (message != null) {
            request.held.add(message);
        }
        if (isFinal) {
            request.done = true;
            inFlight.remove(request);
        }
        writeInOrder();
        endIfDone();
    }

    /** Writes what the oldest non-decoupled requests have, up to the first one still waiting for its answer. */
    private void writeInOrder() {
        for (Request head = inOrder.peekFirst(); head != null; head = inOrder.peekFirst()) {
            head.held.forEach(writer::write);
            head.held.clear();
            if (!head.done) {
                return;
            }
            inOrder.pollFirst();
        }
    }

    /** One request on the stream and its response sink. */
    private final class Request implements ResponseSink {
        private final String id;
        private final String model;
        private final String requestedVersion;
        private final boolean decoupled;
        private final boolean emptyFinalWanted;
        /** The thread that submits the request: a final error on it before submit returned is a refusal. */
        private final Thread submitter = Thread.currentThread();
        // Guarded by the stream.
        private final List<ModelStreamInferResponse> held = new ArrayList<>(1);
        private boolean done;
        // Guarded by this request.
        private RequestHandle handle;
        private boolean submitted;
        private boolean cancelRequested;
        /** Set before the request is submitted when it is sampled; null otherwise. */
        private volatile RequestTrace trace;

        Request(ModelInferRequest message, boolean decoupled, boolean emptyFinalWanted) {
            this.id = message.getId();
            this.model = message.getModelName();
            this.requestedVersion = message.getModelVersion();
            this.decoupled = decoupled;
            this.emptyFinalWanted = emptyFinalWanted;
        }

        void submitted(RequestHandle requestHandle) {
            boolean cancelNow;
            synchronized (this) {
                handle = requestHandle;
                submitted = true;
                cancelNow = cancelRequested;
            }
            if (cancelNow) {
                requestHandle.cancel(); // the stream was cancelled while the request was being submitted
            }
        }

        void cancel() {
            RequestHandle toCancel;
            synchronized (this) {
                cancelRequested = true;
                toCancel = handle;
            }
            if (toCancel != null) {
                toCancel.cancel();
            }
        }

        private synchronized boolean wasSubmitted() {
            return submitted;
        }

        @Override
        public void send(InferenceResponse response, boolean isFinal) {
            RequestTrace traced = trace;
            if (traced != null) {
                traced.record(TraceActivity.GRPC_SEND_START, System.nanoTime());
            }
            if (response != null) {
                emit(this, InferResponseWriter.streamResponse(response, isFinal), isFinal);
            } else if (isFinal) {
                emit(this, emptyFinalWanted ? InferResponseWriter.emptyFinal(model, requestedVersion, id) : null, true);
            }
            if (traced != null) {
                // Handed to the stream's writer, which sends in order on the gRPC executor.
                traced.record(TraceActivity.GRPC_SEND_END, System.nanoTime());
                if (isFinal) {
                    traced.finish();
                }
            }
        }

        @Override
        public void fail(TritonException error, boolean isFinal) {
            RequestTrace traced = trace;
            if (traced != null && isFinal) {
                traced.finish();
            }
            if (errorsEndStream) {
                synchronized (InferStream.this) {
                    done = done || isFinal;
                    if (isFinal) {
                        inFlight.remove(this);
                    }
                }
                endWithError(error);
                return;
            }
            // Refused before inference: only the id. Failed during it: the request's model and version too. A fast
            // model may fail on its own thread before submit returned: that is a failure during inference.
            boolean refused = isFinal && !wasSubmitted() && Thread.currentThread() == submitter;
            emit(this, InferResponseWriter.streamError(String.valueOf(error.getMessage()), id,
                    refused ? null : model, requestedVersion, refused ? null : isFinal), isFinal);
        }
    }
}
