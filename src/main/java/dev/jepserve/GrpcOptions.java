package dev.jepserve;

import java.util.List;
import java.util.OptionalInt;

/**
 * tritonserver's gRPC tuning flags, parsed for the gRPC front end ({@code --allow-grpc}, {@code --grpc-address}
 * and {@code --grpc-port} are in {@link ServerOptions} itself). Times are milliseconds.
 *
 * @param inferThreadCount             --grpc-infer-thread-count
 * @param inferAllocationPoolSize      --grpc-infer-allocation-pool-size
 * @param maxResponsePoolSize          --grpc-max-response-pool-size (empty: unlimited)
 * @param responseCompressionLevel     --grpc-infer-response-compression-level: none, low, medium or high
 * @param keepaliveTimeMs              --grpc-keepalive-time
 * @param keepaliveTimeoutMs           --grpc-keepalive-timeout
 * @param keepalivePermitWithoutCalls  --grpc-keepalive-permit-without-calls
 * @param http2MaxPingsWithoutData     --grpc-http2-max-pings-without-data
 * @param http2MinRecvPingIntervalWithoutDataMs --grpc-http2-min-recv-ping-interval-without-data
 * @param http2MaxPingStrikes          --grpc-http2-max-ping-strikes
 * @param maxConnectionAgeMs           --grpc-max-connection-age (empty: no limit)
 * @param maxConnectionAgeGraceMs      --grpc-max-connection-age-grace (empty: no limit)
 * @param reusePort                    --reuse-grpc-port
 * @param headerForwardPattern         --grpc-header-forward-pattern (null: none)
 * @param restrictedProtocols          --grpc-restricted-protocol entries, {@code <protocols>:<key>=<value>}
 * @param useSsl                       --grpc-use-ssl (also true with --grpc-use-ssl-mutual)
 * @param useSslMutual                 --grpc-use-ssl-mutual
 * @param serverCert                   --grpc-server-cert (null: none)
 * @param serverKey                    --grpc-server-key (null: none)
 * @param rootCert                     --grpc-root-cert (null: none)
 * @param maxConnections               --grpc-max-connections
 * @param idleTimeoutSecs              --grpc-idle-timeout-secs (0: never)
 * @param handshakeTimeoutSecs         --grpc-handshake-timeout-secs (0: grpc-java's default)
 */
public record GrpcOptions(
        int inferThreadCount,
        int inferAllocationPoolSize,
        OptionalInt maxResponsePoolSize,
        String responseCompressionLevel,
        int keepaliveTimeMs,
        int keepaliveTimeoutMs,
        boolean keepalivePermitWithoutCalls,
        int http2MaxPingsWithoutData,
        int http2MinRecvPingIntervalWithoutDataMs,
        int http2MaxPingStrikes,
        OptionalInt maxConnectionAgeMs,
        OptionalInt maxConnectionAgeGraceMs,
        boolean reusePort,
        String headerForwardPattern,
        List<String> restrictedProtocols,
        boolean useSsl,
        boolean useSslMutual,
        String serverCert,
        String serverKey,
        String rootCert,
        int maxConnections,
        int idleTimeoutSecs,
        int handshakeTimeoutSecs) {

    public GrpcOptions {
        restrictedProtocols = List.copyOf(restrictedProtocols);
    }
}
