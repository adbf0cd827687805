package dev.jepserve.stub;

/**
 * Capped exponential delays between restarts of one stub: first, 2×first, 4×first ... up to the cap. A stub
 * that served at least as long as the cap before it died starts over from the first delay, so a model that
 * crashes once a day restarts after a second, and one that crashes at once does not spin.
 */
final class RestartBackoff {
    private final long firstMillis;
    private final long capMillis;
    private long nextMillis;

    RestartBackoff(long firstMillis, long capMillis) {
        if (firstMillis <= 0 || capMillis < firstMillis) {
            throw new IllegalArgumentException("expected 0 < first <= cap, got " + firstMillis + " and " + capMillis);
        }
        this.firstMillis = firstMillis;
        this.capMillis = capMillis;
        this.nextMillis = firstMillis;
    }

    /** The delay before restarting a stub that died after serving for {@code servedMillis}. */
    synchronized long afterDeath(long servedMillis) {
        if (servedMillis >= capMillis) {
            nextMillis = firstMillis;
        }
        return take();
    }

    /** The delay before trying again after a restart that failed (the stub did not start or initialize failed). */
    synchronized long afterFailedStart() {
        return take();
    }

    private long take() {
        long delay = nextMillis;
        nextMillis = Math.min(capMillis, nextMillis * 2);
        return delay;
    }
}
