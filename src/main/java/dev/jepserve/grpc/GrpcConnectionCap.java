package dev.jepserve.grpc;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the gRPC server's open connections and closes a new one at once while the count is at the limit
 * (--grpc-max-connections), so that clients holding many connections cannot use up the file descriptors.
 * A refusal is logged at most once per {@value #LOG_INTERVAL_MILLIS} ms, with the count since the last line.
 */
final class GrpcConnectionCap {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcConnectionCap.class);
    private static final long LOG_INTERVAL_MILLIS = 10_000;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong refusedSinceLog = new AtomicLong();

    GrpcConnectionCap(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the gRPC connection limit must be >= 1, got " + max);
        }
        this.max = max;
    }

    /**
     * Takes a just-accepted connection (not yet registered with an event loop) into the count, or closes it.
     *
     * @return false when it was refused and closed
     */
    boolean admit(Channel child) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            child.unsafe().closeForcibly();
            logRefusal();
            return false;
        }
        child.closeFuture().addListener(closed -> open.decrementAndGet());
        return true;
    }

    int open() {
        return open.get();
    }

    private void logRefusal() {
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        if (now - next >= 0 && nextLogNanos.compareAndSet(next, now + LOG_INTERVAL_MILLIS * 1_000_000)) {
            refusedSinceLog.addAndGet(-refused);
            LOG.warn("gRPC connection limit of {} reached: {} new connection(s) closed (--grpc-max-connections)",
                    max, refused);
        }
    }
}
