package dev.jepserve.stub;

import com.google.protobuf.ByteString;
import dev.jepserve.bls.BlsTransport;
import dev.jepserve.inference.ExecutionTimes;
import dev.jepserve.inference.ModelInstance;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.inference.ScheduledRequest;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.LeasedBuffers;
import dev.jepserve.python.PythonBatchEncoder;
import dev.jepserve.python.PythonCallbacks;
import dev.jepserve.python.border.BorderJson;
import dev.jepserve.python.border.ExecutionDoneMessage;
import dev.jepserve.stub.proto.BlsAnswer;
import dev.jepserve.stub.proto.BlsCall;
import dev.jepserve.stub.proto.CancelledRequests;
import dev.jepserve.stub.proto.CheckReady;
import dev.jepserve.stub.proto.Execute;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.RegionSlice;
import dev.jepserve.stub.proto.ToStub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A model instance whose TritonPythonModel lives in a stub process. Batches and responses cross the stub's
 * socket as the same border messages the in-process mode uses; the server keeps the request handles, so they
 * outlive any one stub. The instance serves through whichever stub is attached (its {@link StubSupervisor}
 * attaches a new one after a restart); without one, batches fail at once with Triton's "not healthy" error.
 */
final class StubModelInstance implements ModelInstance {
    private static final Logger LOG = LoggerFactory.getLogger(StubModelInstance.class);
    private static final long IDLE = -1;

    private final String name;
    private final String modelName;
    private final String version;
    private final PythonCallbacks callbacks;
    /** Where the stub's BLS calls go, and the ones still open by the stub's call id. */
    private final BlsTransport bls;
    private final Map<Long, RequestHandle> blsCalls = new ConcurrentHashMap<>();
    /** Requests the stub may still answer, by handle (to fail them if it dies, and to push cancellations). */
    private final Map<Long, ScheduledRequest> open = new ConcurrentHashMap<>();
    private final Set<Long> cancelledSent = ConcurrentHashMap.newKeySet();
    /** Batches whose execute() has not returned, by batch handle. */
    private final Map<Long, List<Long>> batches = new ConcurrentHashMap<>();
    /** The serving stub; null while it is started or restarted. */
    private volatile StubProcess stub;
    /** When an outstanding batch last made progress (sent, a response, a return), for the hang rule. */
    private volatile long lastProgressNanos = System.nanoTime();
    /** Input tensors in a stub's input region, held until their batch returned and its requests finished. */
    private final ConcurrentLinkedQueue<InputLease> leases = new ConcurrentLinkedQueue<>();
    private final long holdMillis;
    /** Completes when the next stub is attached (a restart); batches held meanwhile wait on it. */
    private CompletableFuture<Void> nextAttach = new CompletableFuture<>();
    private volatile List<StubModelInstance> siblings = List.of();

    /** Runs a stub's pb_utils model-control call off the socket reader and answers it. */
    private final java.util.function.BiConsumer<StubModelInstance, dev.jepserve.stub.proto.ModelControlCall> modelControl;

    /**
     * One batch's inputs in shared memory. A model may keep an input array after execute() returned (a
     * decoupled model answering from a thread, a model caching its previous input), so the space is given back
     * only when every request of the batch has its final answer too, and the stub does not report the inputs as
     * still referenced (ExecutionDoneMessage.keptInputs, until a later releasedInputs names the batch).
     */
    private static final class InputLease {
        private final long batchHandle;
        private final StubRegions regions;
        private final List<RegionSlice> slices;
        private final List<ScheduledRequest> batch;
        private final CompletableFuture<ExecutionTimes> returned;
        private volatile boolean kept;

        InputLease(long batchHandle, StubRegions regions, List<RegionSlice> slices, List<ScheduledRequest> batch,
                   CompletableFuture<ExecutionTimes> returned) {
            this.batchHandle = batchHandle;
            this.regions = regions;
            this.slices = slices;
            this.batch = batch;
            this.returned = returned;
        }

        boolean isOver() {
            return !kept && returned.isDone() && batch.stream().allMatch(ScheduledRequest::isFinished);
        }
    }

    /**
     * @param holdMillis how long a batch waits for a restarted stub while a sibling instance serves
     *                   (stub-timeout-seconds)
     */
    StubModelInstance(String name, String modelName, String version, PythonCallbacks callbacks,
                      java.util.function.BiConsumer<StubModelInstance, dev.jepserve.stub.proto.ModelControlCall> modelControl,
                      BlsTransport bls, long holdMillis) {
        this.modelControl = modelControl;
        this.bls = bls;
        this.holdMillis = holdMillis;
        this.name = name;
        this.modelName = modelName;
        this.version = version;
        this.callbacks = callbacks;
    }

    @Override
    public String name() {
        return name;
    }

    String modelName() {
        return modelName;
    }

    String version() {
        return version;
    }

    boolean isHealthy() {
        StubProcess current = stub;
        return current != null && current.isAlive();
    }

    @Override
    public boolean canRunNow() {
        return isHealthy();
    }

    /**
     * The stub reads Execute messages in order, so a second batch waits in its execute channel. Not while a
     * batch waits on a BLS call: that call may need this instance.
     */
    @Override
    public boolean queuesNextBatch() {
        return isHealthy() && blsCalls.isEmpty();
    }

    /** The serving stub, or null. */
    StubProcess stub() {
        return stub;
    }

    void attach(StubProcess fresh) {
        CompletableFuture<Void> waiting;
        synchronized (this) {
            stub = fresh;
            waiting = nextAttach;
            nextAttach = new CompletableFuture<>();
        }
        waiting.complete(null);
    }

    /** The other instances of the same model version (a dead instance holds batches while one of them serves). */
    void setSiblings(List<StubModelInstance> all) {
        this.siblings = all.stream().filter(other -> other != this).toList();
    }

    /** The instance is being stopped: batches held for a new stub fail now. */
    void stopHolding() {
        CompletableFuture<Void> waiting;
        synchronized (this) {
            waiting = nextAttach;
        }
        waiting.completeExceptionally(new IllegalStateException("stopped"));
    }

    /**
     * A batch for an instance whose stub is down while another instance serves: the model stays ready, so the
     * batch waits (at most the hold time) for the restarted stub instead of failing. Meanwhile this instance
     * takes no other batch, so the scheduler sends the rest to the healthy instances.
     */
    private CompletableFuture<ExecutionTimes> holdUntilRestarted(List<ScheduledRequest> batch) {
        CompletableFuture<Void> waiting;
        synchronized (this) {
            waiting = nextAttach;
        }
        CompletableFuture<ExecutionTimes> returned = new CompletableFuture<>();
        waiting.orTimeout(holdMillis, TimeUnit.MILLISECONDS).whenComplete((attached, error) -> {
            if (error != null) {
                batch.forEach(request -> request.fail(notHealthy(), true));
                returned.complete(ExecutionTimes.NONE);
                return;
            }
            execute(batch).whenComplete((times, failure) -> returned.complete(times == null ? ExecutionTimes.NONE : times));
        });
        return returned;
    }

    /** Detaches the stub if it is the one serving; false when another one (or none) is. */
    synchronized boolean detach(StubProcess gone) {
        if (stub != gone || gone == null) {
            return false;
        }
        stub = null;
        return true;
    }

    /** Detaches whatever stub serves, and returns it (null when none). */
    synchronized StubProcess detachAny() {
        StubProcess current = stub;
        stub = null;
        return current;
    }

    /**
     * When the oldest outstanding batch last made progress (System.nanoTime()), or -1 when no batch is
     * outstanding. Progress is a batch sent, a response from the stub, or an execute() that returned.
     */
    long stalledSinceNanos() {
        return batches.isEmpty() ? IDLE : lastProgressNanos;
    }

    /** Inputs go into the stub's region (or the Execute message) before execute's future completes. */
    @Override
    public boolean copiesInputs() {
        return true;
    }

    @Override
    public CompletableFuture<ExecutionTimes> execute(List<ScheduledRequest> batch) {
        CompletableFuture<ExecutionTimes> returned = new CompletableFuture<>();
        StubProcess current = stub;
        if ((current == null || !current.isAlive()) && siblings.stream().anyMatch(StubModelInstance::isHealthy)) {
            return holdUntilRestarted(batch);
        }
        if (current == null || !current.isAlive()) {
            batch.forEach(request -> request.fail(notHealthy(), true));
            returned.complete(ExecutionTimes.NONE);
            return returned;
        }
        long batchHandle = callbacks.openBatch(returned);
        PythonBatchEncoder.Encoded encoded = PythonBatchEncoder.encode(batchHandle, batch, callbacks, modelName, version);
        for (int i = 0; i < batch.size(); i++) {
            open.put(encoded.requestHandles().get(i), batch.get(i));
        }
        lastProgressNanos = System.nanoTime();
        batches.put(batchHandle, encoded.requestHandles());
        returned.whenComplete((times, error) -> {
            batches.remove(batchHandle);
            callbacks.closeFinished(encoded.requestHandles());
            forgetFinished(encoded.requestHandles());
            releaseInputs();
        });
        Execute.Builder execute = Execute.newBuilder().setBatch(batchHandle)
                .setBatchJson(BorderJson.write(encoded.message()));
        StubRegions regions = current.regions();
        if (regions == null) {
            for (ByteBuffer buffer : encoded.buffers()) {
                execute.addBuffers(ByteString.copyFrom(buffer.duplicate()));
            }
        } else {
            List<RegionSlice> slices;
            // The previous batch's space first: the scheduler may hand this instance its next batch before the
            // previous batch's own completion callback released it.
            releaseInputs();
            try {
                slices = regions.writeInputs(encoded.buffers());
            } catch (RegionFullException | IOException e) {
                // The batch never reaches the stub: its requests fail with the reason, the stub serves on.
                TritonException error = TritonException.internal(e instanceof RegionFullException ? e.getMessage()
                        : "Failed to write the inputs to shared memory: " + e.getMessage());
                batch.forEach(request -> request.fail(error, true));
                callbacks.executionDone(new ExecutionDoneMessage(batchHandle, 0, 0, 0));
                return returned;
            }
            execute.addAllInputSlices(slices);
            leases.add(new InputLease(batchHandle, regions, slices, batch, returned));
            List<Long> released = regions.takeReleased();
            execute.addAllReleasedOutputs(released);
        }
        if (!current.sendExecute(ToStub.newBuilder().setExecute(execute).build())) {
            // The stub died meanwhile; its death answers what it held, this answers the batch in any case.
            failInFlight();
        }
        return returned;
    }

    /** A message from the serving stub (a response, or execute() returned). */
    void onMessage(FromStub message) {
        switch (message.getKindCase()) {
            case RESPONSE -> {
                lastProgressNanos = System.nanoTime();
                StubProcess current = stub;
                StubProcess.BorrowedOutputs borrowed = current == null ? null : current.takeOutputs(message);
                if (borrowed != null) {
                    // Views of the output region: handed on without a copy, its space released with the lease.
                    callbacks.send(message.getResponse().getMessageJson(),
                            new LeasedBuffers(borrowed.views(), borrowed.lease()));
                    return;
                }
                List<ByteBuffer> buffers = new ArrayList<>();
                for (ByteString bytes : message.getResponse().getBuffersList()) {
                    buffers.add(bytes.asReadOnlyByteBuffer());
                }
                callbacks.send(message.getResponse().getMessageJson(), buffers);
            }
            case EXECUTION_DONE -> {
                lastProgressNanos = System.nanoTime();
                if (message.getExecutionDone().getRuntimeError().isEmpty()) {
                    ExecutionDoneMessage done = BorderJson.readExecutionDone(message.getExecutionDone().getMessageJson());
                    applyInputHolds(done);
                    callbacks.executionDone(done);
                } else {
                    LOG.error("stub '{}' failed to run a batch: {}", name, message.getExecutionDone().getRuntimeError());
                    failBatch(message.getExecutionDone().getBatch());
                }
            }
            case READY_CHECKED -> {
                CompletableFuture<Boolean> waiting = readinessChecks.remove(message.getReadyChecked().getCheck());
                if (waiting != null) {
                    String answer = message.getReadyChecked().getAnswer();
                    if ("absent".equals(answer)) {
                        noReadinessCheck = true;
                    }
                    waiting.complete("true".equals(answer) || "absent".equals(answer));
                }
            }
            case MODEL_CONTROL_CALL -> modelControl.accept(this, message.getModelControlCall());
            case BLS_CALL -> startBlsCall(message.getBlsCall());
            case RESCHEDULE -> {
                open.remove(message.getReschedule().getRequestHandle());
                callbacks.reschedule(message.getReschedule().getRequestHandle());
            }
            case BLS_CANCEL -> {
                RequestHandle call = blsCalls.get(message.getBlsCancel().getCallId());
                if (call != null) {
                    call.cancel();
                }
            }
            default -> {
            }
        }
    }

    /** Whether the model has no is_ready() (learned at the first check). */
    private volatile boolean noReadinessCheck;
    private final Map<Long, CompletableFuture<Boolean>> readinessChecks = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong nextCheck = new java.util.concurrent.atomic.AtomicLong();
    private CompletableFuture<Boolean> readinessInFlight;

    /**
     * The model's own is_ready() in its stub. One check at a time. While this instance's stub is down (being
     * restarted) it has no is_ready() to ask: it does not veto readiness if a sibling instance serves (the
     * model stays ready while any instance can serve), and it does otherwise.
     */
    @Override
    public synchronized CompletableFuture<Boolean> userReady() {
        StubProcess current = stub;
        if (current == null || !current.isAlive()) {
            return CompletableFuture.completedFuture(siblings.stream().anyMatch(StubModelInstance::isHealthy));
        }
        if (noReadinessCheck) {
            return CompletableFuture.completedFuture(true);
        }
        if (readinessInFlight != null && !readinessInFlight.isDone()) {
            return readinessInFlight;
        }
        long check = nextCheck.incrementAndGet();
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        readinessChecks.put(check, answer);
        answer.whenComplete((ready, error) -> readinessChecks.remove(check));
        readinessInFlight = answer;
        if (!current.trySend(ToStub.newBuilder().setCheckReady(CheckReady.newBuilder().setCheck(check)).build())) {
            answer.complete(false);
        }
        return answer;
    }

    /** Submits a model's BLS call for the stub and streams its answers back to that stub. */
    private void startBlsCall(BlsCall call) {
        StubProcess caller = stub;
        long callId = call.getCallId();
        List<ByteBuffer> inputs = new ArrayList<>(call.getBuffersCount());
        for (ByteString bytes : call.getBuffersList()) {
            inputs.add(bytes.asReadOnlyByteBuffer());
        }
        // Registered before the call starts, so a cancellation that follows at once finds it.
        CompletableFuture<RequestHandle> started = new CompletableFuture<>();
        blsCalls.put(callId, () -> started.thenAccept(RequestHandle::cancel));
        // A batch waiting on its BLS call is making progress while the call is answered (the hang rule).
        lastProgressNanos = System.nanoTime();
        RequestHandle handle = bls.start(call.getRequestJson(), inputs, (answerJson, outputs, isFinal) -> {
            lastProgressNanos = System.nanoTime();
            if (isFinal) {
                blsCalls.remove(callId);
            }
            BlsAnswer.Builder answer = BlsAnswer.newBuilder().setCallId(callId).setAnswerJson(answerJson)
                    .setFinal(isFinal);
            for (ByteBuffer output : outputs) {
                // A response's outputs are never changed once sent: written out as they are, not copied first.
                answer.addBuffers(com.google.protobuf.UnsafeByteOperations.unsafeWrap(output.duplicate()));
            }
            if (caller != null) {
                caller.send(ToStub.newBuilder().setBlsAnswer(answer).build());
            }
        });
        started.complete(handle);
    }

    /**
     * The stub is gone: answers every request it still held with Triton's "not healthy" error and frees the
     * instance for the scheduler (whose next batches fail fast until a new stub is attached).
     */
    void failInFlight() {
        // Nothing of a dead stub references its inputs any more.
        leases.forEach(lease -> lease.kept = false);
        giveBackWaitingBatches();
        for (Map.Entry<Long, ScheduledRequest> entry : open.entrySet()) {
            entry.getValue().fail(notHealthy(), true);
        }
        for (Long batchHandle : batches.keySet()) {
            callbacks.executionDone(new ExecutionDoneMessage(batchHandle, 0, 0, 0));
        }
        open.clear();
        cancelledSent.clear();
    }

    /**
     * Gives the scheduler back the batches that waited in the dead stub behind the one it ran (a busy instance
     * takes its next batch early, {@link #queuesNextBatch}): they never started, so their requests go to another
     * instance instead of failing. Only the oldest outstanding batch can have started: the stub runs its Execute
     * messages in order, reports each return before it reads the next, and everything it wrote reaches the
     * server's reader before the connection's end does.
     */
    private void giveBackWaitingBatches() {
        List<Long> outstanding = batches.keySet().stream().sorted().toList(); // handles grow with each batch
        for (Long batchHandle : outstanding.subList(Math.min(1, outstanding.size()), outstanding.size())) {
            List<Long> requestHandles = batches.get(batchHandle);
            if (requestHandles != null) {
                requestHandles.forEach(open::remove);
                callbacks.giveBack(batchHandle, requestHandles, name);
            }
        }
    }

    /** The stub's runtime failed on a batch (not the model's code): its open requests get an error now. */
    private void failBatch(long batchHandle) {
        List<Long> handles = batches.get(batchHandle);
        if (handles == null) {
            return;
        }
        TritonException error = TritonException.internal(
                "Failed to run the batch in stub process '" + name + "': see the server log");
        for (Long handle : handles) {
            ScheduledRequest request = open.get(handle);
            if (request != null) {
                request.fail(error, true);
            }
        }
        callbacks.executionDone(new ExecutionDoneMessage(batchHandle, 0, 0, 0));
    }

    private TritonException notHealthy() {
        return TritonException.internal("Stub process '" + name + "' is not healthy.");
    }

    /** Gives back the input space of batches that are over (returned, every request answered finally). */
    void releaseInputs() {
        leases.removeIf(lease -> {
            if (!lease.isOver()) {
                return false;
            }
            lease.regions.freeInputs(lease.slices);
            return true;
        });
    }

    /** What the stub reported its model still references: marked before the batch completes (which releases). */
    private void applyInputHolds(ExecutionDoneMessage done) {
        if (!done.keptInputs() && done.releasedInputs().isEmpty()) {
            return;
        }
        for (InputLease lease : leases) {
            if (lease.batchHandle == done.batch() && done.keptInputs()) {
                lease.kept = true;
            } else if (done.releasedInputs().contains(lease.batchHandle)) {
                lease.kept = false;
            }
        }
        releaseInputs();
    }

    /** Shared-memory housekeeping of the sweep: input space of finished batches, output space copied out. */
    void releaseSharedMemory() {
        releaseInputs();
        StubProcess current = stub;
        if (current != null) {
            current.sendReleases();
        }
    }

    /** Tells the stub which of its requests were cancelled since the last sweep (is_cancelled() turns true). */
    void pushCancellations() {
        StubProcess current = stub;
        List<Long> newly = new ArrayList<>();
        for (Map.Entry<Long, ScheduledRequest> entry : open.entrySet()) {
            if (entry.getValue().isCancelled() && cancelledSent.add(entry.getKey())) {
                newly.add(entry.getKey());
            }
        }
        forgetFinished(new ArrayList<>(open.keySet()));
        if (newly.isEmpty()) {
            return;
        }
        // Never blocks the shared timer thread on a stub that stopped reading: try again next sweep.
        if (current == null || !current.trySend(ToStub.newBuilder()
                .setCancelled(CancelledRequests.newBuilder().addAllRequestHandles(newly)).build())) {
            newly.forEach(cancelledSent::remove);
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
}
