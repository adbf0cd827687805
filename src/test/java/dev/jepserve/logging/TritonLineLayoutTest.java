package dev.jepserve.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TritonLineLayoutTest {
    /** Triton's default line: {@code <L><MMDD> <HH:MM:SS.uuuuuu> <pid> <file>:<line>] <message>}. */
    private static final Pattern DEFAULT_LINE =
            Pattern.compile("^([IWEV])(\\d{4}) (\\d{2}:\\d{2}:\\d{2})\\.(\\d{6}) (\\d+) ([\\w.]+):(\\d+)\\] (.*)\\R$");
    private static final Pattern ISO8601_LINE =
            Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})Z ([IWEV]) (\\d+) ([\\w.]+):(\\d+)\\] (.*)\\R$");
    private static final Instant TIME = Instant.parse("2026-03-07T04:05:06.000789Z");
    private static final long PID = ProcessHandle.current().pid();

    private static LoggingEvent event(Level level, String message) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        LoggingEvent event = new LoggingEvent("test", context.getLogger("x"), level, message, null, null);
        event.setInstant(TIME);
        return event;
    }

    private static String layout(LogFormat format, LoggingEvent event) {
        return new TritonLineLayout(format).doLayout(event);
    }

    @Test
    void defaultLineMatchesTritonsLayoutWithMicrosecondsInUtc() {
        String line = layout(LogFormat.DEFAULT, event(Level.INFO, "hello"));

        Matcher m = DEFAULT_LINE.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(m.group(1)).isEqualTo("I");
        assertThat(m.group(2)).isEqualTo("0307");
        assertThat(m.group(3)).isEqualTo("04:05:06");
        assertThat(m.group(4)).isEqualTo("000789");
        assertThat(m.group(5)).isEqualTo(Long.toString(PID));
        assertThat(m.group(8)).isEqualTo("hello");
    }

    @Test
    void iso8601LineHasTheDateFirstAndWholeSeconds() {
        String line = layout(LogFormat.ISO8601, event(Level.WARN, "careful"));

        Matcher m = ISO8601_LINE.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(m.group(1)).isEqualTo("2026-03-07T04:05:06");
        assertThat(m.group(2)).isEqualTo("W");
        assertThat(m.group(6)).isEqualTo("careful");
    }

    @Test
    void levelLettersAreTritons() {
        assertThat(TritonLineLayout.letter(Level.ERROR)).isEqualTo('E');
        assertThat(TritonLineLayout.letter(Level.WARN)).isEqualTo('W');
        assertThat(TritonLineLayout.letter(Level.INFO)).isEqualTo('I');
        assertThat(TritonLineLayout.letter(Level.DEBUG)).isEqualTo('V');
        assertThat(TritonLineLayout.letter(Level.TRACE)).isEqualTo('V');
    }

    @Test
    void pythonLinesNameTheModelFileAndLine() {
        LoggingEvent event = event(Level.ERROR, "boom");
        event.setMDCPropertyMap(Map.of(TritonLineLayout.SOURCE_KEY, "model.py:42"));

        assertThat(layout(LogFormat.DEFAULT, event)).contains(" " + PID + " model.py:42] boom");
    }

    @Test
    void javaLinesNameTheCallersSourceFileAndLine() {
        TritonLineLayout layout = new TritonLineLayout(LogFormat.DEFAULT);
        LoggingEvent event = event(Level.INFO, "from a test");
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
        String text = layout.doLayout(event);

        assertThat(text).contains(" TritonLineLayoutTest.java:" + line + "] from a test");
    }

    @Test
    void formatChangesWhileRunning() {
        TritonLineLayout layout = new TritonLineLayout(LogFormat.DEFAULT);
        layout.setFormat(LogFormat.ISO8601);

        assertThat(ISO8601_LINE.matcher(layout.doLayout(event(Level.INFO, "now iso"))).matches()).isTrue();
    }

    @Test
    void microsecondsArePaddedToSixDigits() {
        StringBuilder line = new StringBuilder();
        TritonLogHeading.append(line, LogFormat.DEFAULT, 'I', Instant.parse("2026-12-31T23:59:59.5Z"), 7, "a.java:1");

        assertThat(line).hasToString("I1231 23:59:59.500000 7 a.java:1] ");
    }
}
