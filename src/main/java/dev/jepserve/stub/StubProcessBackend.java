package dev.jepserve.stub;

import dev.jepserve.concurrent.DaemonThreadFactory;
import dev.jepserve.bls.BlsTransport;
import dev.jepserve.config.ModelConfigJson;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInstanceGroup;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.InitializeArgs;
import dev.jepserve.python.PythonCallbacks;
import dev.jepserve.python.PythonSources;
import dev.jepserve.logging.LogOptions;
import dev.jepserve.stub.proto.LoadInstance;
import dev.jepserve.stub.proto.LogSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jepserve.stub.proto.AutoCompleteConfig;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.Reply;
import dev.jepserve.stub.proto.ToStub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Python models in stub processes: one child process per instance, each with its own interpreter,
 * sys.modules and GIL. A model that crashes, exits or hangs takes only its stub down; the stub is restarted.
 */
public final class StubProcessBackend implements ModelBackend, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StubProcessBackend.class);
    /** How long the stub that ran auto_complete_config waits for the model's first instance. */
    private static final long SPARE_MILLIS = 60_000;
    /** Messages of a stub that only runs auto_complete_config: nothing to do with them. */
    private static final StubProcess.Listener IGNORE = new StubProcess.Listener() {
        @Override
        public void onMessage(FromStub message) {
        }

        @Override
        public void onDeath(StubProcess stub, String why) {
        }
    };
    /** Stubs that ran auto_complete_config, by version directory, until the first instance takes them. */
    private final Map<Path, StubProcess> spares = new ConcurrentHashMap<>();
    /** EXECUTION_ENV_PATH environments, unpacked once. */
    private final ExecutionEnvironments environments;
    /** How often cancellations of running requests are pushed to the stubs. */
    private static final long CANCELLATION_SWEEP_MILLIS = 20;

    private final StubLaunch launch;
    /** Where the stubs' pb_utils.MetricFamily series live: the server's registry. */
    private final StubMetricsHub customMetrics;
    private final PythonCallbacks callbacks;
    /** Where the stubs' BLS calls go: the server's dispatcher. */
    private final BlsTransport bls;
    private final ModelBackend autoCompleter;
    private final ScheduledExecutorService timers;
    private final StubHealthPolicy policy;
    private final RestartCounter.Factory restartCounters;
    /** Heartbeats and restart delays: never the shared timers, whose thread must not wait on a stub. */
    private final ScheduledExecutorService healthTimer;
    /** Starting a stub blocks for seconds: each restart gets a thread of its own. */
    private final ExecutorService restarter;
    /** Runs the stubs' pb_utils model-control calls (loads take as long as they take). */
    private final ExecutorService modelControlThreads;
    private final StubModelControlHandler modelControl;
    /** The supervisors of every loaded instance, for messages to all running stubs. */
    private final Set<StubSupervisor> live = ConcurrentHashMap.newKeySet();
    /** Set when the server begins to stop: no stub is restarted from then on. */
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    /**
     * @param callbacks       resolves the request handles of every stub's responses
     * @param autoCompleter   unused since auto_complete_config runs in a stub (kept for the constructor's callers)
     * @param timers          the server's timers (cancellation sweeps)
     * @param policy          heartbeat timeout and restart delays
     * @param restartCounters the restart counter of each instance
     */
    public StubProcessBackend(StubLaunch launch, PythonCallbacks callbacks, ModelBackend autoCompleter,
                              ScheduledExecutorService timers, StubHealthPolicy policy,
                              RestartCounter.Factory restartCounters, StubMetricsHub customMetrics, BlsTransport bls) {
        this.bls = bls;
        this.customMetrics = customMetrics;
        this.launch = launch;
        this.callbacks = callbacks;
        this.autoCompleter = autoCompleter;
        this.timers = timers;
        this.policy = policy;
        this.restartCounters = restartCounters;
        this.healthTimer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("jepserve-stub-health"));
        this.restarter = Executors.newCachedThreadPool(new DaemonThreadFactory("jepserve-stub-restart"));
        this.modelControlThreads = Executors.newCachedThreadPool(new DaemonThreadFactory("jepserve-stub-model-control"));
        this.modelControl = new StubModelControlHandler(callbacks, modelControlThreads);
        StubRegions.removeStale();
        // Archives and extracted modules of rebuilt or deleted jars would otherwise pile up in the user's cache.
        StubClassSharing.pruneStale(StubClassSharing.directory(), launch.classpath());
        PythonSources.pruneCache();
        this.environments = new ExecutionEnvironments(launch.environment() == null ? ""
                : launch.environment().version());
    }

    /**
     * Runs the model's auto_complete_config in a stub, so the server's interpreter never imports model code of a
     * process-isolated model. The stub is then kept for a while as a spare: the model's first instance runs in
     * it (one stub start less per model); unclaimed, it is stopped.
     */
    @Override
    public ModelConfig autoComplete(String modelName, ModelConfig partial, Path newestVersionDir, Path modelDir) {
        Path modelFile = newestVersionDir.resolve(partial.getDefaultModelFilename());
        if (!Files.isRegularFile(modelFile)) {
            return partial;
        }
        ExecutionEnvironments.Environment environment = environments.prepare(modelName, partial, modelDir);
        StubProcess stub;
        try {
            stub = StubProcess.start(modelName + "_autocomplete", launch);
        } catch (IOException e) {
            throw TritonException.internal("Failed to preinitialize Python stub: " + e.getMessage());
        }
        boolean kept = false;
        try {
            stub.listen(IGNORE);
            AutoCompleteConfig.Builder request = AutoCompleteConfig.newBuilder()
                    .setModelFile(modelFile.toString()).setVersionDir(newestVersionDir.toString())
                    .setModelDir(modelDir.toString()).setModelName(modelName)
                    .setModelVersion(newestVersionDir.getFileName().toString())
                    .setConfigJson(ModelConfigJson.toJson(partial));
            if (environment != null) {
                request.setEnvironmentDir(environment.root().toString())
                        .addAllPythonPaths(environment.sitePackages().stream().map(Path::toString).toList());
            }
            Reply reply;
            try {
                reply = stub.call(ToStub.newBuilder().setAutoComplete(request)).get(launch.startTimeoutSeconds(),
                        TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw TritonException.internal("Stub process '" + modelName + "' is not healthy.");
            } catch (ExecutionException | TimeoutException e) {
                throw TritonException.internal("Stub process '" + modelName + "' is not healthy.");
            }
            if (!reply.getError().isEmpty()) {
                throw TritonException.invalidArg(reply.getError());
            }
            ModelConfig completed = reply.getConfigJson().isEmpty() ? partial
                    : ModelConfigJson.fromJson(reply.getConfigJson());
            keepSpare(newestVersionDir, stub);
            kept = true;
            return completed;
        } finally {
            if (!kept) {
                stub.close();
            }
        }
    }

    private void keepSpare(Path versionDir, StubProcess stub) {
        StubProcess previous = spares.put(versionDir, stub);
        if (previous != null) {
            previous.close();
        }
        healthTimer.schedule(() -> {
            if (spares.remove(versionDir, stub)) {
                stub.close();
            }
        }, SPARE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public LoadedInstances loadInstances(VersionSource source) {
        ModelConfig config = source.config();
        String version = Long.toString(source.version());
        Path modelFile = source.versionDir().resolve(config.getDefaultModelFilename());
        if (!Files.isRegularFile(modelFile)) {
            throw TritonException.invalidArg("Python model file not found in '" + modelFile + "'");
        }
        String configJson = ModelConfigJson.toJson(config);
        ExecutionEnvironments.Environment environment = environments.prepare(source.modelName(), config,
                source.modelDir());
        List<StubSupervisor> supervisors = new ArrayList<>();
        StubProcess spare = spares.remove(source.versionDir());
        try {
            for (ModelInstanceGroup group : config.getInstanceGroupList()) {
                if (group.getKind() != ModelInstanceGroup.Kind.KIND_CPU) {
                    LOG.warn("model '{}' instance group '{}' asks for {}; jepserve runs it on the CPU",
                            source.modelName(), group.getName(), group.getKind());
                }
                for (int i = 0; i < group.getCount(); i++) {
                    String instanceName = group.getName() + "_" + i;
                    LoadInstance.Builder loadBuilder = LoadInstance.newBuilder();
                    customMetrics.metricCellsFile().ifPresent(file -> loadBuilder.setMetricCells(file.toString()));
                    if (environment != null) {
                        loadBuilder.setEnvironmentDir(environment.root().toString())
                                .addAllPythonPaths(environment.sitePackages().stream().map(Path::toString).toList());
                    }
                    LoadInstance load = loadBuilder.setModelFile(modelFile.toString())
                            .setVersionDir(source.versionDir().toString()).setModelDir(source.modelDir().toString())
                            .setModelName(source.modelName()).setModelVersion(version).setInstanceName(instanceName)
                            .putAllArgs(InitializeArgs.of(configJson, group, instanceName, source.modelDir(), version,
                                    source.modelName()))
                            .setDecoupled(config.getModelTransactionPolicy().getDecoupled()).build();
                    StubSupervisor supervisor = new StubSupervisor(
                            new StubModelInstance(instanceName, source.modelName(), version, callbacks,
                                    modelControl, bls, TimeUnit.NANOSECONDS.toMillis(policy.timeoutNanos())), load, launch,
                            policy, restartCounters.open(source.modelName(), version, instanceName), healthTimer,
                            restarter, customMetrics, supervisors.isEmpty() ? spare : null, shuttingDown::get);
                    supervisors.add(supervisor);
                }
            }
            startAll(supervisors);
        } catch (TritonException e) {
            supervisors.forEach(StubSupervisor::stop);
            throw e;
        } finally {
            if (supervisors.isEmpty() && spare != null) {
                spare.close();
            }
        }
        List<StubModelInstance> instances = supervisors.stream().map(StubSupervisor::instance).toList();
        instances.forEach(instance -> instance.setSiblings(instances));
        ScheduledFuture<?> sweep = timers.scheduleAtFixedRate(
                () -> instances.forEach(instance -> {
                    instance.pushCancellations();
                    instance.releaseSharedMemory();
                }),
                CANCELLATION_SWEEP_MILLIS, CANCELLATION_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        long pingMillis = TimeUnit.NANOSECONDS.toMillis(policy.pingIntervalNanos());
        ScheduledFuture<?> watchdog = healthTimer.scheduleWithFixedDelay(() -> checkHealth(supervisors),
                pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        live.addAll(supervisors);
        Runnable release = () -> {
            sweep.cancel(false);
            watchdog.cancel(false);
            supervisors.forEach(live::remove);
            supervisors.forEach(StubSupervisor::stop);
        };
        // Ready while any instance can serve: batches that reach a restarting one wait for it (see
        // StubModelInstance), so one dead instance of several no longer takes the model down.
        return new LoadedInstances(instances, release,
                () -> instances.stream().anyMatch(StubModelInstance::isHealthy));
    }

    /**
     * Starts the instances' stubs side by side (a start is mostly waiting for a JVM and CPython), and waits for
     * all of them.
     *
     * @throws TritonException the first instance's error, when any failed
     */
    private void startAll(List<StubSupervisor> supervisors) {
        if (supervisors.size() == 1) {
            supervisors.get(0).start();
            return;
        }
        List<CompletableFuture<Void>> starts = supervisors.stream()
                .map(supervisor -> CompletableFuture.runAsync(supervisor::start, restarter)).toList();
        TritonException first = null;
        for (CompletableFuture<Void> start : starts) {
            try {
                start.join();
            } catch (CompletionException e) {
                if (first == null) {
                    first = e.getCause() instanceof TritonException triton ? triton
                            : TritonException.internal("Failed to preinitialize Python stub: " + e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A failing check must not end the schedule (a scheduled task that throws never runs again). */
    private static void checkHealth(List<StubSupervisor> supervisors) {
        for (StubSupervisor supervisor : supervisors) {
            try {
                supervisor.checkHealth();
            } catch (RuntimeException e) {
                LOG.error("stub health check of '{}' failed: {}", supervisor.instance().name(), e.toString());
            }
        }
    }

    /**
     * The server's log settings changed: every running stub logs by them from now on (a stub started later
     * gets them with its command line).
     */
    public void logSettingsChanged(LogOptions settings) {
        ToStub message = ToStub.newBuilder().setLogSettings(LogSettings.newBuilder().setVerbose(settings.verbose())
                .setInfo(settings.info()).setWarning(settings.warning()).setError(settings.error())
                .setFormat(settings.format().tritonName())).build();
        for (StubSupervisor supervisor : live) {
            StubProcess stub = supervisor.instance().stub();
            if (stub != null) {
                stub.send(message);
            }
        }
    }

    /**
     * The server is stopping: stubs that die from now on (a terminal's Ctrl-C reaches them too) are not
     * restarted. Call first thing at shutdown.
     */
    public void stopRestarts() {
        shuttingDown.set(true);
    }

    /** Stops the health timer and restart threads; call after every model unloaded. */
    @Override
    public void close() {
        shuttingDown.set(true);
        spares.values().forEach(StubProcess::close);
        spares.clear();
        environments.close();
        healthTimer.shutdownNow();
        restarter.shutdownNow();
        modelControlThreads.shutdownNow();
    }
}
