package dev.jepserve.grpc;

/**
 * Where and how the gRPC server listens.
 *
 * @param address         the bind address ("0.0.0.0" for every interface)
 * @param port            the TCP port; 0 picks a free one (see {@link GrpcServer#port()})
 * @param executorThreads threads for every call but ModelInfer, for streams and for large ModelInfer answers (never
 *                        event loops, never Python)
 * @param keepalive       HTTP/2 keepalive settings
 * @param connections     how many connections are kept open, and for how long
 */
public record GrpcServerOptions(String address, int port, int executorThreads, Keepalive keepalive,
                                Connections connections) {
    /** {@link Connections#DEFAULTS} for the connections. */
    public GrpcServerOptions(String address, int port, int executorThreads, Keepalive keepalive) {
        this(address, port, executorThreads, keepalive, Connections.DEFAULTS);
    }

    /**
     * Limits on connections, as the HTTP endpoint has them (0 disables a time limit).
     *
     * @param max                  open connections at most (--grpc-max-connections); one beyond is closed at once
     * @param idleTimeoutMillis    a connection with no call in progress is closed (GOAWAY) after this long
     *                             (--grpc-idle-timeout-secs)
     * @param handshakeTimeoutMillis a connection whose HTTP/2 preface and settings are not complete this long after
     *                             it opened is closed (--grpc-handshake-timeout-secs)
     * @param maxAgeMillis         a connection is closed (GOAWAY) once this old (--grpc-max-connection-age)
     * @param maxAgeGraceMillis    calls still open then get this long to finish (--grpc-max-connection-age-grace)
     */
    public record Connections(int max, long idleTimeoutMillis, long handshakeTimeoutMillis, long maxAgeMillis,
                              long maxAgeGraceMillis) {
        /** 1024 connections, 300 s idle, 30 s for the handshake, no age limit (the HTTP endpoint's defaults). */
        public static final Connections DEFAULTS = new Connections(1024, 300_000, 30_000, 0, 0);

        public Connections {
            if (max < 1) {
                throw new IllegalArgumentException("the gRPC connection limit must be >= 1, got " + max);
            }
            if (idleTimeoutMillis < 0 || handshakeTimeoutMillis < 0 || maxAgeMillis < 0 || maxAgeGraceMillis < 0) {
                throw new IllegalArgumentException("gRPC connection times must be >= 0");
            }
        }
    }

    /**
     * tritonserver's --grpc-keepalive-* settings that grpc-java has knobs for.
     *
     * @param timeMillis                      --grpc-keepalive-time: ping an idle connection after this long
     * @param timeoutMillis                   --grpc-keepalive-timeout: close it when the ping is not answered in time
     * @param permitWithoutCalls              --grpc-keepalive-permit-without-calls: let clients ping with no call open
     * @param minPingIntervalWithoutDataMillis --grpc-http2-min-recv-ping-interval-without-data: the fastest client
     *                                         pings tolerated
     */
    public record Keepalive(long timeMillis, long timeoutMillis, boolean permitWithoutCalls,
                            long minPingIntervalWithoutDataMillis) {
        /** tritonserver's defaults. */
        public static final Keepalive TRITON_DEFAULTS = new Keepalive(7_200_000, 20_000, false, 300_000);

        public Keepalive {
            if (timeMillis <= 0 || timeoutMillis <= 0 || minPingIntervalWithoutDataMillis < 0) {
                throw new IllegalArgumentException("keepalive times must be positive, got time " + timeMillis
                        + " ms, timeout " + timeoutMillis + " ms, min ping interval "
                        + minPingIntervalWithoutDataMillis + " ms");
            }
        }
    }

    public GrpcServerOptions {
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("address must be a host name or IP address, got '" + address + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (executorThreads < 1) {
            throw new IllegalArgumentException("executorThreads must be >= 1, got " + executorThreads);
        }
        if (keepalive == null) {
            throw new IllegalArgumentException("keepalive settings are required");
        }
        if (connections == null) {
            throw new IllegalArgumentException("connection limits are required");
        }
    }

    /** That address and port, Triton's keepalive defaults, an executor thread per processor (at least 2). */
    public static GrpcServerOptions defaults(String address, int port) {
        return new GrpcServerOptions(address, port, Math.max(2, Runtime.getRuntime().availableProcessors()),
                Keepalive.TRITON_DEFAULTS);
    }
}
