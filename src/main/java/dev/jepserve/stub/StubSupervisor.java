package dev.jepserve.stub;

import dev.jepserve.inference.TritonException;
import dev.jepserve.stub.proto.FinalizeInstance;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.LoadInstance;
import dev.jepserve.stub.proto.Reply;
import dev.jepserve.stub.proto.ToStub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one model instance's stub running: starts it (LoadInstance runs initialize), watches it (heartbeat and
 * the hang rule of {@link StubHealthPolicy}, killing a stub found silent or hung), and after a death starts a
 * new one with capped exponential backoff until the instance is stopped. Waiting happens on the health timer;
 * starting, which blocks for seconds, on the restart executor; request threads never wait for either.
 */
final class StubSupervisor implements StubProcess.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(StubSupervisor.class);

    private final StubModelInstance instance;
    private final LoadInstance load;
    private final StubLaunch launch;
    private final StubHealthPolicy policy;
    private final RestartBackoff backoff;
    private final RestartCounter restarts;
    private final ScheduledExecutorService healthTimer;
    private final Executor restarter;
    private final StubMetricsHub customMetrics;
    /** True once the server shuts down: a stub that dies then (say, of the terminal's Ctrl-C) stays dead. */
    private final BooleanSupplier shuttingDown;
    private final Object lock = new Object();
    private boolean stopped;
    private ScheduledFuture<?> pendingRestart;
    /** A stub connected but not yet initialized, so that stop() can end it. */
    private StubProcess starting;
    private long attachedAtNanos;
    /** A running stub to use for the first start instead of a new one (the one auto-complete ran in), or null. */
    private StubProcess spare;

    StubSupervisor(StubModelInstance instance, LoadInstance load, StubLaunch launch, StubHealthPolicy policy,
                   RestartCounter restarts, ScheduledExecutorService healthTimer, Executor restarter,
                   StubMetricsHub customMetrics, StubProcess spare, BooleanSupplier shuttingDown) {
        this.customMetrics = customMetrics;
        this.shuttingDown = shuttingDown;
        this.spare = spare;
        this.instance = instance;
        this.load = load;
        this.launch = launch;
        this.policy = policy;
        this.backoff = new RestartBackoff(policy.firstRestartMillis(), policy.maxRestartMillis());
        this.restarts = restarts;
        this.healthTimer = healthTimer;
        this.restarter = restarter;
    }

    StubModelInstance instance() {
        return instance;
    }

    /**
     * Starts the first stub, on the loading thread.
     *
     * @throws TritonException with Triton's texts when the stub does not start or initialize fails
     */
    void start() {
        StubProcess fresh = launchAndLoad(launch.startTimeoutSeconds());
        if (!attachUnlessStopped(fresh)) {
            throw TritonException.unavailable("model instance '" + instance.name() + "' was unloaded while loading");
        }
        LOG.info("started stub process {} for model instance '{}'", fresh.pid(), instance.name());
    }

    /** One watchdog look: kills a stub that is silent or hung (its death then restarts it), else pings it. */
    void checkHealth() {
        StubProcess current = instance.stub();
        if (current == null || !current.isAlive()) {
            return;
        }
        switch (policy.verdict(System.nanoTime(), current.lastHeardNanos(), instance.stalledSinceNanos())) {
            case SILENT -> current.kill("the stub did not answer a heartbeat for " + policy.timeoutSeconds()
                    + " s (stub-timeout-seconds); killed");
            case HUNG -> current.kill("execute() made no progress for " + policy.timeoutSeconds()
                    + " s (stub-timeout-seconds); killed");
            case HEALTHY -> current.ping();
        }
    }

    @Override
    public void onMessage(FromStub message) {
        instance.onMessage(message);
    }

    @Override
    public void onDeath(StubProcess stub, String why) {
        if (!instance.detach(stub)) {
            return; // not serving yet (a failed start reports itself) or already replaced
        }
        if (shuttingDown.getAsBoolean()) {
            LOG.info("stub process of model instance '{}' ended during shutdown: {}", instance.name(), why);
            instance.failInFlight();
            return;
        }
        LOG.error("Stub process '{}' is not healthy: {}", instance.name(), why);
        instance.failInFlight();
        long servedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attachedAtNanos);
        scheduleRestart(backoff.afterDeath(servedMillis));
    }

    private void scheduleRestart(long delayMillis) {
        synchronized (lock) {
            if (stopped || shuttingDown.getAsBoolean()) {
                return;
            }
            try {
                pendingRestart = healthTimer.schedule(this::restartOnOwnThread, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return; // the backend closed meanwhile: the server is stopping
            }
            LOG.info("restarting the stub process of model instance '{}' in {} ms", instance.name(), delayMillis);
        }
    }

    private void restartOnOwnThread() {
        if (isStopped() || shuttingDown.getAsBoolean()) {
            return;
        }
        try {
            restarter.execute(this::restart);
        } catch (RejectedExecutionException e) {
            // the backend closed meanwhile: the server is stopping
        }
    }

    private void restart() {
        StubProcess fresh;
        try {
            // At a restart, initialize has stub-timeout-seconds (Triton's limit for a stub to come up), not the
            // generous first-load limit: a stub that cannot come back is retried with backoff instead.
            fresh = launchAndLoad(policy.timeoutSeconds());
        } catch (TritonException e) {
            if (isStopped() || shuttingDown.getAsBoolean()) {
                return;
            }
            LOG.error("Failed to restart the stub process of model instance '{}': {}", instance.name(),
                    e.getMessage());
            scheduleRestart(backoff.afterFailedStart());
            return;
        }
        if (attachUnlessStopped(fresh)) {
            restarts.restarted();
            LOG.info("restarted stub process {} for model instance '{}'", fresh.pid(), instance.name());
        }
    }

    private boolean isStopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    /** Starts a stub and runs LoadInstance (initialize) in it; the stub is closed again when that fails. */
    private StubProcess launchAndLoad(long initializeTimeoutSeconds) {
        StubProcess fresh = takeSpare();
        try {
            if (fresh == null) {
                fresh = StubProcess.start(instance.name(), launch);
            }
        } catch (IOException e) {
            throw TritonException.internal("Failed to preinitialize Python stub: " + e.getMessage());
        }
        synchronized (lock) {
            if (stopped) {
                fresh.close();
                throw TritonException.unavailable("model instance '" + instance.name() + "' is unloading");
            }
            starting = fresh;
        }
        try {
            fresh.listen(customMetrics.attach(fresh, this));
            LoadInstance withRegions;
            try {
                withRegions = load.toBuilder().setSharedMemory(fresh.openRegions(launch.sharedMemory()).describe())
                        .build();
            } catch (IOException e) {
                fresh.close();
                LOG.error("cannot create the shared memory of stub '{}': {}", instance.name(), e.toString());
                throw TritonException.internal("Failed to preinitialize Python stub: cannot create its shared memory");
            }
            Reply reply;
            try {
                reply = fresh.call(ToStub.newBuilder().setLoadInstance(withRegions)).get(initializeTimeoutSeconds,
                        TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fresh.close();
                throw TritonException.internal("Stub process '" + instance.name() + "' is not healthy.");
            } catch (Exception e) {
                fresh.close();
                throw TritonException.internal("Stub process '" + instance.name() + "' is not healthy.");
            }
            if (!reply.getError().isEmpty()) {
                fresh.close();
                throw TritonException.invalidArg(reply.getError());
            }
            return fresh;
        } finally {
            synchronized (lock) {
                starting = null;
            }
        }
    }

    private StubProcess takeSpare() {
        StubProcess taken;
        synchronized (lock) {
            taken = spare;
            spare = null;
        }
        if (taken != null && !taken.isAlive()) {
            taken.close();
            return null;
        }
        return taken;
    }

    /** Serves through the new stub, unless the instance was stopped meanwhile (then the stub is finalized). */
    private boolean attachUnlessStopped(StubProcess fresh) {
        synchronized (lock) {
            if (!stopped) {
                attachedAtNanos = System.nanoTime();
                instance.attach(fresh);
                return true;
            }
        }
        finalizeAndStop(fresh);
        return false;
    }

    /**
     * No more restarts: cancels a pending one, ends a stub being started, runs finalize() in the serving stub
     * and stops it. The restart counter's series goes with the instance.
     */
    void stop() {
        StubProcess startingNow;
        synchronized (lock) {
            stopped = true;
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
            }
            startingNow = starting;
        }
        if (startingNow != null) {
            startingNow.close();
        }
        StubProcess unused = takeSpare();
        if (unused != null) {
            unused.close();
        }
        instance.stopHolding();
        StubProcess serving = instance.detachAny();
        if (serving != null) {
            finalizeAndStop(serving);
        }
        restarts.close();
    }

    /** Runs finalize() in the stub (its error is logged, as Triton does), then stops the process. */
    private void finalizeAndStop(StubProcess stub) {
        try {
            String error = stub.call(ToStub.newBuilder().setFinalize(FinalizeInstance.getDefaultInstance()))
                    .get(policy.timeoutSeconds(), TimeUnit.SECONDS).getError();
            if (!error.isEmpty()) {
                LOG.error("Failed to finalize model instance '{}': {}", instance.name(), error);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("stub '{}' did not finalize: interrupted", instance.name());
        } catch (Exception e) {
            LOG.warn("stub '{}' did not finalize cleanly: {}", instance.name(), e.getMessage());
        } finally {
            stub.close();
        }
    }
}
