package dev.jepserve.logging;

import java.nio.file.Path;

/**
 * tritonserver's logging flags.
 *
 * @param verbose {@code --log-verbose}: any value above 0 shows verbose lines
 * @param info    {@code --log-info}: show info lines
 * @param warning {@code --log-warning}: show warning lines
 * @param error   {@code --log-error}: show error lines
 * @param format  {@code --log-format}
 * @param file    {@code --log-file}: append the log to this file instead of the console; null for the console
 */
public record LogOptions(int verbose, boolean info, boolean warning, boolean error, LogFormat format, Path file) {

    public static LogOptions defaults() {
        return new LogOptions(0, true, true, true, LogFormat.DEFAULT, null);
    }
}
