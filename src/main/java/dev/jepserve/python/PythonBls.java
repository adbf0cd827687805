package dev.jepserve.python;

import dev.jepserve.bls.BlsDispatcher;
import dev.jepserve.bls.BlsReceiver;
import dev.jepserve.bls.BlsTransport;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.python.border.BlsDirectAnswerMessage;
import dev.jepserve.python.border.BlsDirectDoneMessage;
import dev.jepserve.python.border.BlsJson;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

/**
 * The BLS bridge {@code jepserve_bls} calls (installed in the interpreter, in the server and in each stub):
 * starts calls through a {@link BlsTransport} and hands their answers to Python one at a time, waiting with
 * the GIL released. A wait on a Python worker thread runs other queued Python work meanwhile
 * ({@link WorkerHelp}), so the called model can run even on the same single worker thread.
 *
 * <p>An open call is cancelled once every request of the execute() that made it is cancelled (a client that
 * left, a timeout): a sweep checks every {@value #CHECK_MILLIS} ms, on the given timer, so this works also
 * while the waiting thread runs the called model itself.
 */
public final class PythonBls {
    static final long CHECK_MILLIS = 20;
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(CHECK_MILLIS);

    private final BlsTransport transport;
    /** The in-process direct path; null where there is none (a stub process). */
    private final DirectBlsCalls direct;
    private final WorkerHelp help;
    private final LongPredicate callerCancelled;
    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong();

    /**
     * @param help            the worker pool of the interpreter this bridge is installed in
     * @param callerCancelled whether a request handle of an execute() call was cancelled (the border callbacks)
     */
    public PythonBls(BlsTransport transport, WorkerHelp help, LongPredicate callerCancelled,
                     ScheduledExecutorService timer) {
        this(transport, null, help, callerCancelled, timer);
    }

    /**
     * The bridge of the server's own interpreter, whose blocking calls to its in-process instances may run
     * directly (see {@link DirectBlsCalls}).
     */
    public static PythonBls withDirectCalls(BlsDispatcher dispatcher, PythonCallbacks callbacks, PythonRuntime runtime,
                                            LongPredicate callerCancelled, ScheduledExecutorService timer) {
        return new PythonBls(dispatcher, new DirectBlsCalls(dispatcher, callbacks, runtime), runtime.workerHelp(),
                callerCancelled, timer);
    }

    private PythonBls(BlsTransport transport, DirectBlsCalls direct, WorkerHelp help, LongPredicate callerCancelled,
                      ScheduledExecutorService timer) {
        this.direct = direct;
        this.transport = transport;
        this.help = help;
        this.callerCancelled = callerCancelled;
        timer.scheduleWithFixedDelay(this::cancelOrphans, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Cancels the open calls whose callers were all cancelled (never throws: the schedule must go on). */
    private void cancelOrphans() {
        for (Call call : calls.values()) {
            try {
                if (!call.cancelled && call.callersCancelled()) {
                    call.cancel();
                }
            } catch (RuntimeException ignored) {
                // a failing cancellation is retried by the next sweep
            }
        }
    }

    /**
     * Called from Python: starts a call.
     *
     * @param requestJson a BlsRequestMessage
     * @param buffers     its input bytes (byte[] each)
     * @param callers     request handles of the execute() making the call (Long each), maybe none
     * @return the call's handle for {@link #next} and {@link #cancel}
     */
    public long start(String requestJson, List<?> buffers, List<?> callers) {
        long handle = nextHandle.incrementAndGet();
        Call call = new Call(callerHandles(callers));
        calls.put(handle, call);
        List<ByteBuffer> inputs = new ArrayList<>(buffers.size());
        for (Object buffer : buffers) {
            inputs.add(ByteBuffer.wrap((byte[]) buffer).order(ByteOrder.LITTLE_ENDIAN));
        }
        call.handle = transport.start(requestJson, inputs, call);
        return handle;
    }

    private static long[] callerHandles(List<?> callers) {
        long[] handles = new long[callers == null ? 0 : callers.size()];
        for (int i = 0; i < handles.length; i++) {
            handles[i] = ((Number) callers.get(i)).longValue();
        }
        return handles;
    }

    /** Called from Python once: whether blocking calls may take the direct path ({@link #startDirect}). */
    public boolean hasDirectPath() {
        return direct != null;
    }

    /**
     * Called from Python for a blocking non-decoupled exec(): starts the call on an idle in-process instance
     * for the calling thread to run itself (see {@link DirectBlsCalls}).
     *
     * @param callJson a BlsDirectCallMessage
     * @param callers  as for {@link #start}
     * @return a BlsDirectStartMessage (a start, or a refusal), or null when the call is to take the ordinary path
     */
    public String startDirect(String callJson, List<?> callers) {
        if (direct == null) {
            return null;
        }
        long handle = nextHandle.incrementAndGet();
        Call call = new Call(callerHandles(callers));
        DirectBlsCalls.Start start = direct.start(handle, callJson, call);
        if (start != null && start.handle() != RequestHandle.NONE) {
            // Open until answered: cancelled with its callers, and waited on when the answer comes later.
            call.handle = start.handle();
            calls.put(handle, call);
        }
        return start == null ? null : start.message();
    }

    /**
     * Called from Python when the called model's execute() of a direct call returned.
     *
     * @param doneJson     a BlsDirectDoneMessage
     * @param responseJson the ResponseMessage execute() answered with, or null when it has not answered yet
     * @return a BlsDirectAnswerMessage; when it is pending the answer is waited for with {@link #next}
     */
    public String finishDirect(String doneJson, String responseJson) {
        BlsDirectDoneMessage done = BlsJson.readDirectDone(doneJson);
        BlsDirectAnswerMessage answer = direct.finish(done, responseJson);
        if (!answer.pending()) {
            calls.remove(done.call());
        }
        return BlsJson.writeDirectAnswer(answer);
    }

    /**
     * Called from Python: waits for the call's next answer. Returns its JSON text followed by one uint8 numpy
     * view per output (None for an empty one).
     */
    public Object[] next(long handle) {
        Call call = calls.get(handle);
        if (call == null) {
            throw new IllegalStateException("the BLS call has no more responses");
        }
        return item(handle, call, 0);
    }

    /**
     * Called from Python for a blocking exec(): starts a call and waits for its first answer in one crossing
     * (in process, the called model may run on this thread meanwhile: see NestedCalls). Returns the call's
     * handle (a Long, for {@link #next} while the answer is not final) followed by what {@link #next} returns.
     */
    public Object[] call(String requestJson, List<?> buffers, List<?> callers) {
        long handle = start(requestJson, buffers, callers);
        Object[] item = item(handle, calls.get(handle), 1);
        item[0] = handle;
        return item;
    }

    /** Waits for the call's next answer: {@code offset} free slots, its JSON text, its output views. */
    private Object[] item(long handle, Call call, int offset) {
        Answer answer = call.await();
        if (answer.isFinal()) {
            calls.remove(handle);
        }
        List<ByteBuffer> outputs = answer.outputs();
        Object[] item = new Object[offset + 1 + outputs.size()];
        item[offset] = answer.json();
        for (int i = 0; i < outputs.size(); i++) {
            item[offset + i + 1] = PythonBatchEncoder.numpyView(outputs.get(i));
        }
        return item;
    }

    /** Called from Python when it drops a call before its final answer (an abandoned iterator): cancels and forgets it. */
    public void close(long handle) {
        Call call = calls.remove(handle);
        if (call != null) {
            call.cancel();
        }
    }

    /** Called from Python (ResponseIterator.cancel()): cancels the call if it is still open. */
    public void cancel(long handle) {
        Call call = calls.get(handle);
        if (call != null) {
            call.cancel();
        }
    }

    private record Answer(String json, List<ByteBuffer> outputs, boolean isFinal) {
    }

    /** One call: its answers as they arrive, and who waits for them. */
    private final class Call implements BlsReceiver {
        private final long[] callers;
        private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        private volatile Thread waiter;
        private volatile RequestHandle handle = RequestHandle.NONE;
        private volatile boolean cancelled;

        Call(long[] callers) {
            this.callers = callers;
        }

        @Override
        public void onAnswer(String answerJson, List<ByteBuffer> outputs, boolean isFinal) {
            answers.add(new Answer(answerJson, outputs, isFinal));
            Thread waiting = waiter;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }

        Answer await() {
            waiter = Thread.currentThread();
            try {
                while (true) {
                    Answer answer = answers.poll();
                    if (answer != null) {
                        return answer;
                    }
                    long deadline = System.nanoTime() + CHECK_NANOS;
                    if (!help.helpUntil(() -> !answers.isEmpty(), deadline) && answers.isEmpty()) {
                        LockSupport.parkNanos(this, CHECK_NANOS);
                    }
                }
            } finally {
                waiter = null;
            }
        }

        private boolean callersCancelled() {
            if (callers.length == 0) {
                return false;
            }
            for (long caller : callers) {
                if (!callerCancelled.test(caller)) {
                    return false;
                }
            }
            return true;
        }

        void cancel() {
            cancelled = true;
            handle.cancel();
        }
    }
}
