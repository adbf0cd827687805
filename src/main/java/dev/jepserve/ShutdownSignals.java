package dev.jepserve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT start a graceful shutdown that the main thread carries out, so the process exits with
 * status 0 afterwards, as tritonserver does. (With only a shutdown hook, the JVM would exit with 128 + the
 * signal number.) A second signal exits at once with status 1 (tritonserver ignores it).
 */
final class ShutdownSignals {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);
    private static final String[] NAMES = {"TERM", "INT"};

    private final CountDownLatch received = new CountDownLatch(1);

    /** Takes over SIGTERM and SIGINT from the JVM's default handling. */
    static ShutdownSignals install() {
        ShutdownSignals signals = new ShutdownSignals();
        for (String name : NAMES) {
            if (Signal.handle(new Signal(name), signals::onSignal) == SignalHandler.SIG_IGN) {
                // A JVM keeps a signal ignored that its parent ignored (a shell's background job ignores SIGINT),
                // where tritonserver would take it over: say so rather than leave the operator's ^C unanswered.
                LOG.warn("SIG{} was ignored by the process that started the server and stays ignored; stop the "
                        + "server with SIGTERM", name);
            }
        }
        return signals;
    }

    private void onSignal(Signal signal) {
        LOG.info("Interrupt signal ({}) received.", signal.getNumber());
        if (received.getCount() == 0) {
            // Unlike tritonserver, which ignores it: the operator asks for an exit now, not after the timeout.
            ShutdownWatchdog.exitNow("Second interrupt signal: exiting at once.");
        }
        received.countDown();
    }

    /** Blocks until the first SIGTERM or SIGINT. */
    void await() throws InterruptedException {
        received.await();
    }
}
