package dev.jepserve.python;

import java.util.function.BooleanSupplier;

/**
 * How a Python call that must wait (a BLS call waiting for its answer) keeps Python going: on a Python thread,
 * the wait runs the called instance's execute() itself when the call found it idle ({@link NestedCalls}), and
 * on a pool thread also the pool's other queued work, so the model it waits for can run even when every thread
 * of a pool is waiting (a stub's one worker, say).
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

    /** Nothing to help with: every caller waits its own way (a stub's worker runs only its own model). */
    WorkerHelp NONE = (ready, deadline) -> false;
}
