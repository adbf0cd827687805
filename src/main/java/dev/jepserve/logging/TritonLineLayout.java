package dev.jepserve.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

import java.util.Map;

/**
 * Writes each event as a tritonserver log line ({@link TritonLogHeading} then the message). The source is the
 * model's {@code model.py:42} for pb_utils.Logger lines (the MDC key {@link #SOURCE_KEY}), else the Java
 * caller's {@code File.java:line}. The format can change while the server runs (the logging extension).
 * Made by {@link StartupLogConfigurator} at start and by {@link LogController}.
 */
public final class TritonLineLayout extends LayoutBase<ILoggingEvent> {
    /** MDC key holding a Python {@code file:line}. */
    public static final String SOURCE_KEY = "source";

    private final long pid = ProcessHandle.current().pid();
    private volatile LogFormat format = LogFormat.DEFAULT;

    /** Starts this layout in {@code context} and returns a started encoder that writes with it. */
    public LayoutWrappingEncoder<ILoggingEvent> startEncoder(Context context) {
        setContext(context);
        start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(this);
        encoder.start();
        return encoder;
    }

    public TritonLineLayout() {
    }

    TritonLineLayout(LogFormat format) {
        this.format = format;
    }

    void setFormat(LogFormat format) {
        this.format = format;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        TritonLogHeading.append(line, format, letter(event.getLevel()), event.getInstant(), pid, source(event));
        line.append(event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(CoreConstants.LINE_SEPARATOR).append(ThrowableProxyUtil.asString(thrown));
        }
        return line.append(CoreConstants.LINE_SEPARATOR).toString();
    }

    /** tritonserver's level letters; DEBUG and TRACE are its verbose lines. */
    static char letter(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 'E';
            case Level.WARN_INT -> 'W';
            case Level.INFO_INT -> 'I';
            default -> 'V';
        };
    }

    private static String source(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String python = mdc == null ? null : mdc.get(SOURCE_KEY);
        return python != null ? python : CallerSource.find();
    }
}
