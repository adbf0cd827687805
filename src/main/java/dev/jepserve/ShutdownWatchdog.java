package dev.jepserve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on a shutdown: if the graceful stop is not done by its deadline (an execute() or finalize() that
 * never returns keeps a thread busy for good), or a second signal asks for it, the process exits at once
 * with status 1 (as tritonserver does when its exit timeout expires), killing its stub processes first.
 */
final class ShutdownWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownWatchdog.class);
    static final int EXIT_STATUS = 1;

    private ShutdownWatchdog() {
    }

    /** Starts a daemon thread that exits the process after this many milliseconds unless it is interrupted. */
    static Thread start(long millis) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            exitNow("Exit timeout expired. Exiting immediately.");
        }, "jepserve-shutdown-watchdog");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Kills the child processes (stubs) and halts: no shutdown hook, no waiting on stuck threads. */
    static void exitNow(String why) {
        LOG.error(why);
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_STATUS);
    }
}
