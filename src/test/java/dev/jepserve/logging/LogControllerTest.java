package dev.jepserve.logging;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LogControllerTest {
    @Test
    void aChangeKeepsWhatItLeavesOutAndSwitchesVerboseLinesAtOnce() {
        LogController logs = LogController.install(LogOptions.defaults());
        Logger log = LoggerFactory.getLogger(LogControllerTest.class);
        assertThat(log.isDebugEnabled()).isFalse();

        LogOptions changed = logs.update(LogSettingsChange.none().withVerbose(1).withFormat(LogFormat.ISO8601));

        assertThat(changed).isEqualTo(new LogOptions(1, true, true, true, LogFormat.ISO8601, null));
        assertThat(logs.settings()).isEqualTo(changed);
        assertThat(log.isDebugEnabled()).isTrue();

        logs.update(LogSettingsChange.none().withVerbose(0));
        assertThat(log.isDebugEnabled()).isFalse();
        assertThat(logs.settings().format()).isEqualTo(LogFormat.ISO8601);
    }
}
