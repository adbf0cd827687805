package dev.jepserve.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Updates nv_cpu_utilization, nv_cpu_memory_total_bytes and nv_cpu_memory_used_bytes from /proc every metrics
 * interval, on its own daemon thread. Utilization is the busy share between two polls, so it reads 0 until the
 * second poll. The three series exist from {@link #start()} to {@link #close()}.
 */
public final class CpuMetricsPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CpuMetricsPoller.class);

    private final BuiltinFamilies families;
    private final Path statFile;
    private final Path meminfoFile;
    private final long intervalMicros;
    private ScheduledExecutorService executor;
    private Series utilization;
    private Series memoryTotal;
    private Series memoryUsed;
    private ProcStats.CpuTimes previous;
    private boolean failureLogged;

    /** Polls /proc at the registry's {@code --metrics-interval-ms}. */
    public CpuMetricsPoller(MetricsRegistry registry) {
        this(registry, Path.of("/proc/stat"), Path.of("/proc/meminfo"), registry.options().intervalMs());
    }

    CpuMetricsPoller(MetricsRegistry registry, Path statFile, Path meminfoFile, double intervalMs) {
        this.families = registry.builtins();
        this.statFile = statFile;
        this.meminfoFile = meminfoFile;
        this.intervalMicros = Math.max(1, Math.round(intervalMs * 1000));
    }

    /** Creates the series (at 0) and starts polling; the first poll runs at once. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        openSeries();
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "jepserve-cpu-metrics");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleAtFixedRate(this::pollSafely, 0, intervalMicros, TimeUnit.MICROSECONDS);
    }

    /** Stops polling and removes the three series. */
    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
        if (utilization != null) {
            families.cpuUtilization.release(utilization);
            families.cpuMemoryTotal.release(memoryTotal);
            families.cpuMemoryUsed.release(memoryUsed);
            utilization = null;
        }
    }

    /** Creates the three series at 0 (start() does this; tests call it to poll by hand). */
    void openSeries() {
        if (utilization == null) {
            utilization = families.cpuUtilization.acquire(LabelSet.EMPTY, null);
            memoryTotal = families.cpuMemoryTotal.acquire(LabelSet.EMPTY, null);
            memoryUsed = families.cpuMemoryUsed.acquire(LabelSet.EMPTY, null);
        }
    }

    /** One poll: reads both files and updates the gauges (called on the poller thread, or by tests). */
    void pollOnce() throws IOException {
        ProcStats.CpuTimes now = ProcStats.parseStat(Files.readAllLines(statFile));
        if (previous != null) {
            utilization.set(now.utilizationSince(previous));
        }
        previous = now;
        ProcStats.Memory memory = ProcStats.parseMeminfo(Files.readAllLines(meminfoFile));
        memoryTotal.set(memory.totalBytes());
        memoryUsed.set(memory.usedBytes());
    }

    private void pollSafely() {
        try {
            pollOnce();
        } catch (IOException | RuntimeException failure) {
            // Keep polling (a transient read error must not stop the schedule) but log only once.
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("CPU metrics unavailable: {}", failure.toString());
            }
        }
    }
}
