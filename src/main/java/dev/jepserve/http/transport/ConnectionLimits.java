package dev.jepserve.http.transport;

/**
 * How many connections one HTTP server keeps open and how long it waits for a client (0 disables a timeout).
 *
 * @param maxConnections      open connections at most; a connection beyond it is closed at once
 * @param idleTimeoutMillis   a connection with no request in progress is closed after this long
 * @param headerTimeoutMillis a request's headers must be complete this long after its first byte
 * @param bodyTimeoutMillis   a request's body must be complete this long after its headers
 */
public record ConnectionLimits(int maxConnections, long idleTimeoutMillis, long headerTimeoutMillis,
                               long bodyTimeoutMillis) {
    /** Defaults: 1024 connections, 300 s idle, 30 s for headers, 300 s for a body (64 MiB at about 220 KB/s). */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(1024, 300_000, 30_000, 300_000);

    public ConnectionLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
        }
        if (idleTimeoutMillis < 0 || headerTimeoutMillis < 0 || bodyTimeoutMillis < 0) {
            throw new IllegalArgumentException("timeouts must be >= 0");
        }
    }
}
