package dev.jepserve;

import dev.jepserve.http.transport.ConnectionLimits;
import dev.jepserve.logging.LogOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the command line decides, with tritonserver's names and defaults. Built by
 * {@link dev.jepserve.cli.ServerOptionsReader} from the flag table; some parts (gRPC, model control, backend
 * config, tracing, rate limiting) are parsed for features that are not wired yet.
 *
 * @param modelRepositories  --model-repository (repeatable)
 * @param python             --python / JEPSERVE_PYTHON: a venv directory or a python executable
 * @param pythonThreads      --python-threads: threads that run Python (they share one GIL)
 * @param pythonIsolation    --python-isolation: "process" (a stub process per instance) or "inprocess"
 * @param serverId           --id, the name in server metadata
 * @param allowHttp          --allow-http
 * @param httpAddress        --http-address
 * @param httpPort           --http-port
 * @param httpThreads        --http-thread-count
 * @param httpMaxInputSize   --http-max-input-size (bytes)
 * @param allowGrpc          --allow-grpc
 * @param grpcAddress        --grpc-address
 * @param grpcPort           --grpc-port
 * @param grpc               the other --grpc-* flags
 * @param allowMetrics       --allow-metrics
 * @param allowCpuMetrics    --allow-cpu-metrics
 * @param metricsAddress     --metrics-address (defaults to the HTTP address)
 * @param metricsPort        --metrics-port
 * @param metricsIntervalMs  --metrics-interval-ms
 * @param metricsConfig      --metrics-config entries (key=value)
 * @param log                --log-verbose, --log-info, --log-warning, --log-error, --log-format, --log-file
 * @param exitTimeoutSecs    --exit-timeout-secs
 * @param exitOnError        --exit-on-error: exit when a model fails to load at start
 * @param strictReadiness    --strict-readiness
 * @param autoCompleteConfig false with --disable-auto-complete-config or --strict-model-config=true
 * @param modelControl       --model-control-mode, --load-model, --repository-poll-secs, --model-load-*
 * @param backendConfig      --backend-config settings by backend
 * @param traceConfig        --trace-config entries ({@code [<mode>,]<setting>=<value>})
 * @param rateLimit          --rate-limit: {@code off} or {@code execution_count}
 * @param rateLimitResources --rate-limit-resource entries ({@code <name>:<count>[:<device>]})
 * @param benchFloorModel    --bench-floor-model: also serve the Java-only benchmark floor model
 * @param pinnedMemoryPoolBytes --pinned-memory-pool-byte-size: nothing is allocated, nv_pinned_memory_pool_total_bytes
 *                           reports it
 * @param httpLimits         --http-max-connections and the --http-*-timeout-secs flags
 */
public record ServerOptions(
        List<Path> modelRepositories,
        Path python,
        int pythonThreads,
        String pythonIsolation,
        String serverId,
        boolean allowHttp,
        String httpAddress,
        int httpPort,
        int httpThreads,
        int httpMaxInputSize,
        boolean allowGrpc,
        String grpcAddress,
        int grpcPort,
        GrpcOptions grpc,
        boolean allowMetrics,
        boolean allowCpuMetrics,
        String metricsAddress,
        int metricsPort,
        double metricsIntervalMs,
        List<String> metricsConfig,
        LogOptions log,
        int exitTimeoutSecs,
        boolean exitOnError,
        boolean strictReadiness,
        boolean autoCompleteConfig,
        ModelControlOptions modelControl,
        BackendConfig backendConfig,
        List<String> traceConfig,
        String rateLimit,
        List<String> rateLimitResources,
        boolean benchFloorModel,
        long pinnedMemoryPoolBytes,
        ConnectionLimits httpLimits) {

    public ServerOptions {
        modelRepositories = List.copyOf(modelRepositories);
        metricsConfig = List.copyOf(metricsConfig);
        traceConfig = List.copyOf(traceConfig);
        rateLimitResources = List.copyOf(rateLimitResources);
    }

    /** --log-verbose. */
    public int logVerbose() {
        return log.verbose();
    }
}
