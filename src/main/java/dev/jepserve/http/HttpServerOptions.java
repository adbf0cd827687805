package dev.jepserve.http;

/**
 * Where and how one HTTP server listens.
 *
 * @param address          the bind address ("0.0.0.0" for every interface)
 * @param port             the TCP port; 0 picks a free one (see {@link HttpServer#port()})
 * @param eventLoopThreads worker event-loop threads (the acceptor always has one)
 * @param maxInputSize     the largest request body accepted, compressed or not (--http-max-input-size)
 */
public record HttpServerOptions(String address, int port, int eventLoopThreads, int maxInputSize) {
    /** Triton's default for --http-max-input-size: 64 MiB. */
    public static final int DEFAULT_MAX_INPUT_SIZE = 64 * 1024 * 1024;

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
    }

    /** All interfaces, one event loop per processor, the default body limit. */
    public static HttpServerOptions defaults(int port) {
        return new HttpServerOptions("0.0.0.0", port, Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_INPUT_SIZE);
    }

    public HttpServerOptions withAddress(String newAddress) {
        return new HttpServerOptions(newAddress, port, eventLoopThreads, maxInputSize);
    }

    public HttpServerOptions withPort(int newPort) {
        return new HttpServerOptions(address, newPort, eventLoopThreads, maxInputSize);
    }

    public HttpServerOptions withEventLoopThreads(int threads) {
        return new HttpServerOptions(address, port, threads, maxInputSize);
    }

    public HttpServerOptions withMaxInputSize(int bytes) {
        return new HttpServerOptions(address, port, eventLoopThreads, bytes);
    }
}
