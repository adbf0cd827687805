package dev.jepserve.python;

import dev.jepserve.inference.BatchNotStarted;
import dev.jepserve.inference.ExecutionTimes;
import dev.jepserve.inference.OutputLease;
import dev.jepserve.inference.ScheduledRequest;
import dev.jepserve.python.border.BorderJson;
import dev.jepserve.python.border.ExecutionDoneMessage;
import dev.jepserve.python.border.ResponseMessage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import jep.DirectNDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server end of the Python border, the one Java object the runtime glue calls back: responses (from
 * execute's return value or any response sender, on any Python thread), cancellation checks, and "execute
 * returned". Python names requests and batches only by the handles given out here.
 */
public final class PythonCallbacks implements BorderCallbacks {
    private final AtomicLong nextHandle = new AtomicLong();
    /** Output memory Python is filling, by id, until its response is sent. */
    private final AtomicLong nextOutput = new AtomicLong();
    private final Map<Long, ByteBuf> outputs = new ConcurrentHashMap<>();
    private final Map<Long, OpenRequest> requests = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<ExecutionTimes>> batches = new ConcurrentHashMap<>();

    /** A request the model may still answer, and who answers it (for the response's model name and version). */
    private record OpenRequest(ScheduledRequest request, String modelName, String modelVersion) {
    }

    private volatile ModelControlPort modelControl = ModelControlPort.UNAVAILABLE;
    /** Readiness checks waiting for a model's is_ready(), by check handle. */
    private final Map<Long, CompletableFuture<Boolean>> readinessChecks = new ConcurrentHashMap<>();

    public PythonCallbacks() {
    }

    /**
     * Connects pb_utils' model control to the server's. Set once the repository exists, which is after the
     * Python runtime started with these callbacks (the two depend on each other).
     */
    public void bindModelControl(ModelControlPort control) {
        this.modelControl = control;
    }

    @Override
    public ModelControlPort modelControl() {
        return modelControl;
    }

    /** A readiness check about to start: its answer completes the future (see {@link #readinessChecked}). */
    public long openReadinessCheck(CompletableFuture<Boolean> answer) {
        long handle = nextHandle.incrementAndGet();
        readinessChecks.put(handle, answer);
        answer.whenComplete((ready, error) -> readinessChecks.remove(handle));
        return handle;
    }

    @Override
    public void readinessChecked(long check, String answer) {
        CompletableFuture<Boolean> waiting = readinessChecks.remove(check);
        if (waiting != null) {
            waiting.complete("true".equals(answer));
        }
    }

    public long openRequest(ScheduledRequest request, String modelName, String modelVersion) {
        long handle = nextHandle.incrementAndGet();
        requests.put(handle, new OpenRequest(request, modelName, modelVersion));
        return handle;
    }

    public long openBatch(CompletableFuture<ExecutionTimes> returned) {
        long handle = nextHandle.incrementAndGet();
        batches.put(handle, returned);
        return handle;
    }

    /** Forgets requests that got their final answer outside the border (a failed execution). */
    public void closeFinished(List<Long> handles) {
        for (long handle : handles) {
            OpenRequest open = requests.get(handle);
            if (open != null && open.request().isFinished()) {
                requests.remove(handle);
            }
        }
    }

    /**
     * Called from Python with one {@link ResponseMessage} (JSON) and its output bytes in output order.
     *
     * @return null, or an error text the Python side raises to the model
     */
    @Override
    public String send(String message, List<?> buffers) {
        buffers = takeOutputs(buffers);
        ResponseMessage response;
        try {
            response = BorderJson.readResponse(message);
        } catch (IllegalArgumentException e) {
            releaseLeased(buffers);
            return e.getMessage();
        }
        OpenRequest open = response.isFinal() ? requests.remove(response.request()) : requests.get(response.request());
        if (open == null) {
            // Answered already (e.g. failed when its execute() broke): nothing reads it any more.
            releaseLeased(buffers);
            return null;
        }
        try {
            PythonResponses.deliver(response, buffers, open.request(), open.modelName(), open.modelVersion());
        } catch (IllegalArgumentException e) {
            open.request().fail(dev.jepserve.inference.TritonException.internal(e.getMessage()), true);
            requests.remove(response.request());
            return e.getMessage();
        }
        return null;
    }

    /**
     * Called from Python (jepserve_responses) for each output of a response in the server's own interpreter:
     * pooled direct memory for {@code length} bytes, which Python fills through {@link #outputView} (the one copy
     * on the way out; HTTP then writes it without another). It goes back to the pool when the response's sink
     * released it (see {@link LeasedBuffers}), so large outputs neither wait for the GC nor are zeroed first.
     *
     * @return its id (a Long; -1 for 0 bytes), or an error text (a String)
     */
    public Object allocateOutput(long length) {
        if (length <= 0) {
            return -1L;
        }
        if (length > Integer.MAX_VALUE) {
            return "an output of " + length + " bytes is larger than the 2 GiB a tensor may hold";
        }
        long id = nextOutput.incrementAndGet();
        outputs.put(id, PooledByteBufAllocator.DEFAULT.directBuffer((int) length, (int) length));
        return id;
    }

    /** Called from Python: the output's memory as a writable uint8 numpy array (a view, no copy). */
    public Object outputView(long id, long length) {
        ByteBuf output = outputs.get(id);
        if (output == null || output.capacity() != length) {
            throw new IllegalArgumentException("no output " + id + " of " + length + " bytes");
        }
        return new DirectNDArray<>(output.nioBuffer(0, (int) length), true);
    }

    /** Called from Python for outputs allocated for a response that is not sent after all. */
    public void freeOutput(long id) {
        ByteBuf output = outputs.remove(id);
        if (output != null) {
            output.release();
        }
    }

    /**
     * Output ids from Python (see {@link #allocateOutput}) as views of the memory they name, leased (the memory
     * goes back to the pool when the lease is released); other buffers as they are.
     */
    private List<?> takeOutputs(List<?> buffers) {
        if (buffers == null || buffers.isEmpty() || !(buffers.get(0) instanceof Number)) {
            return buffers;
        }
        List<ByteBuffer> views = new ArrayList<>(buffers.size());
        List<ByteBuf> taken = new ArrayList<>(buffers.size());
        for (Object buffer : buffers) {
            long id = ((Number) buffer).longValue();
            ByteBuf output = id < 0 ? null : outputs.remove(id);
            if (output == null) {
                views.add(ByteBuffer.allocateDirect(0));
            } else {
                taken.add(output);
                views.add(output.nioBuffer(0, output.capacity()).order(ByteOrder.LITTLE_ENDIAN));
            }
        }
        return new LeasedBuffers(views, new OutputLease(() -> taken.forEach(ByteBuf::release)));
    }

    private static void releaseLeased(List<?> buffers) {
        if (buffers instanceof LeasedBuffers leased) {
            leased.lease().release();
        }
    }

    /** Whether the request was cancelled (client gone or timeout expired); false once it is answered. */
    @Override
    public boolean isCancelled(long requestHandle) {
        OpenRequest open = requests.get(requestHandle);
        return open != null && open.request().isCancelled();
    }

    @Override
    public void reschedule(long requestHandle) {
        OpenRequest open = requests.remove(requestHandle);
        if (open != null) {
            open.request().rescheduleAfterExecution();
        }
    }

    /** Called from Python when an execute() that continued asynchronously returned. */
    @Override
    public void executionDone(String message) {
        executionDone(BorderJson.readExecutionDone(message));
    }

    public void executionDone(ExecutionDoneMessage done) {
        CompletableFuture<ExecutionTimes> returned = batches.remove(done.batch());
        if (returned != null) {
            returned.complete(new ExecutionTimes(done.computeInputNanos(), done.computeInferNanos(),
                    done.computeOutputNanos()));
        }
    }

    /**
     * A batch that will never run where it was sent (its stub died before starting it): forgets its requests'
     * handles and fails the batch with {@link BatchNotStarted}, so the scheduler queues the requests again.
     */
    public void giveBack(long batchHandle, List<Long> requestHandles, String instanceName) {
        requestHandles.forEach(requests::remove);
        abandonBatch(batchHandle, new BatchNotStarted(instanceName));
    }

    /** The batch will never report back (its Python call failed): completes it with that error. */
    void abandonBatch(long batchHandle, Throwable error) {
        CompletableFuture<ExecutionTimes> returned = batches.remove(batchHandle);
        if (returned != null) {
            returned.completeExceptionally(error);
        }
    }
}
