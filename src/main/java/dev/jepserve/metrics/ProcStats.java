package dev.jepserve.metrics;

import java.util.List;

/** Parses the two Linux files the CPU metrics come from: /proc/stat and /proc/meminfo. */
final class ProcStats {
    private ProcStats() {
    }

    /** Cumulative CPU time in jiffies: busy = user+nice+system+irq+softirq+steal, total = busy+idle+iowait. */
    record CpuTimes(long busy, long total) {
        /** Busy share of the time elapsed since {@code earlier}, 0 when no time passed. */
        double utilizationSince(CpuTimes earlier) {
            long totalDelta = total - earlier.total;
            long busyDelta = busy - earlier.busy;
            if (totalDelta <= 0 || busyDelta < 0) {
                return 0.0;
            }
            return Math.min(1.0, (double) busyDelta / totalDelta);
        }
    }

    /** Memory in bytes: used = MemTotal - MemAvailable. */
    record Memory(long totalBytes, long usedBytes) {
    }

    /** Reads the aggregate "cpu" line: user nice system idle iowait irq softirq steal ... */
    static CpuTimes parseStat(List<String> lines) {
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 5 && fields[0].equals("cpu")) {
                long user = field(fields, 1);
                long nice = field(fields, 2);
                long system = field(fields, 3);
                long idle = field(fields, 4);
                long iowait = field(fields, 5);
                long irq = field(fields, 6);
                long softirq = field(fields, 7);
                long steal = field(fields, 8);
                long busy = user + nice + system + irq + softirq + steal;
                return new CpuTimes(busy, busy + idle + iowait);
            }
        }
        throw new IllegalArgumentException("no aggregate cpu line in /proc/stat");
    }

    static Memory parseMeminfo(List<String> lines) {
        long totalKb = -1;
        long availableKb = -1;
        for (String line : lines) {
            if (line.startsWith("MemTotal:")) {
                totalKb = kilobytes(line);
            } else if (line.startsWith("MemAvailable:")) {
                availableKb = kilobytes(line);
            }
        }
        if (totalKb < 0 || availableKb < 0) {
            throw new IllegalArgumentException("MemTotal or MemAvailable missing from /proc/meminfo");
        }
        return new Memory(totalKb * 1024, Math.max(0, totalKb - availableKb) * 1024);
    }

    private static long field(String[] fields, int index) {
        return index < fields.length ? Long.parseLong(fields[index]) : 0L;
    }

    /** "MemTotal:       16318480 kB" -> 16318480. */
    private static long kilobytes(String line) {
        String[] fields = line.trim().split("\\s+");
        return Long.parseLong(fields[1]);
    }
}
