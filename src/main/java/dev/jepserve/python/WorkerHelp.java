package dev.jepserve.python;

import java.util.function.BooleanSupplier;

/**
 * How a Python call that must wait (a BLS call waiting for its answer) keeps the worker pool going: on a
 * Python worker thread, the wait runs other queued Python work meanwhile, so the model it waits for can run
 * even when every worker is waiting (with --python-threads 1, a model calling a model on the same thread).
 */
public interface WorkerHelp {
    /**
     * On a worker thread: runs queued calls (or parks) until {@code ready} holds or the deadline passed, and
     * returns true. Elsewhere: returns false at once, and the caller waits its own way.
     *
     * <p>The waiting thread must be woken with {@link java.util.concurrent.locks.LockSupport#unpark} when
     * {@code ready} may have turned true.
     */
    boolean helpUntil(BooleanSupplier ready, long deadlineNanos);

    /**
     * Runs {@code start} (which submits work this thread waits for next, such as a BLS call to a model served
     * by these workers): on a worker thread, the Python calls it queues are kept for this thread's next
     * {@link #helpUntil} instead of waking another worker, so the call completes on the calling thread without a
     * hand-off. The caller must call {@link #releaseKept} once it stopped waiting.
     */
    default <T> T keepingQueuedWork(java.util.function.Supplier<T> start) {
        return start.get();
    }

    /** Queues what {@link #keepingQueuedWork} kept and this thread did not run, for any worker. */
    default void releaseKept() {
    }

    /** Nothing to help with: every caller waits its own way (a stub's worker runs only its own model). */
    WorkerHelp NONE = (ready, deadline) -> false;
}
