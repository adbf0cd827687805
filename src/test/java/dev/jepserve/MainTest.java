package dev.jepserve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's exits that happen before a server starts. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void helpPrintsEveryFlagAndExits0() throws Exception {
        assertThat(main.run(new String[] {"--help"})).isEqualTo(Main.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--grpc-keepalive-time", "--cache-config");
        assertThat(err.size()).isZero();
    }

    @Test
    void anUnknownFlagIsOneLineAndExit2() throws Exception {
        assertThat(main.run(new String[] {"--model-repository=/m", "--nonsense"})).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("jepserve: Unknown option: '--nonsense' (jepserve --help lists the flags)"
                        + System.lineSeparator());
    }

    @Test
    void aMissingRepositoryFlagIsOneLineAndExit2() throws Exception {
        assertThat(main.run(new String[] {"--http-port=1"})).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--model-repository must be specified")
                .hasLineCount(1);
    }
}
