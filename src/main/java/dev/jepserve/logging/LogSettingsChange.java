package dev.jepserve.logging;

/**
 * A run-time change of the log settings (the logging extension's POST body or LogSettings RPC), already
 * checked by the front end that decoded it. A null member leaves that setting as it is.
 */
public record LogSettingsChange(Boolean info, Boolean warning, Boolean error, Integer verbose, LogFormat format) {

    public static LogSettingsChange none() {
        return new LogSettingsChange(null, null, null, null, null);
    }

    /** A copy with one member set; front ends fill a change member by member. */
    public LogSettingsChange withInfo(boolean value) {
        return new LogSettingsChange(value, warning, error, verbose, format);
    }

    public LogSettingsChange withWarning(boolean value) {
        return new LogSettingsChange(info, value, error, verbose, format);
    }

    public LogSettingsChange withError(boolean value) {
        return new LogSettingsChange(info, warning, value, verbose, format);
    }

    public LogSettingsChange withVerbose(int value) {
        return new LogSettingsChange(info, warning, error, value, format);
    }

    public LogSettingsChange withFormat(LogFormat value) {
        return new LogSettingsChange(info, warning, error, verbose, value);
    }
}
