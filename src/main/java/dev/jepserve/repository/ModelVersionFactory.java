package dev.jepserve.repository;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.BatchPolicy;
import dev.jepserve.inference.InFlightRequests;
import dev.jepserve.inference.InferenceObserver;
import dev.jepserve.inference.ModelBackend;
import dev.jepserve.inference.ModelStatistics;
import dev.jepserve.inference.OutputContract;
import dev.jepserve.inference.QueueScheduler;
import dev.jepserve.inference.VersionMetrics;

import dev.jepserve.inference.ModelInstance;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Makes a servable version from loaded instances, the same way for every backend (Python models and the
 * Java benchmark floor alike): its scheduler per the config, its metric series and its statistics.
 */
public final class ModelVersionFactory {
    /** The default of {@link #ModelVersionFactory(VersionMetrics.Factory, ScheduledExecutorService, InFlightRequests, long)}'s limit: stub-timeout-seconds' default. */
    public static final long DEFAULT_STUCK_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final VersionMetrics.Factory metrics;
    private final ScheduledExecutorService timers;
    private final InFlightRequests inFlight;
    private final long stuckLimitNanos;

    /** @param timers batch delays and request timeouts of every scheduler */
    public ModelVersionFactory(VersionMetrics.Factory metrics, ScheduledExecutorService timers) {
        this(metrics, timers, new InFlightRequests());
    }

    /** @param inFlight where each version's scheduler is listed while it is loaded (shutdown answers them all) */
    public ModelVersionFactory(VersionMetrics.Factory metrics, ScheduledExecutorService timers,
                               InFlightRequests inFlight) {
        this(metrics, timers, inFlight, DEFAULT_STUCK_LIMIT_NANOS);
    }

    /**
     * @param stuckLimitNanos a version whose instances are all in an execute() without progress for longer than
     *                        this reports not ready (--backend-config python,stub-timeout-seconds)
     */
    public ModelVersionFactory(VersionMetrics.Factory metrics, ScheduledExecutorService timers,
                               InFlightRequests inFlight, long stuckLimitNanos) {
        this.stuckLimitNanos = stuckLimitNanos;
        this.metrics = metrics;
        this.timers = timers;
        this.inFlight = inFlight;
    }

    /** @param loadStartedNanos when loading began (System.nanoTime), for nv_model_load_duration_secs */
    ModelVersionRuntime create(String name, long version, ModelConfig config, ModelBackend.LoadedInstances loaded,
                               long loadStartedNanos) {
        VersionMetrics versionMetrics = metrics.open(name, Long.toString(version));
        versionMetrics.loadDuration((System.nanoTime() - loadStartedNanos) / 1e9);
        ModelStatistics statistics = new ModelStatistics();
        QueueScheduler scheduler = new QueueScheduler(loaded.instances(), BatchPolicy.from(config),
                InferenceObserver.both(versionMetrics, statistics), timers, OutputContract.from(config));
        inFlight.add(scheduler);
        Runnable onUnload = () -> {
            inFlight.remove(scheduler);
            loaded.release().run();
            versionMetrics.close();
        };
        return new ModelVersionRuntime(name, version, config, scheduler, statistics, loaded.healthy(), onUnload,
                () -> scheduler.allInstancesStuck(stuckLimitNanos) ? CompletableFuture.completedFuture(false)
                        : allReady(loaded.instances()));
    }

    /** Every instance's own readiness check, at once; true when all say so. */
    private static CompletableFuture<Boolean> allReady(List<? extends ModelInstance> instances) {
        if (instances.size() == 1) {
            return instances.get(0).userReady();
        }
        List<CompletableFuture<Boolean>> checks = instances.stream().map(ModelInstance::userReady).toList();
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> checks.stream().allMatch(check -> Boolean.TRUE.equals(check.join())));
    }
}
