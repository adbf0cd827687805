package dev.jepserve.cli;

import dev.jepserve.ModelControlMode;
import dev.jepserve.ServerOptions;
import dev.jepserve.logging.LogFormat;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerOptionsReaderTest {
    private final FlagParser parser = new FlagParser(TritonFlags.ALL, "test");
    private final ServerOptionsReader reader = new ServerOptionsReader(name -> null);

    private ServerOptions read(String... args) {
        return reader.read(parser.parse(args));
    }

    @Test
    void defaultsAreTritonservers() {
        ServerOptions options = read("--model-repository", "/models");

        assertThat(options.modelRepositories()).containsExactly(Path.of("/models"));
        assertThat(options.serverId()).isEqualTo("triton");
        assertThat(options.allowHttp()).isTrue();
        assertThat(options.httpAddress()).isEqualTo("0.0.0.0");
        assertThat(options.httpPort()).isEqualTo(8000);
        assertThat(options.allowGrpc()).isTrue();
        assertThat(options.grpcAddress()).isEqualTo("0.0.0.0");
        assertThat(options.grpcPort()).isEqualTo(8001);
        assertThat(options.grpc().keepaliveTimeMs()).isEqualTo(7200000);
        assertThat(options.grpc().keepaliveTimeoutMs()).isEqualTo(20000);
        assertThat(options.grpc().inferAllocationPoolSize()).isEqualTo(8);
        assertThat(options.grpc().maxConnectionAgeMs()).isEmpty();
        assertThat(options.grpc().useSsl()).isFalse();
        assertThat(options.metricsPort()).isEqualTo(8002);
        assertThat(options.metricsAddress()).isEqualTo("0.0.0.0");
        assertThat(options.metricsIntervalMs()).isEqualTo(2000.0);
        assertThat(options.exitTimeoutSecs()).isEqualTo(30);
        assertThat(options.exitOnError()).isTrue();
        assertThat(options.strictReadiness()).isTrue();
        assertThat(options.autoCompleteConfig()).isTrue();
        assertThat(options.modelControl().mode()).isEqualTo(ModelControlMode.NONE);
        assertThat(options.modelControl().loadModels()).isEmpty();
        assertThat(options.modelControl().repositoryPollSecs()).isZero();
        assertThat(options.modelControl().loadThreadCount()).isEqualTo(4);
        assertThat(options.log().verbose()).isZero();
        assertThat(options.log().info()).isTrue();
        assertThat(options.log().format()).isEqualTo(LogFormat.DEFAULT);
        assertThat(options.log().file()).isNull();
        assertThat(options.rateLimit()).isEqualTo("off");
        assertThat(options.backendConfig().python()).isEmpty();
        assertThat(options.benchFloorModel()).isFalse();
    }

    @Test
    void grpcFlagsAreParsedForTheGrpcEndpoint() {
        ServerOptions options = read("--model-repository=/m", "--allow-grpc=0", "--grpc-address=127.0.0.1",
                "--grpc-port", "9001", "--grpc-keepalive-time=1000", "--grpc-keepalive-permit-without-calls=1",
                "--grpc-max-connection-age=60000", "--grpc-infer-allocation-pool-size=16",
                "--grpc-use-ssl-mutual=true", "--grpc-infer-response-compression-level=HIGH");

        assertThat(options.allowGrpc()).isFalse();
        assertThat(options.grpcAddress()).isEqualTo("127.0.0.1");
        assertThat(options.grpcPort()).isEqualTo(9001);
        assertThat(options.grpc().keepaliveTimeMs()).isEqualTo(1000);
        assertThat(options.grpc().keepalivePermitWithoutCalls()).isTrue();
        assertThat(options.grpc().maxConnectionAgeMs()).hasValue(60000);
        assertThat(options.grpc().inferAllocationPoolSize()).isEqualTo(16);
        assertThat(options.grpc().useSsl()).isTrue();
        assertThat(options.grpc().responseCompressionLevel()).isEqualTo("high");
    }

    @Test
    void grpcConnectionLimitsAreParsedAndCheckedAsUsage() {
        ServerOptions defaults = read("--model-repository=/m");
        assertThat(defaults.grpc().maxConnections()).isEqualTo(1024);
        assertThat(defaults.grpc().idleTimeoutSecs()).isEqualTo(300);
        assertThat(defaults.grpc().handshakeTimeoutSecs()).isEqualTo(30);
        ServerOptions options = read("--model-repository=/m", "--grpc-max-connections=8",
                "--grpc-idle-timeout-secs=5", "--grpc-handshake-timeout-secs=2");
        assertThat(options.grpc().maxConnections()).isEqualTo(8);
        assertThat(options.grpc().idleTimeoutSecs()).isEqualTo(5);
        assertThat(options.grpc().handshakeTimeoutSecs()).isEqualTo(2);
        assertThatThrownBy(() -> read("--model-repository=/m", "--grpc-max-connections=0"))
                .isInstanceOf(UsageException.class).hasMessageContaining("connection limit");
        assertThatThrownBy(() -> read("--model-repository=/m", "--grpc-idle-timeout-secs=-1"))
                .isInstanceOf(UsageException.class).hasMessageContaining("gRPC connection times");
    }

    @Test
    void backendConfigKeepsThePythonSettingsAsAMap() {
        ServerOptions options = read("--model-repository=/m", "--backend-config=python,shm-default-byte-size=1048576",
                "--backend-config", "python,shm-growth-byte-size=65536", "--backend-config=default-max-batch-size=4");

        assertThat(options.backendConfig().python()).isEqualTo(Map.of("shm-default-byte-size", "1048576",
                "shm-growth-byte-size", "65536"));
        assertThat(options.backendConfig().settings("")).containsEntry("default-max-batch-size", "4");
    }

    @Test
    void modelControlFlagsAreParsed() {
        ServerOptions explicit = read("--model-repository=/m", "--model-control-mode=explicit", "--load-model=a",
                "--load-model=b", "--repository-poll-secs=5");
        assertThat(explicit.modelControl().mode()).isEqualTo(ModelControlMode.EXPLICIT);
        assertThat(explicit.modelControl().loadModels()).containsExactly("a", "b");
        assertThat(explicit.modelControl().repositoryPollSecs()).as("only in poll mode").isZero();

        ServerOptions poll = read("--model-repository=/m", "--model-control-mode=poll", "--repository-poll-secs=5");
        assertThat(poll.modelControl().repositoryPollSecs()).isEqualTo(5);
    }

    @Test
    void loadModelNeedsExplicitMode() {
        assertThatThrownBy(() -> read("--model-repository=/m", "--model-control-mode=poll", "--load-model=a"))
                .hasMessage("--load-model can only be used with --model-control-mode=explicit");
    }

    @Test
    void logFlagsAreParsed() {
        ServerOptions options = read("--model-repository=/m", "--log-info=false", "--log-warning", "off",
                "--log-error=1", "--log-format=ISO8601", "--log-file=logs/jepserve.log", "--log-verbose=true");

        assertThat(options.log().info()).isFalse();
        assertThat(options.log().warning()).isFalse();
        assertThat(options.log().error()).isTrue();
        assertThat(options.log().format()).isEqualTo(LogFormat.ISO8601);
        assertThat(options.log().file()).isEqualTo(Path.of("logs/jepserve.log"));
        assertThat(options.logVerbose()).isEqualTo(1);
    }

    @Test
    void implementedFlagsKeepWorking() {
        ServerOptions options = read("--model-store=/a", "--model-repository=/b", "--http-address=127.0.0.1",
                "--http-port=1", "--http-thread-count=3", "--http-max-input-size=10", "--metrics-port=2",
                "--metrics-interval-ms=250.5", "--allow-metrics=false", "--exit-timeout-secs=5", "--id=x",
                "--strict-model-config=true", "--python=/py", "--python-threads=2", "--bench-floor-model");

        assertThat(options.modelRepositories()).containsExactly(Path.of("/a"), Path.of("/b"));
        assertThat(read("--model-store=/a", "--model-repository=/a").modelRepositories()).as("a set, as in tritonserver")
                .containsExactly(Path.of("/a"));
        assertThat(options.metricsAddress()).as("follows the HTTP address").isEqualTo("127.0.0.1");
        assertThat(options.httpThreads()).isEqualTo(3);
        assertThat(options.httpMaxInputSize()).isEqualTo(10);
        assertThat(options.metricsIntervalMs()).isEqualTo(250.5);
        assertThat(options.allowMetrics()).isFalse();
        assertThat(options.allowCpuMetrics()).as("off with metrics, as in tritonserver").isFalse();
        assertThat(options.autoCompleteConfig()).isFalse();
        assertThat(options.python()).isEqualTo(Path.of("/py"));
        assertThat(options.pythonThreads()).isEqualTo(2);
        assertThat(options.benchFloorModel()).isTrue();
    }

    @Test
    void pythonComesFromTheEnvironmentWithoutTheFlag() {
        ServerOptions options = new ServerOptionsReader(name -> name.equals("JEPSERVE_PYTHON") ? "/env/py" : null)
                .read(parser.parse("--model-repository=/m"));
        assertThat(options.python()).isEqualTo(Path.of("/env/py"));
    }

    @Test
    void twoEndpointsOnOneAddressAndPortAreRefused() {
        assertThatThrownBy(() -> read("--model-repository=/m", "--http-port=8001"))
                .isInstanceOf(UsageException.class).hasMessage("HTTP and gRPC cannot both listen on 0.0.0.0:8001");
        assertThatThrownBy(() -> read("--model-repository=/m", "--metrics-port=8000"))
                .hasMessage("HTTP and metrics cannot both listen on 0.0.0.0:8000");
        // Disabled endpoints, different addresses and port 0 do not collide.
        read("--model-repository=/m", "--http-port=8001", "--allow-grpc=false");
        read("--model-repository=/m", "--metrics-port=8000", "--metrics-address=127.0.0.1");
        read("--model-repository=/m", "--http-port=0", "--metrics-port=0");
    }

    @Test
    void malformedValuesAreUsageErrors() {
        assertThatThrownBy(() -> read("--model-repository=/m", "--backend-config=python"))
                .isInstanceOf(UsageException.class).hasMessageContaining("--backend-config");
        assertThatThrownBy(() -> read("--model-repository=/m", "--metrics-config=nonsense=1"))
                .isInstanceOf(UsageException.class).hasMessageContaining("nonsense");

    }
}
