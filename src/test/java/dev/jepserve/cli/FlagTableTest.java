package dev.jepserve.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlagTableTest {
    /** tritonserver's long options (server src/command_line_parser.cc, plus --http-max-input-size and --allow-client-shm of current main). */
    private static final List<String> TRITONSERVER_FLAGS = List.of(
            "--id", "--exit-timeout-secs",
            "--log-verbose", "--log-info", "--log-warning", "--log-error", "--log-format", "--log-file",
            "--model-store", "--model-repository", "--exit-on-error", "--disable-auto-complete-config",
            "--strict-readiness", "--model-control-mode", "--repository-poll-secs", "--load-model",
            "--model-config-name", "--model-load-thread-count", "--model-load-retry-count", "--model-namespacing",
            "--enable-peer-access",
            "--allow-http", "--http-address", "--http-port", "--reuse-http-port", "--http-header-forward-pattern",
            "--http-thread-count", "--http-restricted-api", "--http-max-input-size",
            "--allow-grpc", "--grpc-address", "--grpc-port", "--reuse-grpc-port", "--grpc-header-forward-pattern",
            "--grpc-infer-thread-count", "--grpc-infer-allocation-pool-size", "--grpc-max-response-pool-size",
            "--grpc-use-ssl", "--grpc-use-ssl-mutual", "--grpc-server-cert", "--grpc-server-key", "--grpc-root-cert",
            "--grpc-infer-response-compression-level", "--grpc-keepalive-time", "--grpc-keepalive-timeout",
            "--grpc-keepalive-permit-without-calls", "--grpc-http2-max-pings-without-data",
            "--grpc-http2-min-recv-ping-interval-without-data", "--grpc-http2-max-ping-strikes",
            "--grpc-max-connection-age", "--grpc-max-connection-age-grace", "--grpc-restricted-protocol",
            "--allow-sagemaker", "--sagemaker-port", "--sagemaker-safe-port-range", "--sagemaker-thread-count",
            "--allow-vertex-ai", "--vertex-ai-port", "--vertex-ai-thread-count", "--vertex-ai-default-model",
            "--allow-metrics", "--allow-gpu-metrics", "--allow-cpu-metrics", "--metrics-address", "--metrics-port",
            "--metrics-interval-ms", "--metrics-config",
            "--trace-config", "--trace-file", "--trace-level", "--trace-rate", "--trace-count",
            "--trace-log-frequency",
            "--backend-directory", "--backend-config", "--repoagent-directory",
            "--cache-config", "--cache-directory", "--response-cache-byte-size",
            "--rate-limit", "--rate-limit-resource",
            "--pinned-memory-pool-byte-size", "--cuda-memory-pool-byte-size", "--cuda-virtual-address-size",
            "--min-supported-compute-capability", "--buffer-manager-thread-count", "--host-policy",
            "--model-load-gpu-limit", "--allow-client-shm", "--strict-model-config");

    private final FlagParser parser = new FlagParser(TritonFlags.ALL, "test");

    @Test
    void everyTritonserverFlagIsInTheTableOnce() {
        Set<String> names = new HashSet<>();
        for (Flag flag : TritonFlags.ALL) {
            for (String name : flag.names()) {
                assertThat(names.add(name)).as("duplicate " + name).isTrue();
            }
        }
        assertThat(names).containsAll(TRITONSERVER_FLAGS);
        assertThat(TRITONSERVER_FLAGS).hasSizeGreaterThanOrEqualTo(87);
        assertThat(TritonFlags.ALL.stream().filter(Flag::tritonFlag).flatMap(f -> f.names().stream()))
                .containsExactlyInAnyOrderElementsOf(TRITONSERVER_FLAGS);
    }

    @Test
    void everyFlagSaysWhatItDoesAndWhyNotWhenItDoesNothing() {
        for (Flag flag : TritonFlags.ALL) {
            assertThat(flag.description()).as(flag.name()).isNotBlank();
            if (flag.support() != FlagSupport.IMPLEMENTED) {
                assertThat(flag.reason()).as(flag.name()).isNotBlank();
            }
        }
    }

    @Test
    void everyFlagParsesWithEqualsAndWithASeparateValue() {
        for (Flag flag : TritonFlags.ALL) {
            for (String name : flag.names()) {
                String sample = sample(flag);
                ParsedFlags joined = parser.parse(withRepository(flag.value() == FlagValue.NONE ? name
                        : name + "=" + sample));
                assertThat(joined.given(flag.name())).as(name).isTrue();
                if (flag.value() != FlagValue.NONE) {
                    ParsedFlags separate = parser.parse(withRepository(name, sample));
                    assertThat(separate.value(flag.name())).as(name).isEqualTo(joined.value(flag.name()));
                    assertThat(String.valueOf(joined.value(flag.name()))).as(name).contains(expected(flag, sample));
                }
            }
        }
    }

    @Test
    void everyDefaultParsesAsItsFlagsValue() {
        ParsedFlags flags = parser.parse("--model-repository", "r");
        for (Flag flag : TritonFlags.ALL) {
            if (flag.defaultValue() != null) {
                Object explicit = parser.parse(withRepository(flag.name() + "=" + flag.defaultValue()))
                        .value(flag.name());
                assertThat(flags.value(flag.name())).as(flag.name()).isEqualTo(explicit);
            }
            assertThat(flags.given(flag.name())).as(flag.name()).isEqualTo(flag.name().equals("--model-repository"));
        }
        assertThat(flags.bool("--disable-auto-complete-config")).isFalse();
        assertThat(flags.bool("--bench-floor-model")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "on", "On", "1"})
    void booleansTakeTritonserverSpellingsOfTrue(String spelling) {
        assertThat(parser.parse(withRepository("--exit-on-error=false", "--exit-on-error=" + spelling))
                .bool("--exit-on-error")).isTrue();
        assertThat(parser.parse(withRepository("--allow-metrics", spelling, "--id", "x")).bool("--allow-metrics"))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "False", "off", "OFF", "0"})
    void booleansTakeTritonserverSpellingsOfFalse(String spelling) {
        assertThat(parser.parse(withRepository("--exit-on-error=" + spelling)).bool("--exit-on-error")).isFalse();
        ParsedFlags separate = parser.parse(withRepository("--allow-grpc", spelling, "--id", "x"));
        assertThat(separate.bool("--allow-grpc")).isFalse();
        assertThat(separate.text("--id")).isEqualTo("x");
    }

    @Test
    void aBooleanFlagAloneMeansTrue() {
        ParsedFlags flags = parser.parse(withRepository("--strict-model-config", "--id", "x"));
        assertThat(flags.bool("--strict-model-config")).isTrue();
        assertThat(flags.text("--id")).isEqualTo("x");
    }

    @Test
    void wrongValuesAreOneLineUsageErrors() {
        assertThatThrownBy(() -> parser.parse(withRepository("--exit-on-error=maybe")))
                .isInstanceOf(UsageException.class).hasMessageContaining("maybe").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> parser.parse(withRepository("--http-port", "eighty")))
                .isInstanceOf(UsageException.class).hasMessageContaining("--http-port");
        assertThatThrownBy(() -> parser.parse(withRepository("--model-control-mode=sometimes")))
                .isInstanceOf(UsageException.class).hasMessageContaining("none, poll, explicit");
        assertThatThrownBy(() -> parser.parse(withRepository("--http-port")))
                .isInstanceOf(UsageException.class).hasMessageContaining("--http-port");
    }

    @Test
    void unknownFlagsAreUsageErrorsEvenWithoutARepository() {
        assertThatThrownBy(() -> parser.parse("--no-such-flag=1"))
                .isInstanceOf(UsageException.class).hasMessage("Unknown option: '--no-such-flag=1'");
    }

    @Test
    void theModelRepositoryIsRequiredExceptForHelp() {
        assertThatThrownBy(() -> parser.parse("--http-port=1"))
                .isInstanceOf(UsageException.class).hasMessage("--model-repository must be specified");
        assertThat(parser.parse("--help").helpRequested()).isTrue();
    }

    @Test
    void repeatableFlagsKeepEveryValueInOrder() {
        ParsedFlags flags = parser.parse("--model-store=a", "--model-repository", "b", "--load-model=m1",
                "--load-model", "m2", "--backend-config", "python,k=v", "--backend-config=python,k2=v2");
        assertThat(flags.texts("--model-repository")).containsExactly("a", "b");
        assertThat(flags.texts("--load-model")).containsExactly("m1", "m2");
        assertThat(flags.texts("--backend-config")).containsExactly("python,k=v", "python,k2=v2");
    }

    @Test
    void choicesAreAcceptedInAnyCaseAndSpelledAsTriton() {
        assertThat(parser.parse(withRepository("--log-format=iso8601")).text("--log-format")).isEqualTo("ISO8601");
        assertThat(parser.parse(withRepository("--model-control-mode", "EXPLICIT")).text("--model-control-mode"))
                .isEqualTo("explicit");
    }

    @Test
    void logVerboseTakesLevelsAndBooleans() {
        assertThat(parser.parse(withRepository("--log-verbose=2")).integer("--log-verbose")).isEqualTo(2);
        assertThat(parser.parse(withRepository("--log-verbose", "true")).integer("--log-verbose")).isEqualTo(1);
        assertThat(parser.parse(withRepository("--log-verbose=false")).integer("--log-verbose")).isZero();
    }

    @Test
    void aSingleValueFlagGivenTwiceKeepsTheLastValue() {
        assertThat(parser.parse(withRepository("--http-port=1", "--http-port=2")).integer("--http-port")).isEqualTo(2);
    }

    @Test
    void unambiguousPrefixesWorkAsWithGetopt() {
        ParsedFlags flags = parser.parse("--model-repo=/m", "--http-p", "9000", "--grpc-po=9001", "--exit-on", "off");
        assertThat(flags.texts("--model-repository")).containsExactly("/m");
        assertThat(flags.integer("--http-port")).isEqualTo(9000);
        assertThat(flags.integer("--grpc-port")).isEqualTo(9001);
        assertThat(flags.bool("--exit-on-error")).isFalse();
        // An exact name wins over longer names it starts.
        assertThat(parser.parse(withRepository("--id=x")).text("--id")).isEqualTo("x");
        assertThatThrownBy(() -> parser.parse(withRepository("--log=1")))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("option '--log' is ambiguous");
    }

    @Test
    void negativeNumbersAreValues() {
        assertThat(parser.parse(withRepository("--trace-count", "-1")).integer("--trace-count")).isEqualTo(-1);
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        String usage = parser.usage().replaceAll("\\s+", " ");
        for (Flag flag : TritonFlags.ALL) {
            for (String name : flag.names()) {
                assertThat(usage).contains(name);
            }
        }
        assertThat(usage).contains("(default: 8001)").contains("(default: /opt/tritonserver/backends)");
        assertThat(parser.parse("--help").helpRequested()).isTrue();
    }

    private static String[] withRepository(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--model-repository";
        all[1] = "repo";
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    /** A valid value of the flag's kind that differs from its default where it can. */
    private static String sample(Flag flag) {
        if (!flag.choices().isEmpty()) {
            return flag.choices().get(flag.choices().size() - 1).toUpperCase();
        }
        return switch (flag.value()) {
            case NONE -> "";
            case BOOL -> "true".equals(flag.defaultValue()) ? "off" : "on";
            case INT, LONG, LEVEL -> "7";
            case DOUBLE -> "1.5";
            case TEXT -> "a,b=c:1";
        };
    }

    private static String expected(Flag flag, String sample) {
        if (!flag.choices().isEmpty()) {
            return flag.choices().get(flag.choices().size() - 1);
        }
        return switch (flag.value()) {
            case BOOL -> sample.equals("on") ? "true" : "false";
            default -> sample;
        };
    }
}
