package dev.jepserve.http.transport;

import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One warning line per interval for a condition a client can cause again and again (a full connection table,
 * failing accepts), with the number of occurrences since the last line, never a stack trace.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000;
    }

    void warn(String message) {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextNanos.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long more = suppressed.getAndSet(0);
        log.warn(more == 0 ? message : message + " (" + more + " more since the last such line)");
    }
}
