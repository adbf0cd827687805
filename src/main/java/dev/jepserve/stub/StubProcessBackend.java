package dev.jepserve.stub;

import dev.jepserve.bls.BlsTransport;
import dev.jepserve.config.ModelConfigJson;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInstanceGroup;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.TritonException;
import dev.jepserve.python.InitializeArgs;
import dev.jepserve.python.PythonCallbacks;
import dev.jepserve.stub.proto.LoadInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Python models in stub processes: one child process per instance, each with its own interpreter,
 * sys.modules and GIL. A model that crashes, exits or hangs takes only its stub down; the stub is restarted.
 */
public final class StubProcessBackend implements ModelBackend, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StubProcessBackend.class);
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

    /**
     * @param callbacks       resolves the request handles of every stub's responses
     * @param autoCompleter   runs auto_complete_config (in the server's interpreter, for now)
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
        this.healthTimer = Executors.newSingleThreadScheduledExecutor(daemonThreads("jepserve-stub-health"));
        this.restarter = Executors.newCachedThreadPool(daemonThreads("jepserve-stub-restart"));
        this.modelControlThreads = Executors.newCachedThreadPool(daemonThreads("jepserve-stub-model-control"));
        this.modelControl = new StubModelControlHandler(callbacks, modelControlThreads);
    }

    @Override
    public ModelConfig autoComplete(String modelName, ModelConfig partial, Path newestVersionDir, Path modelDir) {
        return autoCompleter.autoComplete(modelName, partial, newestVersionDir, modelDir);
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
        List<StubSupervisor> supervisors = new ArrayList<>();
        try {
            for (ModelInstanceGroup group : config.getInstanceGroupList()) {
                for (int i = 0; i < group.getCount(); i++) {
                    String instanceName = group.getName() + "_" + i;
                    LoadInstance load = LoadInstance.newBuilder().setModelFile(modelFile.toString())
                            .setVersionDir(source.versionDir().toString()).setModelDir(source.modelDir().toString())
                            .setModelName(source.modelName()).setModelVersion(version).setInstanceName(instanceName)
                            .putAllArgs(InitializeArgs.of(configJson, group, instanceName, source.modelDir(), version,
                                    source.modelName()))
                            .setDecoupled(config.getModelTransactionPolicy().getDecoupled()).build();
                    StubSupervisor supervisor = new StubSupervisor(
                            new StubModelInstance(instanceName, source.modelName(), version, callbacks,
                                    modelControl, bls), load, launch,
                            policy, restartCounters.open(source.modelName(), version, instanceName), healthTimer,
                            restarter, customMetrics);
                    supervisors.add(supervisor);
                    supervisor.start();
                }
            }
        } catch (TritonException e) {
            supervisors.forEach(StubSupervisor::stop);
            throw e;
        }
        List<StubModelInstance> instances = supervisors.stream().map(StubSupervisor::instance).toList();
        ScheduledFuture<?> sweep = timers.scheduleAtFixedRate(
                () -> instances.forEach(StubModelInstance::pushCancellations),
                CANCELLATION_SWEEP_MILLIS, CANCELLATION_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        long pingMillis = TimeUnit.NANOSECONDS.toMillis(policy.pingIntervalNanos());
        ScheduledFuture<?> watchdog = healthTimer.scheduleWithFixedDelay(() -> checkHealth(supervisors),
                pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        Runnable release = () -> {
            sweep.cancel(false);
            watchdog.cancel(false);
            supervisors.forEach(StubSupervisor::stop);
        };
        return new LoadedInstances(instances, release,
                () -> instances.stream().allMatch(StubModelInstance::isHealthy));
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

    /** Stops the health timer and restart threads; call after every model unloaded. */
    @Override
    public void close() {
        healthTimer.shutdownNow();
        restarter.shutdownNow();
        modelControlThreads.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
