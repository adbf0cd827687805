package dev.jepserve;

import dev.jepserve.concurrent.DaemonThreadFactory;
import dev.jepserve.bls.BlsDispatcher;
import dev.jepserve.ensemble.EnsembleBackend;
import dev.jepserve.ensemble.PlatformChoice;
import dev.jepserve.grpc.GrpcServer;
import dev.jepserve.grpc.GrpcServerOptions;
import dev.jepserve.http.HttpServer;
import dev.jepserve.http.HttpServerOptions;
import dev.jepserve.inference.InFlightRequests;
import dev.jepserve.inference.InferenceService;
import dev.jepserve.inference.TritonException;
import dev.jepserve.logging.LogController;
import dev.jepserve.metrics.CpuMetricsPoller;
import dev.jepserve.metrics.MetricsOptions;
import dev.jepserve.metrics.MetricsRegistry;
import dev.jepserve.python.InProcessPythonBackend;
import dev.jepserve.python.PythonBls;
import dev.jepserve.python.PythonCallbacks;
import dev.jepserve.python.PythonEnvironment;
import dev.jepserve.python.PythonEnvironmentProbe;
import dev.jepserve.python.PythonLogSink;
import dev.jepserve.python.PythonRuntime;
import dev.jepserve.repository.FloorModel;
import dev.jepserve.repository.IsolationChoice;
import dev.jepserve.repository.LazyBackend;
import dev.jepserve.repository.ModelController;
import dev.jepserve.repository.ModelLoader;
import dev.jepserve.repository.ModelLoaderOptions;
import dev.jepserve.repository.ModelRepository;
import dev.jepserve.repository.ModelTable;
import dev.jepserve.repository.ModelVersionFactory;
import dev.jepserve.repository.PythonModelControl;
import dev.jepserve.repository.RepositoryInferenceService;
import dev.jepserve.repository.RepositoryPoller;
import dev.jepserve.stub.StubHealthPolicy;
import dev.jepserve.stub.StubLaunch;
import dev.jepserve.stub.StubMetricsHub;
import dev.jepserve.stub.StubProcessBackend;
import dev.jepserve.stub.SharedMemorySettings;
import dev.jepserve.trace.TraceConfig;
import dev.jepserve.trace.TraceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The composition root: builds every part in start-up order, passes each what it needs, and registers how to
 * stop it. No serving logic here.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    /** The server cannot start; the message says why in one line. */
    public static final class StartupException extends RuntimeException {
        StartupException(String message) {
            super(message);
        }
    }

    /** The longest a scrape waits for stub processes to send their queued metric updates. */
    private static final long SCRAPE_FLUSH_MILLIS = 200;
    /** How long past the exit timeout the endpoints wait for the answers given at the exit timeout. */
    static final long ANSWER_GRACE_MILLIS = 2000;
    /** The error every request still open at the exit timeout gets (tritonserver's stop error text). */
    static final String EXIT_TIMEOUT_ANSWER = "Exit timeout expired. Exiting immediately.";

    private final ServerOptions options;
    private final LogController logs;
    private final ShutdownSequence shutdown;
    /** Every loaded version's open requests: answered when --exit-timeout-secs runs out at shutdown. */
    private final InFlightRequests inFlight = new InFlightRequests();
    private ScheduledExecutorService timers;
    private final AtomicBoolean serving = new AtomicBoolean(false);
    private final AtomicBoolean closed = new AtomicBoolean(false);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final MetricsRegistry metrics;
    /** Custom metrics of stub processes: flushed into the registry before each scrape. */
    private final StubMetricsHub stubMetrics;
    private final InferenceService service;
    private final TraceManager traces;
    /** Reads the stubs' connections and serves gRPC's (see the constructor). */
    private final EventLoopGroup ioLoop;

    private Server(ServerOptions options, LogController logs, ShutdownSequence shutdown) {
        this.options = options;
        this.logs = logs;
        this.shutdown = shutdown;
        checkRepositories();
        // The probe runs a Python process; the server's own start goes on meanwhile (two cores do both).
        CompletableFuture<PythonEnvironment> probing = probePython(options.python());

        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "jepserve-timers");
            thread.setDaemon(true);
            return thread;
        });
        shutdown.onStop("scheduler timers", remaining -> timers.shutdownNow());
        // Stops after the endpoints and models (reverse order), so every trace in flight is complete by then.
        traces = TraceManager.start(TraceConfig.parse(options.traceConfig()));
        shutdown.onStop("traces", remaining -> traces.close());

        metrics = new MetricsRegistry(MetricsOptions.defaults().withEnabled(options.allowMetrics())
                .withIntervalMs(options.metricsIntervalMs()).withConfig(options.metricsConfig()));
        metrics.reportPinnedMemoryPool(options.pinnedMemoryPoolBytes());
        if (options.allowMetrics() && options.allowCpuMetrics()) {
            CpuMetricsPoller cpuPoller = new CpuMetricsPoller(metrics);
            cpuPoller.start();
            shutdown.onStop("CPU metrics poller", remaining -> cpuPoller.close());
        }
        stubMetrics = new StubMetricsHub(metrics.customMetrics());
        shutdown.onStop("shared metric values", remaining -> stubMetrics.close());
        startMetricsEndpoint();

        PythonEnvironment environment = awaitProbe(probing);
        PythonCallbacks callbacks = new PythonCallbacks();
        // The server's own interpreter starts with the first in-process model (LazyBackend); closed after them.
        AtomicReference<PythonRuntime> startedPython = new AtomicReference<>();
        shutdown.onStop("Python runtime", remaining -> {
            PythonRuntime python = startedPython.get();
            if (python != null) {
                python.close();
            }
        });
        // BLS calls reach the models through the inference service, which exists once the models are loaded.
        AtomicReference<InferenceService> loadedService = new AtomicReference<>();
        BlsDispatcher bls = new BlsDispatcher(loadedService::get);
        LazyBackend inProcess = new LazyBackend(() -> {
            PythonRuntime python = PythonRuntime.start(environment, options.pythonThreads(), new PythonLogSink(),
                    metrics.customMetrics(), callbacks);
            startedPython.set(python);
            python.installBls(PythonBls.withDirectCalls(bls, callbacks, python, callbacks::isCancelled, timers));
            return new InProcessPythonBackend(python, callbacks, metrics.customMetrics()::releaseOwner);
        });
        IsolationChoice.Isolation defaultIsolation = IsolationChoice.Isolation.parse(options.pythonIsolation());
        if (defaultIsolation == IsolationChoice.Isolation.INPROCESS) {
            inProcess.startNow(); // a broken Python setup stops the server at once, as before
        }

        // One event loop reads the stubs' connections and serves the gRPC connections: a stub's answer to a gRPC
        // client is written by the thread that read it. Stopped last (reverse order), after stubs and endpoints.
        ioLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("jepserve-io", true));
        shutdown.onStop("I/O event loop", remaining -> ioLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS));

        // A model whose instances all make no progress for stub-timeout-seconds reports not ready (both isolations).
        ModelVersionFactory versions = new ModelVersionFactory(metrics::registerModel, timers, inFlight,
                StubHealthPolicy.fromPythonSettings(options.backendConfig().python()).timeoutNanos());
        this.timers = timers;
        StubProcessBackend stubs = new StubProcessBackend(
                StubLaunch.likeThisProcess(environment.executable(), BuildInfo.jepVersion(), logs::settings)
                        .withEnvironment(environment)
                        .withSharedMemory(SharedMemorySettings.fromPythonSettings(options.backendConfig().python()))
                        .withReaders(ioLoop),
                callbacks, inProcess, timers,
                StubHealthPolicy.fromPythonSettings(options.backendConfig().python()), metrics::registerStubRestarts,
                stubMetrics, bls);
        shutdown.onStop("stub health and restarts", remaining -> stubs.close());
        logs.onChange(stubs::logSettingsChanged);
        ModelLoader loader = new ModelLoader(new PlatformChoice(new EnsembleBackend(loadedService::get),
                new IsolationChoice(inProcess, stubs, defaultIsolation)),
                versions, new ModelLoaderOptions(options.autoCompleteConfig(),
                        options.modelControl().configName()));
        ModelRepository repository = new ModelRepository(options.modelRepositories());
        ModelControlOptions control = options.modelControl();
        ExecutorService loadThreads = Executors.newFixedThreadPool(Math.max(1, control.loadThreadCount()),
                new DaemonThreadFactory("jepserve-model-load"));
        ExecutorService retireThreads = Executors.newCachedThreadPool(new DaemonThreadFactory("jepserve-model-unload"));
        ModelController controller = new ModelController(repository, loader, control.mode(), loadThreads,
                retireThreads, options.exitTimeoutSecs() * 1000L);
        shutdown.onStop("models", remaining -> {
            controller.unloadAll(remaining);
            loadThreads.shutdownNow();
            retireThreads.shutdownNow();
        });
        boolean allFound;
        try {
            allFound = controller.loadAtStart(control.loadModels());
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
        if (options.benchFloorModel()) {
            repository.add(FloorModel.create(versions));
        }
        LOG.info("\n{}", ModelTable.render(repository.models().values()));
        if (options.exitOnError() && (!allFound || !repository.allReady())) {
            throw new StartupException("failed to load all models");
        }
        if (control.mode() == ModelControlMode.POLL && control.repositoryPollSecs() > 0) {
            RepositoryPoller poller = new RepositoryPoller(controller, control.repositoryPollSecs());
            shutdown.onStop("repository poll", remaining -> poller.close());
        }
        callbacks.bindModelControl(new PythonModelControl(controller, repository));

        service = new RepositoryInferenceService(repository, controller, options.serverId(), BuildInfo.version(),
                serving::get, options.strictReadiness());
        loadedService.set(service);
        serving.set(true);
        startEndpoints();
        // Runs first at shutdown: stubs dying while the models unload are not restarted.
        shutdown.onStop("stub restarts", remaining -> stubs.stopRestarts());
    }

    /**
     * Starts the server; a failure stops whatever had started and is thrown.
     *
     * @param logs the log settings, installed from {@code options.log()}; the logging extension changes them
     */
    public static Server start(ServerOptions options, LogController logs) {
        ShutdownSequence shutdown = new ShutdownSequence();
        try {
            return new Server(options, logs, shutdown);
        } catch (RuntimeException e) {
            shutdown.run(options.exitTimeoutSecs() * 1000L);
            throw e;
        }
    }

    private static CompletableFuture<PythonEnvironment> probePython(Path setting) {
        return CompletableFuture.supplyAsync(() -> new PythonEnvironmentProbe(BuildInfo.jepVersion()).probe(setting),
                runnable -> {
                    Thread thread = new Thread(runnable, "jepserve-python-probe");
                    thread.setDaemon(true);
                    thread.start();
                });
    }

    /** The probe's result; its PythonSetupException (a one-line reason) as thrown. */
    private static PythonEnvironment awaitProbe(CompletableFuture<PythonEnvironment> probing) {
        try {
            return probing.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Before anything starts: every --model-repository must be a directory (as tritonserver checks). */
    private void checkRepositories() {
        for (Path repository : options.modelRepositories()) {
            if (!Files.exists(repository)) {
                throw new StartupException("model repository path '" + repository + "' does not exist");
            }
            if (!Files.isDirectory(repository)) {
                throw new StartupException("model repository path '" + repository + "' is not a directory");
            }
        }
    }

    /** The inference endpoints, once the models are loaded. */
    private void startEndpoints() {
        try {
            // Triton's order: gRPC, then HTTP. A client that found HTTP up finds gRPC up too.
            if (options.allowGrpc()) {
                GrpcServer grpc = new GrpcServer(service, grpcServerOptions(), logs, traces, ioLoop);
                InetSocketAddress bound = grpc.start();
                shutdown.onStop("gRPC endpoint", remaining -> grpc.stop(remaining + ANSWER_GRACE_MILLIS));
                LOG.info("Started GRPCInferenceService at {}:{}", options.grpcAddress(), bound.getPort());
            }
            if (options.allowHttp()) {
                HttpServer http = HttpServer.forInference(service, logs, traces, new HttpServerOptions(options.httpAddress(),
                        options.httpPort(), options.httpThreads(), options.httpMaxInputSize())
                        .withLimits(options.httpLimits()));
                InetSocketAddress bound = http.start();
                shutdown.onStop("HTTP endpoint", remaining -> http.stop(remaining + ANSWER_GRACE_MILLIS));
                LOG.info("Started HTTPService at {}:{}", options.httpAddress(), bound.getPort());
            }
        } catch (IOException e) {
            // Triton's wording; the message names the socket.
            throw new StartupException("failed to start HTTP service: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while starting the endpoints");
        }
    }

    /**
     * The metrics endpoint starts before the models load and stops after they unloaded, so scrapes see load
     * durations and the shutdown.
     */
    private void startMetricsEndpoint() {
        if (!options.allowMetrics()) {
            return;
        }
        HttpServer metricsHttp = HttpServer.forMetrics(this::scrape, new HttpServerOptions(
                options.metricsAddress(), options.metricsPort(), 1, HttpServerOptions.DEFAULT_MAX_INPUT_SIZE)
                .withLimits(options.httpLimits()));
        try {
            InetSocketAddress bound = metricsHttp.start();
            shutdown.onStop("metrics endpoint", remaining -> metricsHttp.stop(1000));
            LOG.info("Started Metrics Service at {}:{}", options.metricsAddress(), bound.getPort());
        } catch (IOException e) {
            throw new StartupException("failed to start Metrics service: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while starting the metrics endpoint");
        }
    }

    /** --grpc-address, --grpc-port, --grpc-infer-thread-count and the keepalive flags grpc-java has knobs for. */
    private GrpcServerOptions grpcServerOptions() {
        GrpcOptions grpc = options.grpc();
        return new GrpcServerOptions(options.grpcAddress(), options.grpcPort(), Math.max(1, grpc.inferThreadCount()),
                new GrpcServerOptions.Keepalive(grpc.keepaliveTimeMs(), grpc.keepaliveTimeoutMs(),
                        grpc.keepalivePermitWithoutCalls(), grpc.http2MinRecvPingIntervalWithoutDataMs()),
                grpcConnections(grpc));
    }

    /** --grpc-max-connections, the idle and handshake timeouts and --grpc-max-connection-age[-grace]. */
    private static GrpcServerOptions.Connections grpcConnections(GrpcOptions grpc) {
        try {
            return new GrpcServerOptions.Connections(grpc.maxConnections(), grpc.idleTimeoutSecs() * 1000L,
                    grpc.handshakeTimeoutSecs() * 1000L, grpc.maxConnectionAgeMs().orElse(0),
                    grpc.maxConnectionAgeGraceMs().orElse(0));
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
    }

    /**
     * The exposition text, after every stub sent the metric updates it still queued. This waits on the metrics
     * port's own event loop (it serves nothing else); a responsive stub answers in well under a millisecond,
     * and one that does not answer within the bound shows its earlier updates.
     */
    private String scrape() {
        stubMetrics.flushAll(SCRAPE_FLUSH_MILLIS);
        return metrics.scrape();
    }

    /** The protocol-free service the front ends call; the Java API (dev.jepserve.api) infers through it. */
    public InferenceService inferenceService() {
        return service;
    }

    /** The Prometheus exposition text, as a scrape of /metrics returns it (empty with --allow-metrics=false). */
    public String metricsText() {
        return scrape();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Stops accepting requests, answers those in flight (up to --exit-timeout-secs), unloads models, stops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serving.set(false);
        long exitTimeoutMillis = options.exitTimeoutSecs() * 1000L;
        if (timers != null) {
            // At the exit timeout every open request is answered, so the endpoints (given ANSWER_GRACE_MILLIS
            // more) write those answers before they close their connections.
            timers.schedule(() -> inFlight.failAll(TritonException.unavailable(EXIT_TIMEOUT_ANSWER)),
                    exitTimeoutMillis, TimeUnit.MILLISECONDS);
        }
        try {
            shutdown.run(exitTimeoutMillis);
        } finally {
            terminated.countDown();
        }
    }
}
