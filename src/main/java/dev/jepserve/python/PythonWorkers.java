package dev.jepserve.python;

import jep.JepException;
import jep.SharedInterpreter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The platform threads that run Python. Each owns one {@link SharedInterpreter} for its whole life (Jep
 * requires an interpreter to be used and closed on the thread that made it) and takes calls from one
 * shared queue. All of them share one GIL, so their number is a throughput knob of its own, separate from
 * the number of model instances.
 */
public final class PythonWorkers implements AutoCloseable, WorkerHelp {
    /** A unit of Python work, run on a worker thread with that thread's runtime binding. */
    @FunctionalInterface
    public interface Call<T> {
        T run(RuntimeBinding runtime) throws Exception;
    }

    private static final Runnable STOP = () -> { };

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    /**
     * Each worker thread's runtime binding (unset elsewhere): for nested calls it runs inline ({@link #call}) and
     * for calls it runs while it waits ({@link #helpUntil}).
     */
    private final ThreadLocal<RuntimeBinding> ownRuntime = new ThreadLocal<>();
    /** Worker threads waiting in {@link #helpUntil}: woken when a call is queued. */
    private final Set<Thread> helpers = ConcurrentHashMap.newKeySet();
    /** A worker thread's calls kept for itself ({@link #keepingQueuedWork}); unset elsewhere. */
    private final ThreadLocal<Kept> kept = new ThreadLocal<>();

    /** Calls a worker queued for itself while {@code on}; only its own thread touches them. */
    private static final class Kept {
        boolean on;
        final java.util.ArrayDeque<Object> tasks = new java.util.ArrayDeque<>();
    }

    /**
     * Starts {@code count} threads and waits until each has its interpreter.
     *
     * @param bind         makes a thread's runtime binding from its new interpreter (imports, lookups)
     * @param onFirstReady runs once, on the first thread, before any call (process-wide Python set-up)
     */
    public PythonWorkers(int count, Function<SharedInterpreter, RuntimeBinding> bind, Consumer<RuntimeBinding> onFirstReady) {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one Python thread, got " + count);
        }
        for (int i = 0; i < count; i++) {
            CountDownLatch ready = new CountDownLatch(1);
            RuntimeException[] failure = new RuntimeException[1];
            boolean first = i == 0;
            Thread thread = new Thread(() -> runWorker(bind, first ? onFirstReady : null, ready, failure),
                    "python-" + i);
            thread.setDaemon(true);
            thread.start();
            awaitUninterruptibly(ready);
            if (failure[0] != null) {
                close();
                throw failure[0];
            }
            threads.add(thread);
        }
    }

    public int size() {
        return threads.size();
    }

    /** Queues a call; the future completes on the worker thread with its result or its exception. */
    public <T> CompletableFuture<T> submit(Call<T> call) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Kept own = kept.get();
        if (own != null && own.on) {
            own.tasks.add(new Task<>(call, future));
            return future;
        }
        queue.add(new Task<>(call, future));
        if (!helpers.isEmpty()) {
            helpers.forEach(LockSupport::unpark);
        }
        return future;
    }

    /**
     * Runs a call and waits for it (never from an event loop). From a worker thread itself (a model's Python
     * calling pb_utils.load_model, whose load needs Python) it runs inline: waiting for another worker could
     * wait forever with one Python thread.
     */
    public <T> T call(Call<T> call) {
        RuntimeBinding own = ownRuntime.get();
        if (own != null) {
            CompletableFuture<T> future = new CompletableFuture<>();
            new Task<>(call, future).run(own);
            return future.join();
        }
        return submit(call).join();
    }

    /**
     * Runs queued calls on this worker thread while it waits: the nested call runs on the same interpreter
     * (Jep released the GIL around the Java call that waits), and the waiting call resumes when it returns.
     */
    @Override
    public boolean helpUntil(BooleanSupplier ready, long deadlineNanos) {
        RuntimeBinding runtime = ownRuntime.get();
        if (runtime == null) {
            return false;
        }
        Thread self = Thread.currentThread();
        Kept own = kept.get();
        helpers.add(self);
        try {
            while (!ready.getAsBoolean()) {
                Object next = own == null ? null : own.tasks.poll();
                if (next == null) {
                    next = queue.poll();
                }
                if (next == STOP) {
                    queue.add(STOP); // the stop is for a worker's main loop, not for a helping wait
                    next = null;
                }
                if (next != null) {
                    ((Task<?>) next).run(runtime);
                    continue;
                }
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, remaining);
            }
        } finally {
            helpers.remove(self);
        }
        return true;
    }

    @Override
    public <T> T keepingQueuedWork(java.util.function.Supplier<T> start) {
        if (ownRuntime.get() == null) {
            return start.get();
        }
        Kept own = kept.get();
        if (own == null) {
            own = new Kept();
            kept.set(own);
        }
        boolean outer = !own.on;
        own.on = true;
        try {
            return start.get();
        } finally {
            if (outer) {
                own.on = false;
            }
        }
    }

    @Override
    public void releaseKept() {
        Kept own = kept.get();
        if (own == null || own.tasks.isEmpty()) {
            return;
        }
        Object task;
        while ((task = own.tasks.poll()) != null) {
            queue.add(task);
        }
        helpers.forEach(LockSupport::unpark);
    }

    @Override
    public void close() {
        for (int i = 0; i < threads.size(); i++) {
            queue.add(STOP);
        }
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    private void runWorker(Function<SharedInterpreter, RuntimeBinding> bind, Consumer<RuntimeBinding> onFirstReady,
                           CountDownLatch ready, RuntimeException[] failure) {
        RuntimeBinding runtime;
        SharedInterpreter interpreter;
        try {
            interpreter = new SharedInterpreter();
            runtime = bind.apply(interpreter);
            if (onFirstReady != null) {
                onFirstReady.accept(runtime);
            }
        } catch (RuntimeException | Error e) {
            failure[0] = e instanceof RuntimeException ? (RuntimeException) e
                    : new PythonSetupException("the embedded Python failed to start: " + e);
            ready.countDown();
            return;
        }
        ready.countDown();
        ownRuntime.set(runtime);
        try {
            while (true) {
                Object next = queue.take();
                if (next == STOP) {
                    break;
                }
                ((Task<?>) next).run(runtime);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                interpreter.close();
            } catch (JepException ignored) {
                // Shutting down: nothing useful to do with a failed close.
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private record Task<T>(Call<T> call, CompletableFuture<T> future) {
        void run(RuntimeBinding runtime) {
            try {
                future.complete(call.run(runtime));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }
    }
}
