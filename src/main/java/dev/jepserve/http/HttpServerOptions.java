package dev.jepserve.http;

import dev.jepserve.http.transport.ConnectionLimits;

/**
 * Where and how one HTTP server listens.
 *
 * @param address          the bind address ("0.0.0.0" for every interface)
 * @param port             the TCP port; 0 picks a free one (see {@link HttpServer#port()})
 * @param eventLoopThreads worker event-loop threads (the acceptor always has one)
 * @param maxInputSize     the largest request body accepted, compressed or not (--http-max-input-size)
 * @param offloadThreads   threads that decode and encode large bodies and (de)compress, off the event loops
 * @param inlineLimit      bodies (and estimated responses) below this many bytes are handled on the event loop
 * @param limits           the connection cap and the idle, header and body timeouts
 */
public record HttpServerOptions(String address, int port, int eventLoopThreads, int maxInputSize,
                                int offloadThreads, long inlineLimit, ConnectionLimits limits) {
    /** Triton's default for --http-max-input-size: 64 MiB. */
    public static final int DEFAULT_MAX_INPUT_SIZE = 64 * 1024 * 1024;
    /**
     * Bodies below this stay on the event loop. On the shared 2-core build box a hop to the offload pool did not
     * change the latency of one connection measurably (medians within noise, 112 B to 330 KB bodies), so the limit
     * bounds how long one request may hold the loop: JSON decodes at about 7 ns a byte, 64 KiB in under 1 ms.
     */
    public static final long DEFAULT_INLINE_LIMIT = 64 * 1024;

    public HttpServerOptions {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("address must be a host name or IP address, got '" + address + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (eventLoopThreads < 1) {
            throw new IllegalArgumentException("eventLoopThreads must be >= 1, got " + eventLoopThreads);
        }
        if (maxInputSize < 1) {
            throw new IllegalArgumentException("maxInputSize must be > 0, got " + maxInputSize);
        }
        if (offloadThreads < 1) {
            throw new IllegalArgumentException("offloadThreads must be >= 1, got " + offloadThreads);
        }
        if (inlineLimit < 0) {
            throw new IllegalArgumentException("inlineLimit must be >= 0, got " + inlineLimit);
        }
        if (limits == null) {
            limits = ConnectionLimits.DEFAULTS;
        }
    }

    /** The default connection limits and timeouts. */
    public HttpServerOptions(String address, int port, int eventLoopThreads, int maxInputSize, int offloadThreads,
                             long inlineLimit) {
        this(address, port, eventLoopThreads, maxInputSize, offloadThreads, inlineLimit, ConnectionLimits.DEFAULTS);
    }

    public HttpServerOptions withLimits(ConnectionLimits newLimits) {
        return new HttpServerOptions(address, port, eventLoopThreads, maxInputSize, offloadThreads, inlineLimit,
                newLimits);
    }

    /** The default offload pool (one thread per processor) and inline limit. */
    public HttpServerOptions(String address, int port, int eventLoopThreads, int maxInputSize) {
        this(address, port, eventLoopThreads, maxInputSize, Runtime.getRuntime().availableProcessors(),
                DEFAULT_INLINE_LIMIT);
    }

    /** All interfaces, one event loop per processor, the default body limit. */
    public static HttpServerOptions defaults(int port) {
        return new HttpServerOptions("0.0.0.0", port, Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_INPUT_SIZE);
    }

    public HttpServerOptions withAddress(String newAddress) {
        return new HttpServerOptions(newAddress, port, eventLoopThreads, maxInputSize, offloadThreads, inlineLimit, limits);
    }

    public HttpServerOptions withPort(int newPort) {
        return new HttpServerOptions(address, newPort, eventLoopThreads, maxInputSize, offloadThreads, inlineLimit, limits);
    }

    public HttpServerOptions withEventLoopThreads(int threads) {
        return new HttpServerOptions(address, port, threads, maxInputSize, offloadThreads, inlineLimit, limits);
    }

    public HttpServerOptions withMaxInputSize(int bytes) {
        return new HttpServerOptions(address, port, eventLoopThreads, bytes, offloadThreads, inlineLimit, limits);
    }

    public HttpServerOptions withOffload(int threads, long inlineBytes) {
        return new HttpServerOptions(address, port, eventLoopThreads, maxInputSize, threads, inlineBytes, limits);
    }
}
