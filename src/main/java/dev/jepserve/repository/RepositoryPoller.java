package dev.jepserve.repository;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Poll mode: scans the repositories every {@code --repository-poll-secs} seconds on a thread of its own and
 * lets the controller load, reload and unload what changed. One scan at a time; a slow reload delays the
 * next scan rather than overlapping it.
 */
public final class RepositoryPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RepositoryPoller.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "jepserve-repository-poll");
        thread.setDaemon(true);
        return thread;
    });

    public RepositoryPoller(ModelController controller, int intervalSecs) {
        if (intervalSecs <= 0) {
            throw new IllegalArgumentException("the poll interval must be positive, got " + intervalSecs);
        }
        timer.scheduleWithFixedDelay(() -> {
            try {
                controller.poll();
            } catch (RuntimeException e) {
                LOG.error("repository poll failed: {}", e.getMessage());
            }
        }, intervalSecs, intervalSecs, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
