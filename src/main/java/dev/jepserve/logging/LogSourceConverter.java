package dev.jepserve.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.util.Map;

/**
 * Prints where a log line comes from, in the place Triton prints {@code file.cc:line}: the model's
 * {@code model.py:42} for pb_utils.Logger lines (set in the MDC), else the short Java class name.
 */
public final class LogSourceConverter extends ClassicConverter {
    /** MDC key holding a Python {@code file:line}. */
    public static final String SOURCE_KEY = "source";

    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String source = mdc == null ? null : mdc.get(SOURCE_KEY);
        if (source != null) {
            return source;
        }
        String logger = event.getLoggerName();
        return logger.substring(logger.lastIndexOf('.') + 1);
    }
}
