package dev.jepserve.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies tritonserver's log flags to the logging back end. */
public final class LogSettings {
    private LogSettings() {
    }

    /** {@code --log-verbose N}: any N > 0 turns on verbose (DEBUG) lines, including pb_utils log_verbose. */
    public static void applyVerbose(int level) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level > 0 ? Level.DEBUG : Level.INFO);
    }
}
