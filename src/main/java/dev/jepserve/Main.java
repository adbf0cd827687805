package dev.jepserve;

import dev.jepserve.cli.FlagParser;
import dev.jepserve.cli.FlagWarnings;
import dev.jepserve.cli.ParsedFlags;
import dev.jepserve.cli.ServerOptionsReader;
import dev.jepserve.cli.TritonFlags;
import dev.jepserve.cli.UsageException;
import dev.jepserve.logging.LogController;
import dev.jepserve.python.PythonSetupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;

/**
 * The command line: tritonserver's flags (see {@link TritonFlags}), then the server's life. Exit status: 0
 * after help or a graceful shutdown, 1 when the server cannot start, 2 for a wrong command line.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /** What the watchdog allows past the exit timeout and the answers' grace for the remaining stop steps. */
    private static final long WATCHDOG_SLACK_MILLIS = 2000;

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) throws InterruptedException {
        NettyMemorySettings.apply();
        System.exit(new Main(System.out, System.err).run(args));
    }

    int run(String[] args) throws InterruptedException {
        FlagParser parser = new FlagParser(TritonFlags.ALL, BuildInfo.version());
        ServerOptions options;
        ParsedFlags flags;
        try {
            flags = parser.parse(args);
            if (flags.helpRequested()) {
                out.print(parser.usage());
                return EXIT_OK;
            }
            if (flags.versionRequested()) {
                out.println("jepserve " + BuildInfo.version());
                return EXIT_OK;
            }
            options = new ServerOptionsReader(System::getenv).read(flags);
        } catch (UsageException e) {
            err.println("jepserve: " + e.getMessage() + " (jepserve --help lists the flags)");
            return EXIT_USAGE;
        }
        LogController logs;
        try {
            logs = LogController.install(options.log());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        FlagWarnings.lines(flags).forEach(log::warn);
        return serve(options, logs, log);
    }

    private int serve(ServerOptions options, LogController logs, Logger log) throws InterruptedException {
        Server server;
        try {
            server = Server.start(options, logs);
        } catch (PythonSetupException | Server.StartupException e) {
            err.println("error: " + e.getMessage());
            return EXIT_START_FAILED;
        } catch (RuntimeException e) {
            // Unexpected: still one line for the operator; the trace only with --log-verbose.
            err.println("error: " + e);
            if (logs.settings().verbose() > 0) {
                e.printStackTrace(err);
            }
            return EXIT_START_FAILED;
        }
        ShutdownSignals signals = ShutdownSignals.install();
        // Any other JVM exit (System.exit elsewhere, SIGHUP) still shuts the server down gracefully.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        signals.await();
        // Bounded even if a model never returns: the exit timeout, the answers' grace and a little for the rest.
        Thread watchdog = ShutdownWatchdog.start(options.exitTimeoutSecs() * 1000L + Server.ANSWER_GRACE_MILLIS
                + WATCHDOG_SLACK_MILLIS);
        server.close();
        watchdog.interrupt();
        log.info("jepserve stopped");
        return EXIT_OK;
    }
}
