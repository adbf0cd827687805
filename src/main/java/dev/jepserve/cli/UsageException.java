package dev.jepserve.cli;

/** The command line is wrong: an unknown flag, a bad value, a missing repository. One line, exit status 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
