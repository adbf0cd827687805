package dev.jepserve.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

/**
 * Applies tritonserver's log flags to the logging back end: verbosity, per-level switches, line format and
 * the output (console or {@code --log-file}). Called once at start, before the first line worth keeping.
 */
public final class LogSettings {
    private static final String APPENDER_NAME = "jepserve";

    private LogSettings() {
    }

    /**
     * Replaces the root logger's appenders with one built from the options.
     *
     * @throws IllegalArgumentException when the log file cannot be opened
     */
    public static void apply(LogOptions options) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(options.verbose() > 0 ? Level.DEBUG : Level.INFO);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern(options.format(), ProcessHandle.current().pid()));
        encoder.start();

        OutputStreamAppender<ILoggingEvent> appender = output(options);
        appender.setName(APPENDER_NAME);
        appender.setContext(context);
        appender.setEncoder(encoder);
        LevelSwitchFilter filter = new LevelSwitchFilter(options);
        filter.start();
        appender.addFilter(filter);
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalArgumentException("cannot write the log file '" + options.file() + "'");
        }

        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }

    /** The layout of one line; {@code %source} is registered by logback.xml (LogSourceConverter). */
    static String pattern(LogFormat format, long pid) {
        return switch (format) {
            case DEFAULT -> "%.-1level%d{MMdd HH:mm:ss.SSS} " + pid + " %source] %msg%n";
            case ISO8601 -> "%d{yyyy-MM-dd'T'HH:mm:ss'Z', UTC} %.-1level " + pid + " %source] %msg%n";
        };
    }

    private static OutputStreamAppender<ILoggingEvent> output(LogOptions options) {
        if (options.file() == null) {
            return new ConsoleAppender<>();
        }
        // tritonserver appends to an existing log file.
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setFile(options.file().toString());
        file.setAppend(true);
        return file;
    }
}
