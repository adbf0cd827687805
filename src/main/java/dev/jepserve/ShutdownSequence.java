package dev.jepserve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How to stop what has started, in reverse start order: each part registers its stop step as it comes up,
 * so a start that fails halfway stops exactly the parts that are running. Steps share one deadline.
 */
final class ShutdownSequence {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

    /** One part's stop step, given the milliseconds left before the shared deadline. */
    @FunctionalInterface
    interface Step {
        void stop(long remainingMillis) throws Exception;
    }

    private record Named(String part, Step step) {
    }

    private final Deque<Named> steps = new ArrayDeque<>();

    /** Registers the stop step of a part that just started. */
    synchronized void onStop(String part, Step step) {
        steps.push(new Named(part, step));
    }

    /** Runs every step, latest-started first, within the timeout; a failing step does not stop the others. */
    void run(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            Named next;
            synchronized (this) {
                next = steps.poll();
            }
            if (next == null) {
                return;
            }
            try {
                next.step().stop(Math.max(0, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("stopping the {} failed: {}", next.part(), e.toString());
            }
        }
    }
}
