package dev.jepserve.stub;

import dev.jepserve.logging.LogOptions;
import dev.jepserve.python.PythonEnvironment;
import io.netty.channel.EventLoopGroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How to start a stub process: this JVM's java executable and this jar (the stub runs the same code), the
 * Python to embed, how long a stub may take to connect, and the log settings it starts with (the server's
 * at that moment: a stub logs as the server does).
 *
 * @param environment  the Python the server found (the stub embeds the same one without probing it again);
 *                     null: the stub probes {@code python} itself
 * @param sharedMemory the size, growth and ceiling of each stub's shared-memory regions
 * @param readers      the event loops that read what stubs send (StubProcess): the server's I/O loop, so a
 *                     stub's answer is written to a gRPC client by the thread that read it; null: each stub's
 *                     connection gets a loop of its own
 */
public record StubLaunch(Path java, String classpath, Path python, String jepVersion, long startTimeoutSeconds,
                         Supplier<LogOptions> logSettings, PythonEnvironment environment,
                         SharedMemorySettings sharedMemory, EventLoopGroup readers) {
    private static final SharedMemorySettings DEFAULT_SHARED_MEMORY = SharedMemorySettings.fromPythonSettings(
            Map.of());

    /** A stub launched like this server: same java, same class path. */
    public static StubLaunch likeThisProcess(Path python, String jepVersion, Supplier<LogOptions> logSettings) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new StubLaunch(java, System.getProperty("java.class.path"), python, jepVersion, 120, logSettings,
                null, DEFAULT_SHARED_MEMORY, null);
    }

    /** The same launch, its stubs' connections read by these event loops (NIO ones). */
    public StubLaunch withReaders(EventLoopGroup loops) {
        return new StubLaunch(java, classpath, python, jepVersion, startTimeoutSeconds, logSettings, environment,
                sharedMemory, loops);
    }

    /** The same launch for the server's already probed Python (saves the stub a Python subprocess at start). */
    public StubLaunch withEnvironment(PythonEnvironment probed) {
        return new StubLaunch(java, classpath, python, jepVersion, startTimeoutSeconds, logSettings, probed,
                sharedMemory, readers);
    }

    /** The same launch with other shared-memory settings. */
    public StubLaunch withSharedMemory(SharedMemorySettings settings) {
        return new StubLaunch(java, classpath, python, jepVersion, startTimeoutSeconds, logSettings, environment,
                settings, readers);
    }

    /** The probed environment as StubMain's arguments after the log settings (empty when not known). */
    List<String> environmentArguments() {
        if (environment == null) {
            return List.of();
        }
        return List.of(environment.version(), environment.prefix().toString(), environment.basePrefix().toString(),
                environment.jepLibrary().toString(), environment.jepVersion(), environment.numpyVersion());
    }

    /** Reads {@link #environmentArguments()} back, in the stub. */
    static PythonEnvironment parseEnvironment(Path executable, List<String> arguments) {
        return new PythonEnvironment(executable, arguments.get(0), Path.of(arguments.get(1)), Path.of(arguments.get(2)),
                Path.of(arguments.get(3)), arguments.get(4), arguments.get(5));
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
