package dev.jepserve;

import dev.jepserve.python.PythonSetupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The command line: tritonserver's flag names for what jepserve implements. */
@Command(name = "jepserve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serves Triton Python-backend model repositories over Triton's protocols.")
public final class Main implements Callable<Integer> {
    @Option(names = {"--model-repository", "--model-store"}, required = true, paramLabel = "PATH",
            description = "Model repository directory (repeatable).")
    private List<Path> modelRepositories = new ArrayList<>();

    @Option(names = "--python", paramLabel = "PATH", description = "Python to embed: a virtual environment directory "
            + "or a python executable (default: $JEPSERVE_PYTHON, else the project's .venv).")
    private Path python;

    @Option(names = "--python-threads", defaultValue = "1",
            description = "Threads that run Python code; they share one GIL (default: ${DEFAULT-VALUE}).")
    private int pythonThreads;

    @Option(names = "--id", defaultValue = "triton", description = "Server name in server metadata.")
    private String serverId;

    @Option(names = "--allow-http", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            converter = TritonBooleanConverter.class)
    private boolean allowHttp;

    @Option(names = "--http-address", defaultValue = "0.0.0.0")
    private String httpAddress;

    @Option(names = "--http-port", defaultValue = "8000")
    private int httpPort;

    @Option(names = "--http-thread-count", defaultValue = "2")
    private int httpThreads;

    @Option(names = "--http-max-input-size", defaultValue = "67108864")
    private int httpMaxInputSize;

    @Option(names = "--allow-grpc", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            converter = TritonBooleanConverter.class)
    private boolean allowGrpc;

    @Option(names = "--grpc-address", defaultValue = "0.0.0.0")
    private String grpcAddress;

    @Option(names = "--grpc-port", defaultValue = "8001")
    private int grpcPort;

    @Option(names = "--allow-metrics", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            converter = TritonBooleanConverter.class)
    private boolean allowMetrics;

    @Option(names = "--allow-cpu-metrics", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            converter = TritonBooleanConverter.class)
    private boolean allowCpuMetrics;

    @Option(names = "--allow-gpu-metrics", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            converter = TritonBooleanConverter.class, description = "Accepted for compatibility; there are no GPU metrics.")
    private boolean allowGpuMetrics;

    @Option(names = "--metrics-address", description = "Default: the HTTP address.")
    private String metricsAddress;

    @Option(names = "--metrics-port", defaultValue = "8002")
    private int metricsPort;

    @Option(names = "--metrics-interval-ms", defaultValue = "2000")
    private double metricsIntervalMs;

    @Option(names = "--metrics-config", paramLabel = "KEY=VALUE", description = "e.g. histogram_latencies=true")
    private List<String> metricsConfig = new ArrayList<>();

    @Option(names = "--log-verbose", defaultValue = "0")
    private int logVerbose;

    @Option(names = "--exit-timeout-secs", defaultValue = "30")
    private int exitTimeoutSecs;

    @Option(names = "--exit-on-error", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            converter = TritonBooleanConverter.class)
    private boolean exitOnError;

    @Option(names = "--strict-readiness", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            converter = TritonBooleanConverter.class)
    private boolean strictReadiness;

    @Option(names = "--strict-model-config", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            converter = TritonBooleanConverter.class, description = "Deprecated: true disables auto-complete.")
    private boolean strictModelConfig;

    @Option(names = "--disable-auto-complete-config", description = "Do not run models' auto_complete_config.")
    private boolean disableAutoCompleteConfig;

    @Option(names = "--bench-floor-model", description = "Also serve 'jepserve_floor', an add/sub model computed in "
            + "Java: the benchmark floor that shows what the Python hop costs.")
    private boolean benchFloorModel;

    public static void main(String[] args) {
        // The log layout prints the pid; set it before the first logger exists.
        System.setProperty("jepserve.pid", Long.toString(ProcessHandle.current().pid()));
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServerOptions options = new ServerOptions(modelRepositories, pythonSetting(), pythonThreads, serverId, allowHttp,
                httpAddress, httpPort, httpThreads, httpMaxInputSize, allowMetrics, allowCpuMetrics,
                metricsAddress != null ? metricsAddress : httpAddress, metricsPort, metricsIntervalMs, metricsConfig,
                logVerbose, exitTimeoutSecs, exitOnError, strictReadiness,
                !(disableAutoCompleteConfig || strictModelConfig), benchFloorModel, allowGrpc, grpcAddress, grpcPort);
        Server server;
        try {
            server = Server.start(options);
        } catch (PythonSetupException | Server.StartupException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        server.awaitTermination();
        return 0;
    }

    /** --python, else JEPSERVE_PYTHON, else .venv in the working directory or next to the jar's project. */
    private Path pythonSetting() {
        if (python != null) {
            return python;
        }
        String fromEnv = System.getenv("JEPSERVE_PYTHON");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        Path local = Path.of(".venv");
        if (local.toFile().isDirectory()) {
            return local;
        }
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path besideProject = jar.getParent().getParent().resolve(".venv");
            if (besideProject.toFile().isDirectory()) {
                return besideProject;
            }
        } catch (Exception ignored) {
            // fall through to the default below, which reports itself when missing
        }
        return local;
    }
}
