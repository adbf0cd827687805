package dev.jepserve.api;

import dev.jepserve.Server;
import dev.jepserve.ServerOptions;
import dev.jepserve.cli.FlagParser;
import dev.jepserve.cli.FlagWarnings;
import dev.jepserve.cli.ParsedFlags;
import dev.jepserve.cli.ServerOptionsReader;
import dev.jepserve.cli.TritonFlags;
import dev.jepserve.cli.UsageException;
import dev.jepserve.logging.LogController;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Options for an embedded server, then {@link #start()}. Every option is a tritonserver flag underneath (the
 * same parser, defaults and checks as the command line), so {@link #flag(String, String)} reaches any flag of
 * the README's table.
 *
 * <p>Embedded defaults differ from the command line's in one way: the HTTP and gRPC endpoints are off (the
 * application infers through {@link JepServe}), and the metrics endpoint listens on a free loopback port
 * ({@link JepServe#metricsText()} reads the registry directly either way). {@link #http}, {@link #grpc} and
 * {@link #metricsEndpoint} open them like the command line would.
 */
public final class JepServeBuilder {
    private final List<Path> repositories = new ArrayList<>();
    private final List<String> flags = new ArrayList<>();
    private final Function<String, String> environment;
    private Path python;
    private String httpAddress;
    private int httpPort = -1;
    private String grpcAddress;
    private int grpcPort = -1;
    private boolean metrics = true;
    private String metricsAddress = "127.0.0.1";
    private int metricsPort = 0;

    JepServeBuilder(Function<String, String> environment) {
        this.environment = environment;
    }

    /** A model repository directory (--model-repository); give several for several repositories. */
    public JepServeBuilder modelRepository(Path repository) {
        repositories.add(Objects.requireNonNull(repository, "repository"));
        return this;
    }

    /**
     * The Python to embed (--python): a virtual environment with numpy and jep, or its python executable.
     * Without it: $JEPSERVE_PYTHON, else {@code .venv} in the working directory.
     */
    public JepServeBuilder python(Path venvOrExecutable) {
        this.python = Objects.requireNonNull(venvOrExecutable, "python");
        return this;
    }

    /** Also serve Triton's HTTP/REST protocol (--http-address, --http-port; 0 picks a free port). */
    public JepServeBuilder http(String address, int port) {
        this.httpAddress = Objects.requireNonNull(address, "address");
        this.httpPort = port;
        return this;
    }

    /** Also serve Triton's gRPC protocol (--grpc-address, --grpc-port; 0 picks a free port). */
    public JepServeBuilder grpc(String address, int port) {
        this.grpcAddress = Objects.requireNonNull(address, "address");
        this.grpcPort = port;
        return this;
    }

    /** Where the Prometheus endpoint listens (default: 127.0.0.1, a free port). */
    public JepServeBuilder metricsEndpoint(String address, int port) {
        this.metricsAddress = Objects.requireNonNull(address, "address");
        this.metricsPort = port;
        this.metrics = true;
        return this;
    }

    /** No metrics at all (--allow-metrics=false): no endpoint, and {@link JepServe#metricsText()} is empty. */
    public JepServeBuilder withoutMetrics() {
        this.metrics = false;
        return this;
    }

    /** Threads that run Python code (--python-threads). */
    public JepServeBuilder pythonThreads(int threads) {
        return flag("--python-threads", Integer.toString(threads));
    }

    /** Verbose log level (--log-verbose). */
    public JepServeBuilder logVerbose(int level) {
        return flag("--log-verbose", Integer.toString(level));
    }

    /**
     * Any tritonserver or jepserve flag, e.g. {@code flag("--python-isolation", "process")} or
     * {@code flag("--metrics-config", "histogram_latencies=true")}; repeatable flags may be given again.
     */
    public JepServeBuilder flag(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (!name.startsWith("--")) {
            throw new IllegalArgumentException("a flag starts with --: " + name);
        }
        flags.add(name + "=" + Objects.requireNonNull(value, "value"));
        return this;
    }

    /** The command line these options amount to (what {@link #start()} parses). */
    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        for (Path repository : repositories) {
            args.add("--model-repository=" + repository);
        }
        if (python != null) {
            args.add("--python=" + python);
        }
        endpoint(args, "http", httpAddress, httpPort);
        endpoint(args, "grpc", grpcAddress, grpcPort);
        args.add("--allow-metrics=" + metrics);
        if (metrics) {
            args.add("--metrics-address=" + metricsAddress);
            args.add("--metrics-port=" + metricsPort);
        }
        args.addAll(flags);
        return List.copyOf(args);
    }

    private static void endpoint(List<String> args, String protocol, String address, int port) {
        if (address == null) {
            args.add("--allow-" + protocol + "=false");
            return;
        }
        args.add("--allow-" + protocol + "=true");
        args.add("--" + protocol + "-address=" + address);
        args.add("--" + protocol + "-port=" + port);
    }

    /**
     * Starts the server: loads every model of the repositories, opens the endpoints asked for, and returns once
     * it serves. The log goes where --log-file says (default stderr) in Triton's layout: this installs
     * jepserve's appender on logback's root logger.
     *
     * @throws JepServeException when it cannot start (the message says why in one line)
     */
    public JepServe start() {
        if (repositories.isEmpty()) {
            throw new JepServeException("no model repository: call modelRepository(path)", null);
        }
        ServerOptions options;
        ParsedFlags parsed;
        try {
            // The version only answers --version, which no builder option passes.
            parsed = new FlagParser(TritonFlags.ALL, "embedded").parse(arguments().toArray(String[]::new));
            options = new ServerOptionsReader(environment).read(parsed);
        } catch (UsageException e) {
            throw new JepServeException(e.getMessage(), e);
        }
        LogController logs;
        try {
            logs = LogController.install(options.log());
        } catch (IllegalArgumentException e) {
            throw new JepServeException(e.getMessage(), e);
        }
        FlagWarnings.lines(parsed).forEach(LoggerFactory.getLogger(JepServe.class)::warn);
        try {
            return new JepServe(Server.start(options, logs));
        } catch (IllegalStateException e) {
            // Jep's main interpreter is set up once per JVM; a second embedded server cannot change it.
            throw new JepServeException("the embedded Python cannot start again in this JVM (one jepserve per JVM): "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new JepServeException(e.getMessage(), e);
        }
    }
}
