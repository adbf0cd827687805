package dev.jepserve.http.transport;

import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where an endpoint runs CPU-heavy body work (JSON decoding and encoding, gzip/deflate): on the connection's
 * event loop when the work is small, since a hop to another thread costs more than it saves, otherwise on a
 * bounded pool of the server's own threads, so that one large body does not stall every other connection of
 * that event loop. One per server; {@link #shutdown()} when the server stops.
 */
public final class OffloadExecutor {
    private final ThreadPoolExecutor pool;
    private final long inlineLimit;

    /**
     * @param name          thread name prefix
     * @param threads       pool threads
     * @param queueCapacity tasks that may wait for a thread; more are refused with UNAVAILABLE
     * @param inlineLimit   work below this many bytes stays on the event loop
     */
    public OffloadExecutor(String name, int threads, int queueCapacity, long inlineLimit) {
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), new DefaultThreadFactory(name, true));
        this.inlineLimit = inlineLimit;
    }

    /** True when work on {@code bytes} bytes leaves the event loop. */
    public boolean offloads(long bytes) {
        return bytes >= inlineLimit;
    }

    /**
     * Runs {@code work} on the event loop (small work, or when called on it) or on the pool (large work).
     * The future fails with the work's exception, or with UNAVAILABLE when the pool's queue is full or the
     * server is stopping.
     */
    public <T> CompletableFuture<T> run(long bytes, EventExecutor loop, Supplier<T> work) {
        Executor executor = offloads(bytes) ? pool : loop;
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                result.complete(work.get());
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        };
        if (executor == loop && loop.inEventLoop()) {
            task.run();
            return result;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException busy) {
            result.completeExceptionally(new TritonException(TritonCode.UNAVAILABLE,
                    "the server is too busy to decode or encode the request body; retry later"));
        }
        return result;
    }

    /** Stops taking work and lets what was queued finish in the background. */
    public void shutdown() {
        pool.shutdown();
    }
}
