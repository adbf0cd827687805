package dev.jepserve.stub;

import dev.jepserve.logging.LogOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * How to start a stub process: this JVM's java executable and this jar (the stub runs the same code), the
 * Python to embed, how long a stub may take to connect, and the log settings it starts with (the server's
 * at that moment: a stub logs as the server does).
 */
public record StubLaunch(Path java, String classpath, Path python, String jepVersion, long startTimeoutSeconds,
                         Supplier<LogOptions> logSettings) {

    /** A stub launched like this server: same java, same class path. */
    public static StubLaunch likeThisProcess(Path python, String jepVersion, Supplier<LogOptions> logSettings) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new StubLaunch(java, System.getProperty("java.class.path"), python, jepVersion, 120, logSettings);
    }

    /** The log settings as StubMain's trailing arguments: verbose, info, warning, error, format, file. */
    List<String> logArguments() {
        LogOptions log = logSettings.get();
        return List.of(Integer.toString(log.verbose()), Boolean.toString(log.info()), Boolean.toString(log.warning()),
                Boolean.toString(log.error()), log.format().tritonName(), log.file() == null ? "" : log.file().toString());
    }

    /** Reads {@link #logArguments()} back, in the stub. */
    static LogOptions parseLogArguments(List<String> arguments) {
        return new LogOptions(Integer.parseInt(arguments.get(0)), Boolean.parseBoolean(arguments.get(1)),
                Boolean.parseBoolean(arguments.get(2)), Boolean.parseBoolean(arguments.get(3)),
                dev.jepserve.logging.LogFormat.parse(arguments.get(4)),
                arguments.get(5).isEmpty() ? null : Path.of(arguments.get(5)));
    }
}
