package dev.jepserve.python;

/** The embedded Python cannot be started; the message is one actionable line for the user. */
public final class PythonSetupException extends RuntimeException {
    public PythonSetupException(String message) {
        super(message);
    }
}
