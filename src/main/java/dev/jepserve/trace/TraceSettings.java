package dev.jepserve.trace;

import java.util.List;

/**
 * The trace settings of the extension, in force globally or for one model.
 *
 * @param levels       TIMESTAMPS and/or TENSORS, in the order given; empty means OFF
 * @param rate         one request in {@code rate} is traced (0: none)
 * @param count        traces still to collect, -1 for no limit
 * @param logFrequency write the trace file every this many traces (0: at exit)
 * @param file         the trace file (mode triton), "" for none
 */
public record TraceSettings(List<String> levels, int rate, int count, int logFrequency, String file) {
    public static final String TIMESTAMPS = "TIMESTAMPS";
    public static final String TENSORS = "TENSORS";
    public static final String OFF = "OFF";

    /** Triton's defaults: off, every 1000th request, no limit, written at exit, no file. */
    public static final TraceSettings DEFAULTS = new TraceSettings(List.of(), 1000, -1, 0, "");

    public TraceSettings {
        levels = List.copyOf(levels);
    }

    boolean off() {
        return levels.isEmpty();
    }

    boolean tensors() {
        return levels.contains(TENSORS);
    }

    /** The levels as the extension answers them: ["OFF"] when off. */
    List<String> levelNames() {
        return levels.isEmpty() ? List.of(OFF) : levels;
    }

    TraceSettings withLevels(List<String> value) {
        return new TraceSettings(value, rate, count, logFrequency, file);
    }

    TraceSettings withRate(int value) {
        return new TraceSettings(levels, value, count, logFrequency, file);
    }

    TraceSettings withCount(int value) {
        return new TraceSettings(levels, rate, value, logFrequency, file);
    }

    TraceSettings withLogFrequency(int value) {
        return new TraceSettings(levels, rate, count, value, file);
    }

    TraceSettings withFile(String value) {
        return new TraceSettings(levels, rate, count, logFrequency, value);
    }
}
