package dev.jepserve.python;

import java.util.ArrayDeque;

/**
 * Lets a Python thread that waits for a BLS answer run the execute() it caused itself: a BLS request that
 * found the called instance idle is queued on that instance's own thread <em>and</em> offered to the calling
 * thread, and whichever takes it first runs it. The caller usually does, as it waits right away, which saves a
 * thread wake-up and a GIL hand-off each way (the callee then runs nested on the caller's interpreter, as it did
 * when one pool ran every model). Only calls made by the waiting thread itself (during the task it runs) are
 * offered to it, never other models' work, so no unrelated execute() can delay it.
 *
 * <p>One per interpreter, shared by the server's workers and every instance's thread.
 */
final class NestedCalls {
    /** A call that may be run by the thread it was offered to, or by the worker it was queued on. */
    interface Claimable {
        /** @return true for the one taker that is to run it */
        boolean claim();

        void run(RuntimeBinding runtime);
    }

    /** A Python thread's state: its runtime, its worker pool, and what it was offered during its current task. */
    private static final class PythonThread {
        final Object pool;
        final RuntimeBinding runtime;
        final ArrayDeque<Claimable> offered = new ArrayDeque<>();
        int taskDepth;

        PythonThread(Object pool, RuntimeBinding runtime) {
            this.pool = pool;
            this.runtime = runtime;
        }
    }

    private final ThreadLocal<PythonThread> current = new ThreadLocal<>();

    /** Registers the calling thread as a Python thread of {@code pool}, running with {@code runtime}. */
    void attach(Object pool, RuntimeBinding runtime) {
        current.set(new PythonThread(pool, runtime));
    }

    /** The calling thread starts running a task (calls nest: only the outermost one's end clears the offers). */
    void taskStarted() {
        PythonThread self = current.get();
        if (self != null) {
            self.taskDepth++;
        }
    }

    void taskEnded() {
        PythonThread self = current.get();
        if (self != null && --self.taskDepth == 0) {
            self.offered.clear();
        }
    }

    /**
     * Offers a call just queued on {@code pool} to the calling thread, when that is a Python thread of another
     * pool running a task (a model's execute() making a BLS call).
     */
    void offer(Object pool, Claimable call) {
        PythonThread self = current.get();
        if (self != null && self.taskDepth > 0 && self.pool != pool) {
            self.offered.addLast(call);
        }
    }

    boolean isPythonThread() {
        return current.get() != null;
    }

    /** Runs one call offered to the calling thread that nobody took yet; false when there is none. */
    boolean runOne() {
        PythonThread self = current.get();
        if (self == null) {
            return false;
        }
        Claimable next;
        while ((next = self.offered.pollFirst()) != null) {
            if (next.claim()) {
                next.run(self.runtime);
                return true;
            }
        }
        return false;
    }

    /** A wait is over: calls offered but not run stay with the threads they were queued on. */
    void dropOffers() {
        PythonThread self = current.get();
        if (self != null) {
            self.offered.clear();
        }
    }
}
