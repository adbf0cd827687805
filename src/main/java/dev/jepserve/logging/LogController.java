package dev.jepserve.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The server's log settings, from the command line at start and from the logging extension (HTTP and gRPC)
 * while it runs. One per server, passed to both front ends; logback holds the rest (the root level, the
 * appender). Verbose lines are DEBUG events: the root level is DEBUG exactly when the verbose level is above
 * 0, so {@code log.isDebugEnabled()} is the cheap check that keeps verbose lines off the hot path.
 */
public final class LogController {
    private static final String APPENDER_NAME = "jepserve";

    private final AtomicReference<LogOptions> current;
    private final Logger root;
    private final TritonLineLayout layout;
    /** Told the settings after each change (stub processes log by them too). */
    private final List<Consumer<LogOptions>> listeners = new CopyOnWriteArrayList<>();

    private LogController(LogOptions options, Logger root, TritonLineLayout layout) {
        this.current = new AtomicReference<>(options);
        this.root = root;
        this.layout = layout;
    }

    /**
     * Sends the log to stderr (as tritonserver) or to {@code --log-file}, in the chosen format and levels.
     * Call once at start, before the first line worth keeping.
     *
     * @throws IllegalArgumentException when the log file cannot be opened
     */
    public static LogController install(LogOptions options) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        TritonLineLayout layout = new TritonLineLayout(options.format());
        LayoutWrappingEncoder<ILoggingEvent> encoder = layout.startEncoder(context);

        LogController controller = new LogController(options, root, layout);
        OutputStreamAppender<ILoggingEvent> appender = output(options);
        appender.setName(APPENDER_NAME);
        appender.setContext(context);
        appender.setEncoder(encoder);
        LevelSwitchFilter filter = new LevelSwitchFilter(controller::settings);
        filter.start();
        appender.addFilter(filter);
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalArgumentException("cannot write the log file '" + options.file() + "'");
        }
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        controller.applyLevel(options);
        return controller;
    }

    /** The settings now in force. */
    public LogOptions settings() {
        return current.get();
    }

    /** Applies a change (what it leaves out stays) and returns the settings now in force. */
    public synchronized LogOptions update(LogSettingsChange change) {
        LogOptions updated = current.get().with(change);
        layout.setFormat(updated.format());
        current.set(updated);
        applyLevel(updated);
        listeners.forEach(listener -> listener.accept(updated));
        return updated;
    }

    /** Calls {@code listener} with the new settings after every change from now on. */
    public void onChange(Consumer<LogOptions> listener) {
        listeners.add(listener);
    }

    private void applyLevel(LogOptions options) {
        root.setLevel(options.verbose() > 0 ? Level.DEBUG : Level.INFO);
    }

    private static OutputStreamAppender<ILoggingEvent> output(LogOptions options) {
        if (options.file() == null) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            return console;
        }
        // tritonserver appends to an existing log file.
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setFile(options.file().toString());
        file.setAppend(true);
        return file;
    }
}
