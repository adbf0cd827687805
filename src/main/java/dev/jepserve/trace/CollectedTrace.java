package dev.jepserve.trace;

import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.RequestTrace;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TraceActivity;

import java.util.ArrayList;
import java.util.List;

/**
 * What one sampled request recorded: its activities with their times in the order they were recorded, and at
 * the TENSORS level its input and output tensors. Handed to the sink once the core recorded REQUEST_END and the
 * front end finished, whichever came last.
 */
final class CollectedTrace implements RequestTrace {
    /** One recorded activity; {@code nanos} is a System.nanoTime reading. */
    record Timestamp(TraceActivity activity, long nanos) {
    }

    /**
     * One traced tensor (TENSOR_QUEUE_INPUT or TENSOR_BACKEND_OUTPUT), rendered when recorded: a request's
     * buffers may be reused once it is answered.
     */
    record TracedTensor(String activity, String name, String data, String shape, String dtype) {
        static TracedTensor of(String activity, Tensor tensor) {
            return new TracedTensor(activity, tensor.name(), TensorText.data(tensor), TensorText.shape(tensor),
                    tensor.dataType().protocolName());
        }
    }

    private final long id;
    private final String model;
    private final long version;
    private final String protocol;
    private final TraceSettings settings;
    private final TraceSink sink;

    // Guarded by this.
    private final List<Timestamp> timestamps = new ArrayList<>(16);
    private final List<TracedTensor> tensors = new ArrayList<>(0);
    private String requestId = "";
    private boolean requestEnded;
    private boolean finished;

    CollectedTrace(long id, String model, long version, String protocol, TraceSettings settings, TraceSink sink) {
        this.id = id;
        this.model = model;
        this.version = version;
        this.protocol = protocol;
        this.settings = settings;
        this.sink = sink;
    }

    @Override
    public void record(TraceActivity activity, long nanoTime) {
        boolean complete;
        synchronized (this) {
            if (activity == TraceActivity.REQUEST_END) {
                if (requestEnded) {
                    return;
                }
                requestEnded = true;
            }
            timestamps.add(new Timestamp(activity, nanoTime));
            complete = activity == TraceActivity.REQUEST_END && finished;
        }
        if (complete) {
            sink.complete(this);
        }
    }

    @Override
    public void accepted(InferenceRequest request) {
        synchronized (this) {
            requestId = request.id() == null ? "" : request.id();
            if (settings.tensors()) {
                for (Tensor input : request.inputs()) {
                    tensors.add(TracedTensor.of("TENSOR_QUEUE_INPUT", input));
                }
            }
        }
    }

    @Override
    public void responded(InferenceResponse response) {
        if (!settings.tensors()) {
            return;
        }
        synchronized (this) {
            for (Tensor output : response.outputs()) {
                tensors.add(TracedTensor.of("TENSOR_BACKEND_OUTPUT", output));
            }
        }
    }

    @Override
    public void finish() {
        boolean complete;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            complete = requestEnded;
        }
        if (complete) {
            sink.complete(this);
        }
    }

    long id() {
        return id;
    }

    String model() {
        return model;
    }

    long version() {
        return version;
    }

    /** "HTTP" or "GRPC". */
    String protocol() {
        return protocol;
    }

    TraceSettings settings() {
        return settings;
    }

    synchronized String requestId() {
        return requestId;
    }

    synchronized List<Timestamp> timestamps() {
        return List.copyOf(timestamps);
    }

    synchronized List<TracedTensor> tensors() {
        return List.copyOf(tensors);
    }

    /** The time of the first recording of this activity, or -1. */
    synchronized long time(TraceActivity activity) {
        for (Timestamp timestamp : timestamps) {
            if (timestamp.activity() == activity) {
                return timestamp.nanos();
            }
        }
        return -1;
    }
}
