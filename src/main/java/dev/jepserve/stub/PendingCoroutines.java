package dev.jepserve.stub;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stub's non-decoupled {@code async def execute} batches still awaiting. While one awaits, the stub starts no
 * other batch: the server may already have sent the instance its next one (a busy stub instance takes a second
 * batch, QueueScheduler), and an instance runs its batches one after the other, as in Triton.
 *
 * <p>The count may dip below zero for a moment: a coroutine can end before the Python thread has counted it as
 * started.
 */
final class PendingCoroutines {
    private final AtomicInteger awaiting = new AtomicInteger();
    private volatile Runnable whenNoneLeft = () -> { };

    /** The Python thread's execute() returned a coroutine of a non-decoupled model that still runs. */
    void started() {
        awaiting.incrementAndGet();
    }

    /** Such a coroutine ended (on its instance's event loop thread): the last one wakes the Python thread. */
    void ended() {
        if (awaiting.decrementAndGet() == 0) {
            whenNoneLeft.run();
        }
    }

    boolean any() {
        return awaiting.get() > 0;
    }

    void whenNoneLeft(Runnable action) {
        this.whenNoneLeft = action;
    }
}
