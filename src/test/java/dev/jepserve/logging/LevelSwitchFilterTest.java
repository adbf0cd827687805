package dev.jepserve.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LevelSwitchFilterTest {
    private static FilterReply decide(LogOptions options, Level level) {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("x"), level, "message", null, null);
        return new LevelSwitchFilter(() -> options).decide(event);
    }

    @Test
    void eachLevelIsSwitchedOnItsOwn() {
        LogOptions warningsOff = new LogOptions(0, true, false, true, LogFormat.DEFAULT, null);

        assertThat(decide(warningsOff, Level.WARN)).isEqualTo(FilterReply.DENY);
        assertThat(decide(warningsOff, Level.ERROR)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(warningsOff, Level.INFO)).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void verboseLinesFollowOnlyTheVerboseLevel() {
        LogOptions allOff = new LogOptions(1, false, false, false, LogFormat.DEFAULT, null);

        assertThat(decide(allOff, Level.INFO)).isEqualTo(FilterReply.DENY);
        assertThat(decide(allOff, Level.ERROR)).isEqualTo(FilterReply.DENY);
        assertThat(decide(allOff, Level.DEBUG)).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void formatNamesAreTritons() {
        assertThat(LogFormat.parse("iso8601")).isEqualTo(LogFormat.ISO8601);
        assertThat(LogFormat.fromTritonName("ISO8601")).isEqualTo(LogFormat.ISO8601);
        assertThat(LogFormat.fromTritonName("default")).isEqualTo(LogFormat.DEFAULT);
        assertThat(LogFormat.fromTritonName("iso8601")).isNull();
    }
}
