package dev.jepserve;

import dev.jepserve.grpc.GrpcServer;
import dev.jepserve.grpc.GrpcServerOptions;
import dev.jepserve.http.HttpServer;
import dev.jepserve.http.HttpServerOptions;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.metrics.CpuMetricsPoller;
import dev.jepserve.metrics.MetricsOptions;
import dev.jepserve.metrics.MetricsRegistry;
import dev.jepserve.metrics.ModelMetrics;
import dev.jepserve.python.PythonRuntime;
import dev.jepserve.repository.ModelRepository;
import dev.jepserve.repository.VersionMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The running parts of one server, started in dependency order and closed in reverse. */
final class ServerParts {
    private static final Logger LOG = LoggerFactory.getLogger(ServerParts.class);

    MetricsRegistry metrics;
    CpuMetricsPoller cpuPoller;
    PythonRuntime python;
    ModelRepository repository;
    HttpServer http;
    GrpcServer grpc;
    HttpServer metricsHttp;
    /** Batch delays and request timeouts of every model's scheduler. */
    final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "jepserve-timers");
        thread.setDaemon(true);
        return thread;
    });

    void startMetrics(ServerOptions options) {
        MetricsOptions metricsOptions = MetricsOptions.defaults().withEnabled(options.allowMetrics())
                .withIntervalMs(options.metricsIntervalMs()).withConfig(options.metricsConfig());
        metrics = new MetricsRegistry(metricsOptions);
        if (options.allowMetrics() && options.allowCpuMetrics()) {
            cpuPoller = new CpuMetricsPoller(metrics);
            cpuPoller.start();
        }
    }

    /** The Java object pb_utils.MetricFamily calls. */
    Object customMetricsBackend() {
        return metrics.customMetrics();
    }

    VersionMetrics.Factory versionMetricsFactory() {
        return (model, version) -> new ModelMetricsObserver(metrics.registerModel(model, version));
    }

    void startEndpoints(ServerOptions options, InferenceService service) {
        try {
            // Triton's order: gRPC, HTTP, metrics. A client that found HTTP up finds gRPC up too.
            if (options.allowGrpc()) {
                grpc = new GrpcServer(service, GrpcServerOptions.defaults(options.grpcAddress(), options.grpcPort()),
                        options::logVerbose);
                InetSocketAddress bound = grpc.start();
                LOG.info("Started GRPCInferenceService at {}:{}", options.grpcAddress(), bound.getPort());
            }
            if (options.allowHttp()) {
                http = HttpServer.forInference(service, new HttpServerOptions(options.httpAddress(), options.httpPort(),
                        options.httpThreads(), options.httpMaxInputSize()));
                InetSocketAddress bound = http.start();
                LOG.info("Started HTTPService at {}:{}", options.httpAddress(), bound.getPort());
            }
            if (options.allowMetrics()) {
                metricsHttp = HttpServer.forMetrics(metrics::scrape, new HttpServerOptions(options.metricsAddress(),
                        options.metricsPort(), 1, HttpServerOptions.DEFAULT_MAX_INPUT_SIZE));
                InetSocketAddress bound = metricsHttp.start();
                LOG.info("Started Metrics Service at {}:{}", options.metricsAddress(), bound.getPort());
            }
        } catch (IOException e) {
            throw new Server.StartupException("cannot listen: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Server.StartupException("interrupted while starting the endpoints");
        }
    }

    /** Stops accepting, lets requests in flight finish (up to the timeout), unloads models, stops the rest. */
    void close(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try {
            if (http != null) {
                http.stop(timeoutMillis);
            }
            if (grpc != null) {
                grpc.stop(Math.max(0, deadline - System.currentTimeMillis()));
            }
            if (repository != null) {
                repository.unloadAll(Math.max(0, deadline - System.currentTimeMillis()));
            }
            if (metricsHttp != null) {
                metricsHttp.stop(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (python != null) {
                python.close();
            }
            if (cpuPoller != null) {
                cpuPoller.close();
            }
            timers.shutdownNow();
        }
    }

    /** Feeds one model version's built-in metric series from the scheduler's events. */
    private record ModelMetricsObserver(ModelMetrics metrics) implements VersionMetrics {
        @Override
        public void queued() {
            metrics.pendingChanged(1);
        }

        @Override
        public void dequeued() {
            metrics.pendingChanged(-1);
        }

        @Override
        public void executed(int batchSize, long computeInputNanos, long computeInferNanos, long computeOutputNanos) {
            metrics.executed();
        }

        @Override
        public void succeeded(int batchSize, long requestNanos, long queueNanos, long computeInputNanos,
                              long computeInferNanos, long computeOutputNanos) {
            metrics.requestSucceeded(batchSize, requestNanos, queueNanos, computeInputNanos, computeInferNanos,
                    computeOutputNanos);
            // Without decoupled models, the first response is the only one.
            metrics.firstResponse(requestNanos);
        }

        @Override
        public void failed(dev.jepserve.inference.FailureReason reason, long requestNanos) {
            metrics.requestFailed(reason, requestNanos);
        }

        @Override
        public void loadDuration(double seconds) {
            metrics.loadDuration(seconds);
        }

        @Override
        public void close() {
            metrics.close();
        }
    }
}
