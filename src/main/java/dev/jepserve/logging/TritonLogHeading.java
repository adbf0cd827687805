package dev.jepserve.logging;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The start of a tritonserver log line, up to and including {@code "] "}. Times are UTC in both formats, as
 * tritonserver writes them:
 * <ul>
 *   <li>default: {@code <L><MMDD> <HH:MM:SS.uuuuuu> <pid> <file>:<line>] }</li>
 *   <li>ISO8601: {@code <YYYY-MM-DD>T<HH:MM:SS>Z <L> <pid> <file>:<line>] }</li>
 * </ul>
 * {@code <L>} is E, W, I or V; {@code source} is the {@code file:line} part.
 */
final class TritonLogHeading {
    private TritonLogHeading() {
    }

    static void append(StringBuilder line, LogFormat format, char level, Instant time, long pid, String source) {
        LocalDateTime utc = LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC);
        if (format == LogFormat.ISO8601) {
            line.append(utc.getYear()).append('-');
            twoDigits(line, utc.getMonthValue()).append('-');
            twoDigits(line, utc.getDayOfMonth()).append('T');
            time(line, utc).append("Z ").append(level).append(' ');
        } else {
            line.append(level);
            twoDigits(line, utc.getMonthValue());
            twoDigits(line, utc.getDayOfMonth()).append(' ');
            time(line, utc).append('.');
            sixDigits(line, time.getNano() / 1000).append(' ');
        }
        line.append(pid).append(' ').append(source).append("] ");
    }

    private static StringBuilder time(StringBuilder line, LocalDateTime utc) {
        twoDigits(line, utc.getHour()).append(':');
        twoDigits(line, utc.getMinute()).append(':');
        return twoDigits(line, utc.getSecond());
    }

    private static StringBuilder twoDigits(StringBuilder line, int value) {
        return line.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static StringBuilder sixDigits(StringBuilder line, int value) {
        for (int divisor = 100_000; divisor > 0; divisor /= 10) {
            line.append((char) ('0' + value / divisor % 10));
        }
        return line;
    }
}
