package dev.jepserve.inference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client hears of a failure that is not a {@link TritonException} (a server bug, an unchecked exception
 * from a library): only "internal error", since such messages name Java classes, fields or paths. The server
 * log gets one line with the exception (its stack trace only at verbose level), so a client that can trigger
 * it cannot flood the log with traces.
 */
public final class UnexpectedFailures {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedFailures.class);
    public static final String CLIENT_TEXT = "internal error";

    private UnexpectedFailures() {
    }

    /** Logs {@code failure} (one line) and returns the text a client may see. */
    public static String clientText(Throwable failure) {
        LOG.warn("request failed unexpectedly: {}", failure.toString());
        if (LOG.isDebugEnabled()) {
            LOG.debug("request failure", failure);
        }
        return CLIENT_TEXT;
    }
}
