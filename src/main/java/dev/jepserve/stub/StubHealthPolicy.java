package dev.jepserve.stub;

import java.util.Map;

/**
 * When a stub counts as dead or hung, and how soon a dead one is started again.
 *
 * <p>Two rules, because one heartbeat cannot tell both failures apart. Pings are answered by the stub's socket
 * reader, a Java thread that needs neither the GIL nor the Python worker, so a stub that answers nothing for
 * {@code stub-timeout-seconds} is frozen (SIGSTOP, swapped out, wedged in the JVM): {@link Verdict#SILENT}.
 * That same thread keeps answering while {@code execute()} loops forever, so a batch is watched on its own:
 * a batch that shows no progress (no response sent, execute() not returned) for {@code stub-timeout-seconds}
 * marks the stub {@link Verdict#HUNG}. The price: an execute() that legitimately runs longer than the timeout
 * without sending a response is killed too; raise the timeout for such models.
 *
 * @param timeoutNanos      Triton's {@code --backend-config python,stub-timeout-seconds=N} (default 30)
 * @param pingIntervalNanos how often the watchdog looks at a stub and pings it
 * @param firstRestartMillis the delay before the first restart after a death
 * @param maxRestartMillis  the cap of the doubling delays; a stub that served this long starts over from the first
 */
public record StubHealthPolicy(long timeoutNanos, long pingIntervalNanos, long firstRestartMillis,
                               long maxRestartMillis) {
    public static final String TIMEOUT_SETTING = "stub-timeout-seconds";
    static final long DEFAULT_TIMEOUT_SECONDS = 30;
    private static final long NANOS_PER_MILLI = 1_000_000;

    /** What the watchdog concludes about one stub. */
    enum Verdict { HEALTHY, SILENT, HUNG }

    /**
     * The policy for the Python backend's settings ({@code --backend-config python,...}).
     *
     * @throws IllegalArgumentException when stub-timeout-seconds is not a positive whole number
     */
    public static StubHealthPolicy fromPythonSettings(Map<String, String> settings) {
        String text = settings.get(TIMEOUT_SETTING);
        long seconds = DEFAULT_TIMEOUT_SECONDS;
        if (text != null) {
            try {
                seconds = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                seconds = 0;
            }
            if (seconds <= 0) {
                throw new IllegalArgumentException("--backend-config python," + TIMEOUT_SETTING
                        + " must be a positive whole number of seconds, got '" + text + "'");
            }
        }
        return withTimeoutMillis(seconds * 1000);
    }

    /** Pings four times per timeout, at most once a second and at least every 100 ms; restarts after 1 s, 2 s, ... 30 s. */
    static StubHealthPolicy withTimeoutMillis(long timeoutMillis) {
        long pingMillis = Math.max(100, Math.min(1000, timeoutMillis / 4));
        return new StubHealthPolicy(timeoutMillis * NANOS_PER_MILLI, pingMillis * NANOS_PER_MILLI, 1000, 30_000);
    }

    /**
     * @param lastHeardNanos when the stub last sent anything, a pong included
     * @param stalledSinceNanos when the oldest outstanding batch last made progress, or -1 when none is outstanding
     */
    Verdict verdict(long nowNanos, long lastHeardNanos, long stalledSinceNanos) {
        if (stalledSinceNanos >= 0 && nowNanos - stalledSinceNanos > timeoutNanos) {
            return Verdict.HUNG;
        }
        if (nowNanos - lastHeardNanos > timeoutNanos) {
            return Verdict.SILENT;
        }
        return Verdict.HEALTHY;
    }

    long timeoutSeconds() {
        return Math.max(1, timeoutNanos / (1000 * NANOS_PER_MILLI));
    }
}
