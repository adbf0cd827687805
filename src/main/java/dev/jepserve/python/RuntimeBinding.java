package dev.jepserve.python;

import jep.JepException;
import jep.SharedInterpreter;
import jep.python.PyCallable;

/**
 * One worker thread's handles on the functions of {@code jepserve_runtime.py}, looked up once so a call
 * costs one Jep invocation. Valid only on the thread that made it.
 */
public final class RuntimeBinding {
    private final SharedInterpreter interpreter;
    private final PyCallable execute;
    private final PyCallable executeInRegion;
    private final PyCallable loadModule;
    private final PyCallable unloadModule;
    private final PyCallable hasAutoComplete;
    private final PyCallable autoComplete;
    private final PyCallable createInstance;
    private final PyCallable finalizeInstance;
    private final PyCallable bootstrap;
    private final PyCallable checkReady;

    RuntimeBinding(SharedInterpreter interpreter, String modulesDirectory) {
        this.interpreter = interpreter;
        boolean cached = java.nio.file.Path.of(modulesDirectory).startsWith(PythonSources.cacheRoot());
        interpreter.set("_jepserve_modules_dir", modulesDirectory);
        interpreter.exec("import sys\n"
                + "if _jepserve_modules_dir not in sys.path:\n"
                + "    sys.path.insert(0, _jepserve_modules_dir)\n"
                + "del _jepserve_modules_dir\n"
                // In jepserve's cache the glue keeps its compiled form (every stub process imports it).
                + "_jepserve_no_pyc = sys.dont_write_bytecode\n"
                + "sys.dont_write_bytecode = sys.dont_write_bytecode and not " + (cached ? "True" : "False") + "\n"
                + "import jepserve_runtime\n"
                + "sys.dont_write_bytecode = _jepserve_no_pyc\n"
                + "del _jepserve_no_pyc");
        this.execute = function("execute");
        this.executeInRegion = function("execute_in_region");
        this.loadModule = function("load_module");
        this.unloadModule = function("unload_module");
        this.hasAutoComplete = function("has_auto_complete");
        this.autoComplete = function("auto_complete");
        this.createInstance = function("create_instance");
        this.finalizeInstance = function("finalize_instance");
        this.bootstrap = function("bootstrap");
        this.checkReady = function("check_ready");
    }

    private PyCallable function(String name) {
        return interpreter.getValue("jepserve_runtime." + name, PyCallable.class);
    }

    public SharedInterpreter interpreter() {
        return interpreter;
    }

    void bootstrap(Object logSink, Object metricsBackend, Object callbacks) {
        bootstrap.call(logSink, metricsBackend, callbacks);
    }

    void loadModule(String moduleKey, String modelFile, String versionDir, String modelDir, String modelName,
                    String modelVersion) {
        loadModule.call(moduleKey, modelFile, versionDir, modelDir, modelName, modelVersion);
    }

    void unloadModule(String moduleKey) {
        unloadModule.call(moduleKey);
    }

    boolean hasAutoComplete(String moduleKey) {
        return Boolean.TRUE.equals(hasAutoComplete.callAs(Boolean.class, moduleKey));
    }

    String autoComplete(String moduleKey, String modelName, String configJson) {
        return autoComplete.callAs(String.class, moduleKey, modelName, configJson);
    }

    void createInstance(String instanceKey, String moduleKey, String[] argsItems, String instanceName,
                        String modelName, String modelVersion, String versionDir, boolean decoupled) {
        createInstance.call(instanceKey, moduleKey, argsItems, instanceName, modelName, modelVersion, versionDir,
                decoupled);
    }

    /** Returns the error text of a failing finalize(), or null. */
    String finalizeInstance(String instanceKey) {
        Object result = finalizeInstance.call(instanceKey);
        return result == null ? null : result.toString();
    }

    /**
     * Runs execute() for one batch (a {@code BatchMessage} as JSON and its input buffers). Returns the
     * {@code ExecutionDoneMessage} JSON, or null when execute continues asynchronously and reports later.
     */
    String execute(String instanceKey, String batch, Object[] buffers) {
        Object done = execute.call(instanceKey, batch, buffers);
        return done == null ? null : done.toString();
    }

    /**
     * Runs execute() for one batch whose inputs lie in a stub's input region: {@code region} is a uint8 array over
     * the whole mapping, passed only when the mapping changed (null: the one passed last); {@code slices} gives
     * each buffer's offset and length as text ("offset length ..."). One array crosses into Python instead of one
     * per input, each of which cost Jep several microseconds to convert.
     */
    String executeInRegion(String instanceKey, String batch, Object region, String slices) {
        Object done = executeInRegion.call(instanceKey, batch, region, slices);
        return done == null ? null : done.toString();
    }

    /**
     * Starts the instance's is_ready(): "absent" (no such method), "false" (no such instance), or null when the
     * answer comes later through the callbacks' readinessChecked(check, answer).
     */
    public String checkReady(String instanceKey, long check) {
        Object answer = checkReady.call(instanceKey, check);
        return answer == null ? null : answer.toString();
    }

    /**
     * The text of a Python exception without Jep's {@code <class 'X'>: } decoration: the runtime's own
     * ModelError messages are complete already; other exceptions keep their type as {@code X: message}.
     */
    static String pythonMessage(JepException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("<class '")) {
            int end = message.indexOf("'>: ");
            if (end > 0) {
                String type = message.substring("<class '".length(), end);
                String text = message.substring(end + 4);
                return type.equals("jepserve_runtime.ModelError") ? text : type + ": " + text;
            }
        }
        return message;
    }
}
