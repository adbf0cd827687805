package dev.jepserve.http.transport;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts one server's open connections and closes a new one at once while the count is at the limit, so that
 * clients holding many idle connections cannot use up the process's file descriptors.
 */
final class ConnectionCap {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, 10_000);

    ConnectionCap(int max) {
        this.max = max;
    }

    /** @return false when the connection was refused (and is being closed) */
    boolean admit(Channel channel) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refusals.warn("HTTP connection limit of " + max + " reached: new connections are closed "
                    + "(--http-max-connections)");
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        return true;
    }

    int open() {
        return open.get();
    }
}
