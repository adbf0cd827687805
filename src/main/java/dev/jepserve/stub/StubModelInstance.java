package dev.jepserve.stub;

import com.google.protobuf.ByteString;
import dev.jepserve.inference.ExecutionTimes;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.inference.ScheduledRequest;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.PythonBatchEncoder;
import dev.jepserve.python.PythonCallbacks;
import dev.jepserve.python.border.BorderJson;
import dev.jepserve.stub.proto.CancelledRequests;
import dev.jepserve.stub.proto.Execute;
import dev.jepserve.stub.proto.FinalizeInstance;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.ToStub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A model instance whose TritonPythonModel lives in its own stub process. Batches and responses cross the
 * stub's socket as the same border messages the in-process mode uses; the server keeps the request handles.
 * When the stub dies, every request it still held is answered with Triton's "not healthy" error and the
 * instance reports itself unhealthy (the model is not ready).
 */
final class StubModelInstance implements ModelInstance, StubProcess.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(StubModelInstance.class);

    private final String name;
    private final String modelName;
    private final String version;
    private final StubProcess stub;
    private final PythonCallbacks callbacks;
    /** Requests the stub may still answer, by handle (to fail them if it dies, and to push cancellations). */
    private final Map<Long, ScheduledRequest> open = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> cancelledSent = new ConcurrentHashMap<>();
    private final Map<Long, List<Long>> batches = new ConcurrentHashMap<>();

    StubModelInstance(String name, String modelName, String version, StubProcess stub, PythonCallbacks callbacks) {
        this.name = name;
        this.modelName = modelName;
        this.version = version;
        this.stub = stub;
        this.callbacks = callbacks;
    }

    @Override
    public String name() {
        return name;
    }

    boolean isHealthy() {
        return stub.isAlive();
    }

    @Override
    public CompletableFuture<ExecutionTimes> execute(List<ScheduledRequest> batch) {
        CompletableFuture<ExecutionTimes> returned = new CompletableFuture<>();
        if (!stub.isAlive()) {
            batch.forEach(request -> request.fail(notHealthy(), true));
            returned.complete(ExecutionTimes.NONE);
            return returned;
        }
        long batchHandle = callbacks.openBatch(returned);
        PythonBatchEncoder.Encoded encoded = PythonBatchEncoder.encode(batchHandle, batch, callbacks, modelName, version);
        for (int i = 0; i < batch.size(); i++) {
            open.put(encoded.requestHandles().get(i), batch.get(i));
        }
        batches.put(batchHandle, encoded.requestHandles());
        returned.whenComplete((times, error) -> {
            batches.remove(batchHandle);
            callbacks.closeFinished(encoded.requestHandles());
            forgetFinished(encoded.requestHandles());
        });
        Execute.Builder execute = Execute.newBuilder().setBatchJson(BorderJson.write(encoded.message()));
        for (ByteBuffer buffer : encoded.buffers()) {
            execute.addBuffers(ByteString.copyFrom(buffer.duplicate()));
        }
        if (!stub.send(ToStub.newBuilder().setExecute(execute).build())) {
            onDeath("the stub's connection is closed");
        }
        return returned;
    }

    @Override
    public void onMessage(FromStub message) {
        switch (message.getKindCase()) {
            case RESPONSE -> {
                List<ByteBuffer> buffers = new ArrayList<>();
                for (ByteString bytes : message.getResponse().getBuffersList()) {
                    buffers.add(bytes.asReadOnlyByteBuffer());
                }
                callbacks.send(message.getResponse().getMessageJson(), buffers);
            }
            case EXECUTION_DONE -> {
                if (message.getExecutionDone().getRuntimeError().isEmpty()) {
                    callbacks.executionDone(message.getExecutionDone().getMessageJson());
                } else {
                    LOG.error("stub '{}' failed to run a batch: {}", name, message.getExecutionDone().getRuntimeError());
                }
            }
            default -> {
            }
        }
    }

    /** Answers every request the stub still held and frees the instance for the scheduler (which sees it fail fast). */
    @Override
    public void onDeath(String why) {
        LOG.error("Stub process '{}' is not healthy: {}", name, why);
        for (Map.Entry<Long, ScheduledRequest> entry : open.entrySet()) {
            entry.getValue().fail(notHealthy(), true);
        }
        for (Long batchHandle : batches.keySet()) {
            callbacks.executionDone(new dev.jepserve.python.border.ExecutionDoneMessage(batchHandle, 0, 0, 0));
        }
        open.clear();
    }

    private TritonException notHealthy() {
        return TritonException.internal("Stub process '" + name + "' is not healthy.");
    }

    /** Tells the stub which of its requests were cancelled since the last sweep (is_cancelled() turns true). */
    void pushCancellations() {
        List<Long> newly = new ArrayList<>();
        for (Map.Entry<Long, ScheduledRequest> entry : open.entrySet()) {
            if (entry.getValue().isCancelled() && cancelledSent.putIfAbsent(entry.getKey(), true) == null) {
                newly.add(entry.getKey());
            }
        }
        forgetFinished(new ArrayList<>(open.keySet()));
        if (!newly.isEmpty()) {
            stub.send(ToStub.newBuilder().setCancelled(CancelledRequests.newBuilder().addAllRequestHandles(newly))
                    .build());
        }
    }

    private void forgetFinished(List<Long> handles) {
        for (Long handle : handles) {
            ScheduledRequest request = open.get(handle);
            if (request != null && request.isFinished()) {
                open.remove(handle);
                cancelledSent.remove(handle);
            }
        }
    }

    /** Runs finalize() in the stub (its error is logged, as Triton does), then stops the process. */
    void finalizeAndStop() {
        try {
            String error = stub.call(ToStub.newBuilder().setFinalize(FinalizeInstance.getDefaultInstance()))
                    .get(30, TimeUnit.SECONDS).getError();
            if (!error.isEmpty()) {
                LOG.error("Failed to finalize model instance '{}': {}", name, error);
            }
        } catch (Exception e) {
            LOG.warn("stub '{}' did not finalize cleanly: {}", name, e.getMessage());
        } finally {
            stub.close();
        }
    }
}
