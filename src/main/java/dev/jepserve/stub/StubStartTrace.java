package dev.jepserve.stub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a stub's start goes: the wall time and the process CPU time (from /proc, 10 ms steps) at each phase, for
 * one debug line (--log-verbose 1). The CPU at the first mark is the JVM's own start.
 */
final class StubStartTrace {
    private static final Path STAT = Path.of("/proc/self/stat");

    private final long startNanos = System.nanoTime();
    private final StringBuilder phases = new StringBuilder();

    /** Records that {@code phase} just finished. */
    synchronized void mark(String phase) {
        phases.append(phases.length() == 0 ? "" : ", ").append(phase).append(' ')
                .append((System.nanoTime() - startNanos) / 1_000_000).append(" ms (cpu ").append(cpuMillis())
                .append(" ms)");
    }

    synchronized String summary() {
        return phases.toString();
    }

    /** User plus system CPU time of this process so far; -1 when /proc is not there. */
    private static long cpuMillis() {
        try {
            String stat = Files.readString(STAT);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the command name.
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
