package dev.jepserve.cli;

import java.util.List;

import static dev.jepserve.cli.FlagSupport.IMPLEMENTED;
import static dev.jepserve.cli.FlagSupport.NOT_YET;
import static dev.jepserve.cli.FlagSupport.NO_EFFECT;
import static dev.jepserve.cli.FlagValue.BOOL;
import static dev.jepserve.cli.FlagValue.DOUBLE;
import static dev.jepserve.cli.FlagValue.INT;
import static dev.jepserve.cli.FlagValue.LEVEL;
import static dev.jepserve.cli.FlagValue.LONG;
import static dev.jepserve.cli.FlagValue.NONE;
import static dev.jepserve.cli.FlagValue.TEXT;

/**
 * The one table of every flag jepserve accepts: all of tritonserver's (in its help order: server, logging,
 * model repository, HTTP, gRPC, SageMaker, Vertex AI, metrics, tracing, backend, repository agent, cache,
 * rate limiter, memory and devices, deprecated) followed by jepserve's own. Parsing, help, warnings and the
 * README's table all come from here.
 */
public final class TritonFlags {
    private static final String GPU = "jepserve runs models on the CPU; there is no GPU or CUDA memory";
    private static final String GRPC = "grpc-java's default applies";
    private static final String SAGEMAKER = "there is no SageMaker endpoint; use the Triton HTTP protocol";
    private static final String VERTEX = "there is no Vertex AI endpoint; use the Triton HTTP protocol";
    private static final String CACHE = "the response cache is not implemented; every request runs the model";
    private static final String RATE_LIMIT = "an instance runs requests as soon as it is free";
    private static final String NO_BACKEND_LIBRARIES = "Python models run in jepserve's embedded interpreter; "
            + "no backend libraries are loaded";

    /** Every flag, tritonserver's first. */
    public static final List<Flag> ALL = List.of(
            // Server
            implemented("--id", TEXT, "triton", "server name reported in the server metadata"),
            implemented("--exit-timeout-secs", INT, "30",
                    "seconds in-flight requests get to finish after SIGTERM or SIGINT"),
            // Logging
            implemented("--log-verbose", LEVEL, "0",
                    "verbose (V) lines, per-request ones included, when above 0 (true and false count as 1 and 0)"),
            implemented("--log-info", BOOL, "true", "print info lines"),
            implemented("--log-warning", BOOL, "true", "print warning lines"),
            implemented("--log-error", BOOL, "true", "print error lines"),
            implemented("--log-format", TEXT, "default",
                    "log line layout, UTC: I1130 07:15:43.123456 (default) or 2026-11-30T07:15:43Z I (ISO8601)")
                    .choices("default", "ISO8601"),
            implemented("--log-file", TEXT, null, "append the log to this file instead of stderr")
                    .label("PATH").defaultText("stderr"),
            // Model repository
            implemented("--model-repository", TEXT, null,
                    "required: a model repository directory; give it again for more")
                    .alias("--model-store").label("PATH").asRepeatable().asRequired(),
            implemented("--exit-on-error", BOOL, "true", "stop when a model fails to load at start"),
            implemented("--disable-auto-complete-config", NONE, null,
                    "never call a model's auto_complete_config; config.pbtxt must be complete")
                    .defaultText("off"),
            implemented("--strict-readiness", BOOL, "true",
                    "ready only while every model is ready (false: ready once the server runs)"),
            implemented("--model-control-mode", TEXT, "none",
                    "none: load every model at start; poll: also follow repository changes; explicit: load "
                            + "--load-model models, then only through the repository API")
                    .choices("none", "poll", "explicit"),
            implemented("--repository-poll-secs", INT, "15",
                    "seconds between repository scans in poll mode (0: no scans)"),
            implemented("--load-model", TEXT, null, "a model to load at start in explicit mode; * for all")
                    .label("NAME").asRepeatable(),
            implemented("--model-config-name", TEXT, null,
                    "read configs/NAME.pbtxt instead of config.pbtxt for models that have it").label("NAME"),
            implemented("--model-load-thread-count", INT, "4",
                    "models loaded in parallel at start and by one repository request or scan"),
            notYet("--model-load-retry-count", INT, "0", "how often a failed model load is retried",
                    "a failed load is not retried").quietWhen("0"),
            noEffect("--model-namespacing", BOOL, "false", "allow one model name in several repositories",
                    "model namespacing is not supported; a name must be unique across repositories")
                    .quietWhen("false"),
            noEffect("--enable-peer-access", BOOL, "true", "let GPUs access each other's memory", GPU),
            // HTTP
            implemented("--allow-http", BOOL, "true", "serve the HTTP/REST protocol"),
            implemented("--http-address", TEXT, "0.0.0.0", "address the HTTP endpoint binds to"),
            implemented("--http-port", INT, "8000", "port of the HTTP endpoint"),
            noEffect("--reuse-http-port", BOOL, "false", "let several servers share the HTTP port",
                    "port sharing (SO_REUSEPORT) is not supported").quietWhen("false"),
            notYet("--http-header-forward-pattern", TEXT, null,
                    "HTTP headers matching this regex become request parameters",
                    "headers do not reach models").label("REGEX"),
            implemented("--http-thread-count", INT, "2",
                    "HTTP event-loop threads; they never run Python (tritonserver's default is 8)"),
            notYet("--http-restricted-api", TEXT, null, "require a header for some API groups",
                    "every API is open to every client")
                    .label("APIS:KEY=VALUE").asRepeatable(),
            implemented("--http-max-input-size", INT, "67108864", "largest request body in bytes"),
            // gRPC
            implemented("--allow-grpc", BOOL, "true", "serve the gRPC protocol"),
            implemented("--grpc-address", TEXT, "0.0.0.0", "address the gRPC endpoint binds to"),
            implemented("--grpc-port", INT, "8001", "port of the gRPC endpoint"),
            notYet("--reuse-grpc-port", BOOL, "false", "let several servers share the gRPC port", GRPC)
                    .quietWhen("false"),
            notYet("--grpc-header-forward-pattern", TEXT, null,
                    "gRPC metadata matching this regex becomes request parameters", GRPC).label("REGEX"),
            implemented("--grpc-infer-thread-count", INT, "2", "threads decoding and encoding gRPC calls"),
            notYet("--grpc-infer-allocation-pool-size", INT, "8", "request states kept for reuse", GRPC),
            notYet("--grpc-max-response-pool-size", INT, null, "most responses queued per stream", GRPC)
                    .defaultText("unlimited"),
            notYet("--grpc-use-ssl", BOOL, "false", "serve gRPC over TLS", GRPC).quietWhen("false"),
            notYet("--grpc-use-ssl-mutual", BOOL, "false", "serve gRPC over mutual TLS", GRPC).quietWhen("false"),
            notYet("--grpc-server-cert", TEXT, null, "PEM server certificate for TLS", GRPC).label("PATH"),
            notYet("--grpc-server-key", TEXT, null, "PEM server key for TLS", GRPC).label("PATH"),
            notYet("--grpc-root-cert", TEXT, null, "PEM root certificate for mutual TLS", GRPC).label("PATH"),
            notYet("--grpc-infer-response-compression-level", TEXT, "none", "compression of inference responses",
                    GRPC).choices("none", "low", "medium", "high"),
            implemented("--grpc-keepalive-time", INT, "7200000", "milliseconds between keepalive pings"),
            implemented("--grpc-keepalive-timeout", INT, "20000", "milliseconds to wait for a ping's answer"),
            implemented("--grpc-keepalive-permit-without-calls", BOOL, "false",
                    "let clients send keepalive pings without calls in flight"),
            notYet("--grpc-http2-max-pings-without-data", INT, "2", "pings allowed without data (0: any)", GRPC),
            implemented("--grpc-http2-min-recv-ping-interval-without-data", INT, "300000",
                    "shortest accepted interval between client pings, in milliseconds"),
            notYet("--grpc-http2-max-ping-strikes", INT, "2", "bad pings tolerated before closing (0: any)", GRPC),
            implemented("--grpc-max-connection-age", INT, null, "milliseconds a connection may live")
                    .defaultText("unlimited"),
            implemented("--grpc-max-connection-age-grace", INT, null,
                    "milliseconds calls get to finish once a connection is too old").defaultText("unlimited"),
            notYet("--grpc-restricted-protocol", TEXT, null, "require a header for some gRPC protocol groups", GRPC)
                    .label("PROTOCOLS:KEY=VALUE").asRepeatable(),
            // SageMaker
            noEffect("--allow-sagemaker", BOOL, "false", "serve the SageMaker protocol", SAGEMAKER)
                    .quietWhen("false"),
            noEffect("--sagemaker-port", INT, "8080", "port of the SageMaker endpoint", SAGEMAKER),
            noEffect("--sagemaker-safe-port-range", TEXT, null, "ports other endpoints may use with SageMaker",
                    SAGEMAKER).label("FIRST-LAST"),
            noEffect("--sagemaker-thread-count", INT, "8", "threads of the SageMaker endpoint", SAGEMAKER),
            // Vertex AI
            noEffect("--allow-vertex-ai", BOOL, "false", "serve the Vertex AI protocol", VERTEX).quietWhen("false"),
            noEffect("--vertex-ai-port", INT, "8080", "port of the Vertex AI endpoint", VERTEX),
            noEffect("--vertex-ai-thread-count", INT, "8", "threads of the Vertex AI endpoint", VERTEX),
            noEffect("--vertex-ai-default-model", TEXT, null, "model that single-model Vertex AI requests use",
                    VERTEX).label("NAME"),
            // Metrics
            implemented("--allow-metrics", BOOL, "true", "serve Prometheus metrics"),
            noEffect("--allow-gpu-metrics", BOOL, "true", "report GPU metrics", GPU).quietWhen("false"),
            implemented("--allow-cpu-metrics", BOOL, "true", "report CPU utilization and memory"),
            implemented("--metrics-address", TEXT, null, "address the metrics endpoint binds to")
                    .defaultText("the HTTP address"),
            implemented("--metrics-port", INT, "8002", "port of the metrics endpoint"),
            implemented("--metrics-interval-ms", DOUBLE, "2000", "milliseconds between CPU metric updates"),
            implemented("--metrics-config", TEXT, null,
                    "histogram_latencies, counter_latencies, summary_latencies, summary_quantiles=Q:E,...; "
                            + "jvm_metrics=true adds process_* and jvm_* families (jepserve only)")
                    .label("KEY=VALUE").asRepeatable(),
            // Tracing
            implemented("--trace-config", TEXT, null, "a trace setting: rate=N, level=OFF|TIMESTAMPS|TENSORS, "
                    + "count=N, mode=triton|opentelemetry, triton,file=PATH, triton,log-frequency=N, "
                    + "opentelemetry,url=URL, opentelemetry,resource=KEY=VALUE, opentelemetry,bsp_*=N")
                    .label("[MODE,]KEY=VALUE").asRepeatable(),
            implemented("--trace-file", TEXT, null, "deprecated: --trace-config triton,file=PATH").label("PATH"),
            implemented("--trace-level", TEXT, null, "deprecated: --trace-config level=LEVEL")
                    .label("LEVEL").asRepeatable().defaultText("OFF"),
            implemented("--trace-rate", INT, "1000", "deprecated: --trace-config rate=N"),
            implemented("--trace-count", INT, "-1", "deprecated: --trace-config count=N"),
            implemented("--trace-log-frequency", INT, "0", "deprecated: --trace-config triton,log-frequency=N"),
            // Backends
            noEffect("--backend-directory", TEXT, "/opt/tritonserver/backends",
                    "where backend libraries are found", NO_BACKEND_LIBRARIES).label("PATH"),
            notYet("--backend-config", TEXT, null,
                    "a backend setting such as python,shm-default-byte-size=N (kept in the server options)",
                    "Python backend settings other than stub-timeout-seconds (stub processes honour it) are kept "
                            + "and change nothing yet; other backends do not exist here")
                    .label("[BACKEND,]KEY=VALUE").asRepeatable(),
            // Repository agents
            noEffect("--repoagent-directory", TEXT, "/opt/tritonserver/repoagents",
                    "where repository agent libraries are found", "repository agents are not supported")
                    .label("PATH"),
            // Response cache
            noEffect("--cache-config", TEXT, null, "a response cache setting, e.g. local,size=1048576", CACHE)
                    .label("CACHE,KEY=VALUE").asRepeatable(),
            noEffect("--cache-directory", TEXT, "/opt/tritonserver/caches", "where cache libraries are found", CACHE)
                    .label("PATH"),
            noEffect("--response-cache-byte-size", LONG, "0", "deprecated: --cache-config local,size=N", CACHE),
            // Rate limiter
            notYet("--rate-limit", TEXT, "off", "rate limiting mode", RATE_LIMIT)
                    .choices("execution_count", "off").quietWhen("off"),
            notYet("--rate-limit-resource", TEXT, null, "resources available to the rate limiter", RATE_LIMIT)
                    .label("NAME:COUNT[:DEVICE]").asRepeatable(),
            // Memory and devices
            noEffect("--pinned-memory-pool-byte-size", LONG, "268435456", "pinned host memory for GPU copies",
                    "tensors never go to a GPU, so no pinned memory is allocated"),
            noEffect("--cuda-memory-pool-byte-size", TEXT, null, "CUDA memory pool of one GPU", GPU)
                    .label("GPU:BYTES").asRepeatable().defaultText("64 MiB per GPU"),
            noEffect("--cuda-virtual-address-size", TEXT, null, "CUDA virtual address space of one GPU", GPU)
                    .label("GPU:BYTES").asRepeatable().defaultText("1 GiB per GPU"),
            noEffect("--min-supported-compute-capability", DOUBLE, "6.0", "oldest usable CUDA compute capability",
                    GPU),
            noEffect("--buffer-manager-thread-count", INT, "0", "threads that copy tensor contents",
                    "input tensors reach numpy without copies; there are no copy threads").quietWhen("0"),
            noEffect("--host-policy", TEXT, null, "NUMA node or CPU cores of a host policy",
                    "host policies (NUMA, CPU core binding) are not supported")
                    .label("POLICY,KEY=VALUE").asRepeatable(),
            noEffect("--model-load-gpu-limit", TEXT, null, "fraction of a GPU's memory models may fill", GPU)
                    .label("GPU:FRACTION").asRepeatable(),
            noEffect("--allow-client-shm", BOOL, "false", "let clients pass tensors in shared memory",
                    "the shared-memory extensions are not implemented").quietWhen("false"),
            // Deprecated
            implemented("--strict-model-config", BOOL, "false",
                    "deprecated: true means --disable-auto-complete-config"),
            // jepserve's own
            implemented("--python", TEXT, null,
                    "the Python to embed: a virtual environment or a python executable")
                    .label("PATH").defaultText("$JEPSERVE_PYTHON, else .venv").jepserveOnly(),
            implemented("--python-threads", INT, "1",
                    "in-process Python threads for work not tied to one instance (imports, initialize, finalize, "
                            + "is_ready); each in-process instance runs execute() on a thread of its own; all "
                            + "share one GIL")
                    .jepserveOnly(),
            implemented("--python-isolation", TEXT, "process",
                    "where model instances run: process (a stub process each) or inprocess (the server's "
                            + "interpreter); a model's PYTHON_ISOLATION parameter overrides it")
                    .choices("process", "inprocess").jepserveOnly(),
            implemented("--bench-floor-model", NONE, null,
                    "also serve jepserve_floor, add/sub computed in Java: the benchmark floor")
                    .defaultText("off").jepserveOnly(),
            implemented("--http-max-connections", INT, "1024",
                    "open HTTP connections at most (each port); a connection beyond it is closed at once")
                    .jepserveOnly(),
            implemented("--http-idle-timeout-secs", INT, "300",
                    "close an HTTP connection with no request in progress after this long; 0 never")
                    .jepserveOnly(),
            implemented("--http-header-timeout-secs", INT, "30",
                    "close an HTTP connection whose request headers are not complete this long after its first "
                            + "byte; 0 never").jepserveOnly(),
            implemented("--http-body-timeout-secs", INT, "300",
                    "close an HTTP connection whose request body is not complete this long after its headers; "
                            + "0 never").jepserveOnly(),
            implemented("--grpc-max-connections", INT, "1024",
                    "open gRPC connections at most; a connection beyond it is closed at once").jepserveOnly(),
            implemented("--grpc-idle-timeout-secs", INT, "300",
                    "close a gRPC connection with no call in progress after this long (GOAWAY); 0 never")
                    .jepserveOnly(),
            implemented("--grpc-handshake-timeout-secs", INT, "30",
                    "close a gRPC connection whose HTTP/2 handshake is not complete this long after it opened; "
                            + "0 is grpc-java's 120").jepserveOnly());

    private TritonFlags() {
    }

    /** The flag with this name or alias. */
    public static Flag named(String name) {
        for (Flag flag : ALL) {
            if (flag.names().contains(name)) {
                return flag;
            }
        }
        throw new IllegalArgumentException("no flag " + name + " in the table");
    }

    private static Flag implemented(String name, FlagValue value, String defaultValue, String description) {
        return Flag.of(name, value, defaultValue, IMPLEMENTED, description, null);
    }

    private static Flag notYet(String name, FlagValue value, String defaultValue, String description,
                               String reason) {
        return Flag.of(name, value, defaultValue, NOT_YET, description, reason);
    }

    private static Flag noEffect(String name, FlagValue value, String defaultValue, String description,
                                 String reason) {
        return Flag.of(name, value, defaultValue, NO_EFFECT, description, reason);
    }
}
