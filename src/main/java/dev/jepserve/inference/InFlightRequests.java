package dev.jepserve.inference;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schedulers of every loaded model version, so that shutdown can answer every request still open when
 * --exit-timeout-secs runs out, before the endpoints close their connections.
 */
public final class InFlightRequests {
    private final Set<QueueScheduler> schedulers = ConcurrentHashMap.newKeySet();

    public void add(QueueScheduler scheduler) {
        schedulers.add(scheduler);
    }

    public void remove(QueueScheduler scheduler) {
        schedulers.remove(scheduler);
    }

    /** Gives every open request of every model this final error; later responses for them are dropped. */
    public void failAll(TritonException error) {
        schedulers.forEach(scheduler -> scheduler.failAll(error));
    }
}
