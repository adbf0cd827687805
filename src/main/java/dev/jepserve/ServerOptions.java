package dev.jepserve;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the command line decides, with tritonserver's names and defaults.
 *
 * @param modelRepositories  --model-repository (repeatable)
 * @param python             --python / JEPSERVE_PYTHON: a venv directory or a python executable
 * @param pythonThreads      --python-threads: threads that run Python (they share one GIL)
 * @param serverId           --id, the name in server metadata
 * @param allowHttp          --allow-http
 * @param httpAddress        --http-address
 * @param httpPort           --http-port
 * @param httpThreads        --http-thread-count
 * @param httpMaxInputSize   --http-max-input-size (bytes)
 * @param allowMetrics       --allow-metrics
 * @param allowCpuMetrics    --allow-cpu-metrics
 * @param metricsAddress     --metrics-address (defaults to the HTTP address)
 * @param metricsPort        --metrics-port
 * @param metricsIntervalMs  --metrics-interval-ms
 * @param metricsConfig      --metrics-config entries (key=value)
 * @param logVerbose         --log-verbose
 * @param exitTimeoutSecs    --exit-timeout-secs
 * @param exitOnError        --exit-on-error: exit when a model fails to load at start
 * @param strictReadiness    --strict-readiness
 * @param autoCompleteConfig false with --disable-auto-complete-config or --strict-model-config=true
 * @param benchFloorModel    --bench-floor-model: also serve the Java-only benchmark floor model
 * @param allowGrpc          --allow-grpc
 * @param grpcAddress        --grpc-address
 * @param grpcPort           --grpc-port
 */
public record ServerOptions(
        List<Path> modelRepositories,
        Path python,
        int pythonThreads,
        String serverId,
        boolean allowHttp,
        String httpAddress,
        int httpPort,
        int httpThreads,
        int httpMaxInputSize,
        boolean allowMetrics,
        boolean allowCpuMetrics,
        String metricsAddress,
        int metricsPort,
        double metricsIntervalMs,
        List<String> metricsConfig,
        int logVerbose,
        int exitTimeoutSecs,
        boolean exitOnError,
        boolean strictReadiness,
        boolean autoCompleteConfig,
        boolean benchFloorModel,
        boolean allowGrpc,
        String grpcAddress,
        int grpcPort) {

    public ServerOptions {
        modelRepositories = List.copyOf(modelRepositories);
        metricsConfig = List.copyOf(metricsConfig);
    }
}
