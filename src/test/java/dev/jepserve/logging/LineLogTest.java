package dev.jepserve.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class LineLogTest {
    @TempDir
    Path dir;

    @AfterEach
    void backToDefaults() {
        LineLog.configure(new LogOptions(0, true, true, true, LogFormat.DEFAULT, null));
    }

    @Test
    void writesTritonLinesWithTheSwitchedLevelsAndFollowsChanges() throws Exception {
        Path file = dir.resolve("stub.log");
        LineLog.configure(new LogOptions(0, true, false, true, LogFormat.DEFAULT, file));
        Logger log = new LineLogProvider().getLoggerFactory().getLogger("x");

        log.info("hello {}", "stub");
        log.warn("warnings are off");
        log.debug("verbose is off");
        log.error("failed", new IllegalStateException("boom"));
        LineLog.update(LogSettingsChange.none().withVerbose(1).withFormat(LogFormat.ISO8601));
        log.debug("verbose now");

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).matches("I\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{6} \\d+ LineLogTest\\.java:\\d+\\] hello stub");
        assertThat(lines.get(1)).matches("E\\d{4} .* LineLogTest\\.java:\\d+\\] failed");
        assertThat(lines.get(2)).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(String.join("\n", lines)).doesNotContain("warnings are off").doesNotContain("verbose is off");
        assertThat(lines.get(lines.size() - 1))
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z V \\d+ LineLogTest\\.java:\\d+\\] verbose now");
    }
}
