package dev.jepserve.python;

import jep.JepException;
import jep.SharedInterpreter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The platform threads that run Python. Each owns one {@link SharedInterpreter} for its whole life (Jep
 * requires an interpreter to be used and closed on the thread that made it) and takes calls from one
 * shared queue. All of them share one GIL. The server's pool ({@code --python-threads}) runs the work not tied
 * to one instance (imports, initialize, finalize, is_ready, auto_complete); each in-process model instance
 * has a pool of one thread of its own for its execute() calls, so a sleeping or looping execute() holds only
 * its own instance.
 */
public final class PythonWorkers implements AutoCloseable, WorkerHelp {
    /** A unit of Python work, run on a worker thread with that thread's runtime binding. */
    @FunctionalInterface
    public interface Call<T> {
        T run(RuntimeBinding runtime) throws Exception;
    }

    private static final Runnable STOP = () -> { };

    /**
     * Work a worker thread waits for besides its queue: a stub's execute channel, whose messages the Python
     * thread reads itself, so a request reaches it without a hand-off from another thread.
     */
    public interface IdleWork {
        /**
         * Called on the worker thread when its queue is empty: waits until {@link #wake()} is called or work of
         * its own arrives, and runs that work here (calls into Python through {@link #call} run inline).
         */
        void awaitAndRun();

        /** Ends a wait in {@link #awaitAndRun()} (or the next one): a call was queued. */
        void wake();
    }

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    /**
     * Each worker thread's runtime binding (unset elsewhere): for nested calls it runs inline ({@link #call}) and
     * for calls it runs while it waits ({@link #helpUntil}).
     */
    private final ThreadLocal<RuntimeBinding> ownRuntime = new ThreadLocal<>();
    /** Worker threads waiting in {@link #helpUntil}: woken when a call is queued. */
    private final Set<Thread> helpers = ConcurrentHashMap.newKeySet();
    /** What the worker waits for besides its queue; null: the queue only. */
    private volatile IdleWork idleWork;
    /** How long {@link #close()} waits for each thread to finish its current call. */
    private final long closeWaitMillis;
    /** Calls a waiting Python thread caused itself, which it may run instead of this pool's thread. */
    private final NestedCalls nested;

    /**
     * Starts {@code count} threads and waits until each has its interpreter.
     *
     * @param bind         makes a thread's runtime binding from its new interpreter (imports, lookups)
     * @param onFirstReady runs once, on the first thread, before any call (process-wide Python set-up)
     */
    public PythonWorkers(int count, Function<SharedInterpreter, RuntimeBinding> bind, Consumer<RuntimeBinding> onFirstReady) {
        this(count, "python-", 10_000, new NestedCalls(), bind, onFirstReady);
    }

    /**
     * @param namePrefix      the threads' names: the prefix and their index
     * @param closeWaitMillis how long {@link #close()} waits for each thread (one stuck in a call that never
     *                        returns is left behind: it is a daemon, and its interpreter cannot be closed elsewhere)
     * @param nested          shared by every pool of the interpreter: lets a thread waiting for a BLS answer run
     *                        the call it caused on another pool
     */
    PythonWorkers(int count, String namePrefix, long closeWaitMillis, NestedCalls nested,
                  Function<SharedInterpreter, RuntimeBinding> bind, Consumer<RuntimeBinding> onFirstReady) {
        this.closeWaitMillis = closeWaitMillis;
        this.nested = nested;
        if (count < 1) {
            throw new IllegalArgumentException("need at least one Python thread, got " + count);
        }
        for (int i = 0; i < count; i++) {
            CountDownLatch ready = new CountDownLatch(1);
            RuntimeException[] failure = new RuntimeException[1];
            boolean first = i == 0;
            Thread thread = new Thread(() -> runWorker(bind, first ? onFirstReady : null, ready, failure),
                    namePrefix + i);
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
        Task<T> task = new Task<>(call, future, nested);
        queue.add(task);
        nested.offer(this, task);
        if (!helpers.isEmpty()) {
            helpers.forEach(LockSupport::unpark);
        }
        wakeIdle();
        return future;
    }

    /**
     * From now on an idle worker waits for {@code work} as well as for its queue (for a pool of one thread: with
     * more, each idle thread would wait for it).
     */
    public void serveWhenIdle(IdleWork work) {
        idleWork = work;
        // An empty call wakes a worker blocked on the queue alone; from then on it waits for both.
        queue.add(new Task<>(runtime -> null, new CompletableFuture<>(), nested));
    }

    private void wakeIdle() {
        IdleWork idle = idleWork;
        if (idle != null) {
            idle.wake();
        }
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
            new Task<>(call, future, nested).run(own);
            return future.join();
        }
        return submit(call).join();
    }

    /**
     * Runs calls on this Python thread while it waits: first the calls it caused itself on other pools
     * ({@link NestedCalls}: the called instance's execute()), then, on one of this pool's threads, this pool's
     * queued calls. A nested call runs on the same interpreter (Jep released the GIL around the Java call that
     * waits), and the waiting call resumes when it returns.
     */
    @Override
    public boolean helpUntil(BooleanSupplier ready, long deadlineNanos) {
        RuntimeBinding runtime = ownRuntime.get();
        if (runtime == null && !nested.isPythonThread()) {
            return false;
        }
        Thread self = Thread.currentThread();
        if (runtime != null) {
            helpers.add(self);
        }
        try {
            while (!ready.getAsBoolean()) {
                if (nested.runOne()) {
                    continue;
                }
                Object next = runtime == null ? null : queue.poll();
                if (next == STOP) {
                    queue.add(STOP); // the stop is for a worker's main loop, not for a helping wait
                    next = null;
                }
                if (next != null) {
                    Task<?> task = (Task<?>) next;
                    if (task.claim()) {
                        task.run(runtime);
                    }
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
            nested.dropOffers();
        }
        return true;
    }

    @Override
    public void close() {
        for (int i = 0; i < threads.size(); i++) {
            queue.add(STOP);
        }
        wakeIdle();
        for (Thread thread : threads) {
            try {
                thread.join(closeWaitMillis);
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
        nested.attach(this, runtime);
        try {
            while (true) {
                IdleWork idle = idleWork;
                Object next = idle == null ? queue.take() : queue.poll();
                if (next == null) {
                    nested.taskStarted();
                    try {
                        idle.awaitAndRun();
                    } finally {
                        nested.taskEnded();
                    }
                    continue;
                }
                if (next == STOP) {
                    break;
                }
                Task<?> task = (Task<?>) next;
                if (task.claim()) {
                    task.run(runtime);
                }
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

    /** A queued call; run once, by its pool's thread or by the thread it was offered to. */
    private static final class Task<T> extends AtomicBoolean implements NestedCalls.Claimable {
        private final Call<T> call;
        private final CompletableFuture<T> future;
        private final NestedCalls nested;

        Task(Call<T> call, CompletableFuture<T> future, NestedCalls nested) {
            this.call = call;
            this.future = future;
            this.nested = nested;
        }

        @Override
        public boolean claim() {
            return compareAndSet(false, true);
        }

        @Override
        public void run(RuntimeBinding runtime) {
            nested.taskStarted();
            try {
                future.complete(call.run(runtime));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                nested.taskEnded();
            }
        }
    }
}
