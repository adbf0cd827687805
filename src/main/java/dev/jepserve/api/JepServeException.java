package dev.jepserve.api;

/** The embedded server could not start: a wrong option, a missing repository, the Python set-up, a model. */
public final class JepServeException extends RuntimeException {
    JepServeException(String message, Throwable cause) {
        super(message, cause);
    }
}
