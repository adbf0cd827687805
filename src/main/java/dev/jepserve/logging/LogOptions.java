package dev.jepserve.logging;

import java.nio.file.Path;

/**
 * tritonserver's logging flags, and the settings the logging extension reports and changes.
 *
 * @param verbose {@code --log-verbose}: any value above 0 shows verbose lines
 * @param info    {@code --log-info}: show info lines
 * @param warning {@code --log-warning}: show warning lines
 * @param error   {@code --log-error}: show error lines
 * @param format  {@code --log-format}
 * @param file    {@code --log-file}: append the log to this file instead of stderr; null for stderr
 */
public record LogOptions(int verbose, boolean info, boolean warning, boolean error, LogFormat format, Path file) {

    public static LogOptions defaults() {
        return new LogOptions(0, true, true, true, LogFormat.DEFAULT, null);
    }

    /** These options with a change applied; what the change leaves out stays as it is. */
    public LogOptions with(LogSettingsChange change) {
        return new LogOptions(
                change.verbose() != null ? change.verbose() : verbose,
                change.info() != null ? change.info() : info,
                change.warning() != null ? change.warning() : warning,
                change.error() != null ? change.error() : error,
                change.format() != null ? change.format() : format,
                file);
    }
}
