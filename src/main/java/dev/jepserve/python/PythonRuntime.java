package dev.jepserve.python;

import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import jep.JepException;
import jep.MainInterpreter;
import jep.PyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded CPython: starts it (one per JVM, a Jep rule), owns the worker threads, and offers the
 * model-lifecycle calls the repository needs. Model code runs only on the worker threads.
 */
public final class PythonRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PythonRuntime.class);

    /** How long unloading waits for an instance's own thread to end (one stuck in execute() is left behind). */
    private static final long INSTANCE_THREAD_CLOSE_MILLIS = 1000;

    private final PythonWorkers workers;
    private final String modulesDir;
    private final NestedCalls nested;
    private final AtomicLong nextKey = new AtomicLong();

    private PythonRuntime(PythonWorkers workers, String modulesDir, NestedCalls nested) {
        this.workers = workers;
        this.modulesDir = modulesDir;
        this.nested = nested;
    }

    /**
     * Starts the interpreter for {@code environment} with {@code threads} worker threads.
     *
     * @param metricsBackend the Java object pb_utils.MetricFamily calls (installed before any model loads)
     * @param callbacks      what the runtime glue calls with responses, cancellation checks and "execute returned"
     */
    public static PythonRuntime start(PythonEnvironment environment, int threads, PythonLogSink logSink,
                                      Object metricsBackend, BorderCallbacks callbacks) {
        MainInterpreter.setJepLibraryPath(environment.jepLibrary().toString());
        // The program name makes CPython find the venv (pyvenv.cfg) next to it, independently of PATH.
        MainInterpreter.setInitParams(new PyConfig().setProgramName(environment.executable().toString()));
        String modulesDir = PythonSources.extract().toString();
        NestedCalls nested = new NestedCalls();
        PythonWorkers workers = new PythonWorkers(threads, "python-", 10_000, nested,
                interpreter -> bind(interpreter, modulesDir),
                first -> {
                    checkNumpySupport(first);
                    first.bootstrap(logSink, metricsBackend, callbacks);
                });
        LOG.info("Python {} from {} (numpy {}, jep {}), {} Python thread(s)", environment.version(),
                environment.prefix(), environment.numpyVersion(), environment.jepVersion(), workers.size());
        return new PythonRuntime(workers, modulesDir, nested);
    }

    private static RuntimeBinding bind(jep.SharedInterpreter interpreter, String modulesDir) {
        try {
            return new RuntimeBinding(interpreter, modulesDir);
        } catch (JepException e) {
            throw new PythonSetupException("the server's Python modules failed to import: " + RuntimeBinding.pythonMessage(e));
        }
    }

    private static void checkNumpySupport(RuntimeBinding runtime) {
        Object enabled = runtime.interpreter().getValue("__import__('_jep').JEP_NUMPY_ENABLED");
        if (!(enabled instanceof Number number) || number.intValue() == 0) {
            throw new PythonSetupException("jep was built without numpy support (numpy was not importable when pip built it); "
                    + "reinstall it: pip install --no-build-isolation --no-cache-dir --force-reinstall jep");
        }
    }

    /** A key unique in this process, for module and instance names on the Python side. */
    public String newKey(String prefix) {
        return prefix.replaceAll("[^A-Za-z0-9_]", "_") + "_" + nextKey.incrementAndGet();
    }

    /** Imports model.py under a package unique to {@code moduleKey}; failures carry the Python error. */
    public void loadModule(String moduleKey, Path modelFile, Path versionDir, Path modelDir, String modelName,
                           String version) {
        run(runtime -> {
            runtime.loadModule(moduleKey, modelFile.toString(), versionDir.toString(), modelDir.toString(), modelName,
                    version);
            return null;
        });
    }

    /**
     * Puts a model's own environment first: its site-packages directories (with their .pth files) go ahead of
     * everything on sys.path, VIRTUAL_ENV names it and its bin directory goes first on PATH. For a stub process,
     * which serves one model.
     */
    public void useEnvironment(String environmentDir, java.util.List<String> sitePackages) {
        String joined = String.join(java.io.File.pathSeparator, sitePackages);
        run(runtime -> {
            runtime.interpreter().getValue("jepserve_runtime.use_environment", jep.python.PyCallable.class)
                    .call(environmentDir, joined);
            return null;
        });
    }

    public void unloadModule(String moduleKey) {
        run(runtime -> {
            runtime.unloadModule(moduleKey);
            return null;
        });
    }

    public boolean hasAutoComplete(String moduleKey) {
        return run(runtime -> runtime.hasAutoComplete(moduleKey));
    }

    /** Runs TritonPythonModel.auto_complete_config on the config JSON and returns the completed JSON. */
    public String autoComplete(String moduleKey, String modelName, String configJson) {
        return run(runtime -> runtime.autoComplete(moduleKey, modelName, configJson));
    }

    /**
     * Creates a TritonPythonModel and runs its initialize(args).
     *
     * @param decoupled the model's transaction policy: execute() returns None and responses go through senders
     * @return the instance's key for {@link #execute} and {@link #finalizeInstance}
     */
    public String createInstance(String moduleKey, String instanceName, String modelName, String version,
                                 Path versionDir, Map<String, String> args, boolean decoupled) {
        String instanceKey = newKey(instanceName);
        String[] items = new String[args.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> entry : args.entrySet()) {
            items[i++] = entry.getKey();
            items[i++] = entry.getValue();
        }
        run(runtime -> {
            runtime.createInstance(instanceKey, moduleKey, items, instanceName, modelName, version, versionDir.toString(),
                    decoupled);
            return null;
        });
        return instanceKey;
    }

    /**
     * Runs execute() for one batch (a BatchMessage as JSON and its input buffers as numpy views) on the calling
     * thread, which must be this runtime's worker (in a stub, the Python thread reading its execute channel).
     * Returns the ExecutionDoneMessage JSON, or null when execute continues asynchronously (it reports through
     * the callbacks).
     *
     * @throws java.util.concurrent.CompletionException when the runtime glue itself failed
     */
    public String executeHere(String instanceKey, String batchJson, Object[] buffers) {
        return workers.call(runtime -> runtime.execute(instanceKey, batchJson, buffers));
    }

    /** {@link #executeHere} for inputs in a stub's input region (see RuntimeBinding#executeInRegion). */
    public String executeHereInRegion(String instanceKey, String batchJson, Object region, String slices) {
        return workers.call(runtime -> runtime.executeInRegion(instanceKey, batchJson, region, slices));
    }

    /** The worker also serves {@code work} while its queue is empty (a stub's execute channel). */
    public void serveWhenIdle(PythonWorkers.IdleWork work) {
        workers.serveWhenIdle(work);
    }

    /**
     * A Python thread of one's own (its own SharedInterpreter, the same GIL and modules) for one in-process
     * instance's execute() calls: a sleeping or looping execute() then holds only that thread. Close it after
     * the instance is finalized.
     */
    public PythonWorkers newInstanceThread(String instanceName) {
        return new PythonWorkers(1, "python-" + instanceName + "-", INSTANCE_THREAD_CLOSE_MILLIS, nested,
                interpreter -> bind(interpreter, modulesDir), null);
    }

    /**
     * Runs execute() for one batch on an instance's own thread ({@link #newInstanceThread}). The future completes
     * with the ExecutionDoneMessage JSON, or null (see {@link #executeHere}), or exceptionally when the runtime
     * glue itself failed.
     */
    public CompletableFuture<String> execute(PythonWorkers thread, String instanceKey, String batchJson,
                                             Object[] buffers) {
        return thread.submit(runtime -> runtime.execute(instanceKey, batchJson, buffers));
    }

    /** Starts an instance's is_ready() on a worker; see {@link RuntimeBinding#checkReady}. */
    public CompletableFuture<String> checkReady(String instanceKey, long check) {
        return workers.submit(runtime -> runtime.checkReady(instanceKey, check));
    }

    /** Runs finalize() and drops the instance; returns finalize()'s error text or null. Blocks until done. */
    public String finalizeInstance(String instanceKey) {
        return workers.call(runtime -> runtime.finalizeInstance(instanceKey));
    }

    private <T> T run(PythonWorkers.Call<T> call) {
        try {
            return workers.call(call);
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JepException jep) {
                throw new TritonException(TritonCode.INVALID_ARG, RuntimeBinding.pythonMessage(jep), jep);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** The worker pool's help for calls that wait on a worker thread (BLS). */
    public WorkerHelp workerHelp() {
        return workers;
    }

    /** Installs the BLS bridge models' exec()/async_exec() use; call once, before models load. */
    public void installBls(PythonBls bridge) {
        run(runtime -> {
            runtime.interpreter().invoke("jepserve_runtime.install_bls", bridge);
            return null;
        });
    }

    @Override
    public void close() {
        workers.close();
    }
}
