package dev.jepserve.logging;

import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/** One named SLF4J logger of {@link LineLog}: verbose (DEBUG, TRACE) lines at a verbose level above 0. */
final class LineLogger extends AbstractLogger {
    private static final long PID = ProcessHandle.current().pid();

    LineLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return LineLog.settings().verbose() > 0;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return LineLog.settings().verbose() > 0;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return LineLog.settings().info();
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return LineLog.settings().warning();
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return LineLog.settings().error();
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return isErrorEnabled();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable thrown) {
        StringBuilder line = new StringBuilder(128);
        String python = MDC.get(TritonLineLayout.SOURCE_KEY);
        TritonLogHeading.append(line, LineLog.settings().format(), letter(level), Instant.now(), PID,
                python != null ? python : CallerSource.find());
        line.append(MessageFormatter.basicArrayFormat(pattern, arguments));
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        LineLog.write(line.append(System.lineSeparator()).toString());
    }

    /** tritonserver's level letters, as {@link TritonLineLayout#letter}. */
    private static char letter(Level level) {
        return switch (level) {
            case ERROR -> 'E';
            case WARN -> 'W';
            case INFO -> 'I';
            default -> 'V';
        };
    }
}
