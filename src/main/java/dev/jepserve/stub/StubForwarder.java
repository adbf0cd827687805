package dev.jepserve.stub;

import com.google.protobuf.ByteString;
import dev.jepserve.python.BorderCallbacks;
import dev.jepserve.stub.proto.ExecutionDone;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.ReadyChecked;
import dev.jepserve.stub.proto.Reschedule;
import dev.jepserve.stub.proto.RegionSlice;
import dev.jepserve.stub.proto.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The border callbacks inside a stub: responses and "execute returned" go to the server as messages (no
 * round trip: the model goes on at once); cancellation is known from the server's CancelledRequests pushes.
 */
final class StubForwarder implements BorderCallbacks {
    /**
     * How long an output waits for space the server is about to give back (its releases travel on the control
     * connection, sent by a 20 ms sweep when no Execute carried them) before its request fails as too large.
     */
    private static final long RELEASE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private final StubChannel channel;
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    private final Object writeOrder = new Object();
    private volatile StubMetricsLink metrics;
    private final StubModelControl modelControl = new StubModelControl(this);
    /** The output region's allocator; null without shared memory. */
    private volatile RegionAllocator outputs;
    /** Non-decoupled coroutines still awaiting: the execute channel holds the next batch meanwhile. */
    private final PendingCoroutines coroutines;

    StubForwarder(StubChannel channel, PendingCoroutines coroutines) {
        this.channel = channel;
        this.coroutines = coroutines;
    }

    /**
     * One response. Its buffers are either bytes (no shared memory) or the offsets {@link #allocateOutput} gave
     * for outputs Python already wrote into the output region (-1 for an empty output).
     */
    @Override
    public String send(String message, List<?> buffers) {
        write(response(message, buffers), true);
        return null;
    }

    /** The server reuses the input region's space once a batch is over and its inputs are not kept. */
    @Override
    public boolean reusesInputMemory() {
        return true;
    }

    /** Held back until the execution-done message that follows it: both reach the server in one write. */
    @Override
    public String sendReturned(String message, List<?> buffers) {
        write(response(message, buffers), false);
        return null;
    }

    private FromStub response(String message, List<?> buffers) {
        Response.Builder response = Response.newBuilder().setMessageJson(message);
        for (Object buffer : buffers) {
            if (buffer instanceof Number offset) {
                long at = offset.longValue();
                long length = at < 0 ? 0 : outputs.lengthOf(at);
                response.addOutputSlices(RegionSlice.newBuilder().setOffset(at).setLength(length));
            } else {
                response.addBuffers(ByteString.copyFrom((byte[]) buffer));
            }
        }
        return FromStub.newBuilder().setResponse(response).build();
    }

    /** Where responses' outputs go from now on (LoadInstance named the region). */
    void attachOutputs(RegionAllocator allocator) {
        this.outputs = allocator;
    }

    /**
     * Called from Python (jepserve_responses) for each output of a response: space for {@code length} bytes in
     * the output region.
     *
     * @return the offset (a Long; -1 for 0 bytes), or the error text (a String, Triton's text) when it does not fit
     */
    public Object allocateOutput(long length) {
        if (outputs == null) {
            return null;
        }
        if (length <= 0) {
            return -1L;
        }
        try {
            return outputs.allocate(length, RELEASE_WAIT_NANOS);
        } catch (RegionFullException e) {
            return e.getMessage();
        }
    }

    /** Called from Python: the allocated space as a writable uint8 numpy array (a view, no copy). */
    public Object outputView(long offset, long length) throws IOException {
        return new jep.DirectNDArray<>(outputs.region().slice(offset, Math.toIntExact(length)), true);
    }

    /** Called from Python for outputs allocated for a response that is not sent after all. */
    public void freeOutput(long offset) {
        outputs.free(offset);
    }

    /** Whether outputs go through shared memory (Python asks once per response). */
    public boolean hasOutputRegion() {
        return outputs != null;
    }

    /** Output space the server has copied out. */
    void releaseOutputs(List<Long> offsets) {
        RegionAllocator allocator = outputs;
        if (allocator != null) {
            offsets.forEach(allocator::free);
        }
    }

    @Override
    public boolean isCancelled(long requestHandle) {
        return cancelled.contains(requestHandle);
    }

    /** execute() returned on the Python thread (the stub's own call, not Python's). */
    void executeReturned(String message) {
        write(FromStub.newBuilder().setExecutionDone(ExecutionDone.newBuilder().setMessageJson(message)).build());
    }

    /** execute() of a non-decoupled model returned a coroutine that still awaits. */
    void coroutineAwaiting() {
        coroutines.started();
    }

    /** Called from Python when the coroutine of a non-decoupled {@code async def execute} ended. */
    @Override
    public void executionDone(String message) {
        executeReturned(message);
        coroutines.ended();
    }


    @Override
    public void readinessChecked(long check, String answer) {
        write(FromStub.newBuilder().setReadyChecked(ReadyChecked.newBuilder().setCheck(check).setAnswer(answer))
                .build());
    }

    @Override
    public StubModelControl modelControl() {
        return modelControl;
    }

    @Override
    public void reschedule(long requestHandle) {
        write(FromStub.newBuilder().setReschedule(Reschedule.newBuilder().setRequestHandle(requestHandle)).build());
    }

    void markCancelled(List<Long> handles) {
        cancelled.addAll(handles);
    }

    /** Where queued custom-metric updates come from; they go out ahead of every message. */
    void attachMetrics(StubMetricsLink link) {
        this.metrics = link;
    }

    /**
     * Sends a message, preceded by the metric updates queued so far (under one lock, so an update made before
     * a response always reaches the server before that response).
     */
    void write(FromStub message) {
        write(message, true);
    }

    private void write(FromStub message, boolean flush) {
        try {
            synchronized (writeOrder) {
                StubMetricsLink link = metrics;
                FromStub updates = link == null ? null : link.drainUpdates();
                if (updates != null) {
                    channel.write(updates, false);
                }
                if (message != null) {
                    channel.write(message, flush);
                } else if (flush) {
                    channel.flush();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the server closed the stub's connection", e);
        }
    }

    /**
     * Sends the queued metric updates now (the periodic flush, for updates made outside requests), and
     * anything held back.
     */
    void flushMetrics() {
        write(null);
    }
}
