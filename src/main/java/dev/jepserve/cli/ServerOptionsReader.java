package dev.jepserve.cli;

import dev.jepserve.http.transport.ConnectionLimits;

import dev.jepserve.BackendConfig;
import dev.jepserve.GrpcOptions;
import dev.jepserve.ModelControlMode;
import dev.jepserve.ModelControlOptions;
import dev.jepserve.ServerOptions;
import dev.jepserve.logging.LogFormat;
import dev.jepserve.logging.LogOptions;
import dev.jepserve.metrics.MetricsOptions;
import dev.jepserve.trace.TraceConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/** Turns parsed flags into {@link ServerOptions}, checking what picocli cannot (formats inside values). */
public final class ServerOptionsReader {
    private final PythonLocation pythonLocation;

    /** @param environment environment variables by name (System::getenv) */
    public ServerOptionsReader(Function<String, String> environment) {
        this.pythonLocation = new PythonLocation(environment);
    }

    /** @throws UsageException for a value whose inner format is wrong, or two endpoints on one port */
    public ServerOptions read(ParsedFlags flags) {
        String httpAddress = flags.text("--http-address");
        String metricsAddress = flags.text("--metrics-address");
        List<String> metricsConfig = flags.texts("--metrics-config");
        checked(() -> MetricsOptions.defaults().withConfig(metricsConfig));
        BackendConfig backendConfig = checked(() -> BackendConfig.parse(flags.texts("--backend-config")));
        List<String> traceConfig = traceConfig(flags);
        checked(() -> TraceConfig.parse(traceConfig));
        boolean autoComplete = !(flags.bool("--disable-auto-complete-config") || flags.bool("--strict-model-config"));
        ServerOptions options = new ServerOptions(
                // A set in tritonserver: the same repository twice is one repository.
                flags.texts("--model-repository").stream().map(Path::of).distinct().toList(),
                pythonLocation.resolve(flags.text("--python")),
                flags.integer("--python-threads"),
                flags.text("--python-isolation"),
                flags.text("--id"),
                flags.bool("--allow-http"),
                httpAddress,
                flags.integer("--http-port"),
                flags.integer("--http-thread-count"),
                flags.integer("--http-max-input-size"),
                flags.bool("--allow-grpc"),
                flags.text("--grpc-address"),
                flags.integer("--grpc-port"),
                grpc(flags),
                flags.bool("--allow-metrics"),
                // tritonserver turns CPU metrics off with the metrics endpoint.
                flags.bool("--allow-metrics") && flags.bool("--allow-cpu-metrics"),
                metricsAddress != null ? metricsAddress : httpAddress,
                flags.integer("--metrics-port"),
                flags.decimal("--metrics-interval-ms"),
                metricsConfig,
                log(flags),
                flags.integer("--exit-timeout-secs"),
                flags.bool("--exit-on-error"),
                flags.bool("--strict-readiness"),
                autoComplete,
                modelControl(flags),
                backendConfig,
                traceConfig,
                flags.text("--rate-limit"),
                flags.texts("--rate-limit-resource"),
                flags.bool("--bench-floor-model"),
                flags.longValue("--pinned-memory-pool-byte-size"),
                httpLimits(flags));
        PortCollisions.check(options);
        return options;
    }

    /**
     * The --trace-config entries, after what the deprecated --trace-file, --trace-level, --trace-rate,
     * --trace-count and --trace-log-frequency say (so --trace-config wins where both set something).
     */
    private static List<String> traceConfig(ParsedFlags flags) {
        List<String> entries = new java.util.ArrayList<>();
        if (flags.given("--trace-file")) {
            entries.add("triton,file=" + flags.text("--trace-file"));
        }
        for (String level : flags.texts("--trace-level")) {
            entries.add("level=" + level);
        }
        if (flags.given("--trace-rate")) {
            entries.add("rate=" + flags.integer("--trace-rate"));
        }
        if (flags.given("--trace-count")) {
            entries.add("count=" + flags.integer("--trace-count"));
        }
        if (flags.given("--trace-log-frequency")) {
            entries.add("triton,log-frequency=" + flags.integer("--trace-log-frequency"));
        }
        entries.addAll(flags.texts("--trace-config"));
        return entries;
    }

    private static ConnectionLimits httpLimits(ParsedFlags flags) {
        return checked(() -> new ConnectionLimits(flags.integer("--http-max-connections"),
                flags.integer("--http-idle-timeout-secs") * 1000L, flags.integer("--http-header-timeout-secs") * 1000L,
                flags.integer("--http-body-timeout-secs") * 1000L));
    }

    private static LogOptions log(ParsedFlags flags) {
        String file = flags.text("--log-file");
        return new LogOptions(flags.integer("--log-verbose"), flags.bool("--log-info"), flags.bool("--log-warning"),
                flags.bool("--log-error"), LogFormat.parse(flags.text("--log-format")),
                file == null || file.isEmpty() ? null : Path.of(file));
    }

    private static ModelControlOptions modelControl(ParsedFlags flags) {
        ModelControlMode mode = ModelControlMode.parse(flags.text("--model-control-mode"));
        // As in tritonserver, the poll interval only counts in poll mode.
        int pollSecs = mode == ModelControlMode.POLL ? flags.integer("--repository-poll-secs") : 0;
        if (mode != ModelControlMode.EXPLICIT && !flags.texts("--load-model").isEmpty()) {
            throw new UsageException("--load-model can only be used with --model-control-mode=explicit");
        }
        return new ModelControlOptions(mode, flags.texts("--load-model").stream().distinct().toList(), pollSecs,
                flags.integer("--model-load-thread-count"), flags.integer("--model-load-retry-count"),
                flags.text("--model-config-name"));
    }

    private static GrpcOptions grpc(ParsedFlags flags) {
        // A bad connection limit is a usage error, as for HTTP (the gRPC server builds the same record later).
        checked(() -> new dev.jepserve.grpc.GrpcServerOptions.Connections(flags.integer("--grpc-max-connections"),
                flags.integer("--grpc-idle-timeout-secs") * 1000L,
                flags.integer("--grpc-handshake-timeout-secs") * 1000L, 0, 0));
        boolean mutual = flags.bool("--grpc-use-ssl-mutual");
        return new GrpcOptions(
                flags.integer("--grpc-infer-thread-count"),
                flags.integer("--grpc-infer-allocation-pool-size"),
                optionalInt(flags, "--grpc-max-response-pool-size"),
                flags.text("--grpc-infer-response-compression-level"),
                flags.integer("--grpc-keepalive-time"),
                flags.integer("--grpc-keepalive-timeout"),
                flags.bool("--grpc-keepalive-permit-without-calls"),
                flags.integer("--grpc-http2-max-pings-without-data"),
                flags.integer("--grpc-http2-min-recv-ping-interval-without-data"),
                flags.integer("--grpc-http2-max-ping-strikes"),
                optionalInt(flags, "--grpc-max-connection-age"),
                optionalInt(flags, "--grpc-max-connection-age-grace"),
                flags.bool("--reuse-grpc-port"),
                flags.text("--grpc-header-forward-pattern"),
                flags.texts("--grpc-restricted-protocol"),
                // Mutual TLS implies TLS, as in tritonserver.
                flags.bool("--grpc-use-ssl") || mutual,
                mutual,
                flags.text("--grpc-server-cert"),
                flags.text("--grpc-server-key"),
                flags.text("--grpc-root-cert"),
                flags.integer("--grpc-max-connections"),
                flags.integer("--grpc-idle-timeout-secs"),
                flags.integer("--grpc-handshake-timeout-secs"));
    }

    private static OptionalInt optionalInt(ParsedFlags flags, String name) {
        Object value = flags.value(name);
        return value == null ? OptionalInt.empty() : OptionalInt.of((Integer) value);
    }

    private static <T> T checked(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
