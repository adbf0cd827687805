package dev.jepserve.logging;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The log of a stub process: tritonserver's line layout ({@link TritonLogHeading}), the same levels and switches
 * as the server's logback set-up ({@link LogController}), written straight to stderr or the log file. Logback's
 * own start costs a JVM about a tenth of a second of CPU, paid again by every stub; this costs next to nothing.
 * The stub selects it with {@code -Dslf4j.provider=dev.jepserve.logging.LineLogProvider}. SLF4J finds its
 * provider by class name, so the settings live here, set once by the stub's main and changed by the server.
 */
public final class LineLog {
    private static volatile LogOptions settings = new LogOptions(0, true, true, true, LogFormat.DEFAULT, null);
    private static volatile PrintStream out = System.err;

    private LineLog() {
    }

    /**
     * The stub's settings at start.
     *
     * @throws IllegalArgumentException when the log file cannot be opened
     */
    public static synchronized void configure(LogOptions options) {
        if (options.file() == null) {
            out = System.err;
        } else {
            try {
                // tritonserver appends to an existing log file.
                OutputStream file = new FileOutputStream(options.file().toFile(), true);
                out = new PrintStream(file, true, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot write the log file '" + options.file() + "'");
            }
        }
        settings = options;
    }

    /** Applies a run-time change (what it leaves out stays); the log file stays. */
    public static synchronized void update(LogSettingsChange change) {
        settings = settings.with(change);
    }

    static LogOptions settings() {
        return settings;
    }

    static void write(String line) {
        PrintStream target = out;
        synchronized (target) {
            target.print(line);
            target.flush();
        }
    }
}
