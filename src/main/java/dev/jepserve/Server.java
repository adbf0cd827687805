package dev.jepserve;

import dev.jepserve.python.PythonEnvironment;
import dev.jepserve.python.PythonEnvironmentProbe;
import dev.jepserve.python.PythonLogSink;
import dev.jepserve.python.PythonRuntime;
import dev.jepserve.repository.FloorModel;
import dev.jepserve.repository.ModelLoader;
import dev.jepserve.repository.ModelLoaderOptions;
import dev.jepserve.repository.ModelRepository;
import dev.jepserve.repository.ModelTable;
import dev.jepserve.repository.RepositoryInferenceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** Wires the parts together in start-up order and takes them down in reverse. No serving logic here. */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    /** The server cannot start; the message says why in one line. */
    public static final class StartupException extends RuntimeException {
        StartupException(String message) {
            super(message);
        }
    }

    private final ServerOptions options;
    private final AtomicBoolean serving = new AtomicBoolean(false);
    private final AtomicBoolean closed = new AtomicBoolean(false);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private ServerParts parts;

    private Server(ServerOptions options) {
        this.options = options;
    }

    public static Server start(ServerOptions options) {
        Server server = new Server(options);
        try {
            server.startParts();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void startParts() {
        checkRepositories();
        parts = new ServerParts();
        PythonEnvironment environment = new PythonEnvironmentProbe(BuildInfo.jepVersion()).probe(options.python());
        parts.startMetrics(options);
        parts.python = PythonRuntime.start(environment, options.pythonThreads(), new PythonLogSink(),
                parts.customMetricsBackend());
        ModelLoader loader = new ModelLoader(parts.python, parts.versionMetricsFactory(),
                parts.metrics.customMetrics()::releaseOwner, new ModelLoaderOptions(options.autoCompleteConfig(),
                        options.modelControl().configName()),
                parts.timers);
        parts.repository = new ModelRepository(options.modelRepositories(), loader);
        parts.repository.loadAll();
        if (options.benchFloorModel()) {
            parts.repository.add(FloorModel.create(parts.versionMetricsFactory(), parts.timers));
        }
        LOG.info("\n{}", ModelTable.render(parts.repository.models().values()));
        if (options.exitOnError() && !parts.repository.allReady()) {
            throw new StartupException("failed to load all models");
        }
        RepositoryInferenceService service = new RepositoryInferenceService(parts.repository, options.serverId(),
                BuildInfo.version(), serving::get, options.strictReadiness());
        serving.set(true);
        parts.startEndpoints(options, service);
    }

    /** Before anything starts: every --model-repository must be a directory (as tritonserver checks). */
    private void checkRepositories() {
        for (Path repository : options.modelRepositories()) {
            if (!Files.exists(repository)) {
                throw new StartupException("model repository path '" + repository + "' does not exist");
            }
            if (!Files.isDirectory(repository)) {
                throw new StartupException("model repository path '" + repository + "' is not a directory");
            }
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Stops accepting requests, answers those in flight (up to --exit-timeout-secs), unloads models, stops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serving.set(false);
        try {
            if (parts != null) {
                parts.close(options.exitTimeoutSecs() * 1000L);
            }
        } finally {
            terminated.countDown();
        }
    }
}
