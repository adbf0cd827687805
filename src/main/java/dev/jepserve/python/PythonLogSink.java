package dev.jepserve.python;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Where pb_utils.Logger lines go: the server log, at the matching level, with the model file and line in
 * place of the Java source (as Triton's log lines show). Called from Python through Jep.
 */
public final class PythonLogSink {
    /** MDC key the log layout prints instead of the logger name. */
    public static final String SOURCE_KEY = dev.jepserve.logging.TritonLineLayout.SOURCE_KEY;

    private static final int INFO = 0;
    private static final int WARNING = 1;
    private static final int ERROR = 2;

    private final Logger logger = LoggerFactory.getLogger("python");

    public void log(int level, String file, int line, String message) {
        MDC.put(SOURCE_KEY, file + ":" + line);
        try {
            switch (level) {
                case INFO -> logger.info(message);
                case WARNING -> logger.warn(message);
                case ERROR -> logger.error(message);
                default -> logger.debug(message);
            }
        } finally {
            MDC.remove(SOURCE_KEY);
        }
    }
}
